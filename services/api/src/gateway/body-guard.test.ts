import { jsonDepth, nulField } from './body-guard';

describe('nulField', () => {
  it('names the first field whose value or name holds U+0000', () => {
    expect(nulField({ a: [1, { b: 'x\u0000y' }] }, 'body')).toBe('body.a.1.b');
    expect(nulField({ ['k\u0000']: 1 }, 'query')).toBe('query.k\u0000');
    expect(nulField('\u0000', 'body')).toBe('body');
  });

  it('passes everything else, however deep', () => {
    expect(nulField({ a: ['x', null, 1, true, { b: '汉字\u0001' }] }, 'body')).toBeUndefined();
    expect(nulField(undefined, 'body')).toBeUndefined();
    let deep: unknown = 'ok';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nulField(deep, 'body')).toBeUndefined();
  });
});

describe('jsonDepth', () => {
  it('counts nested arrays and objects, not brackets in strings', () => {
    const depth = (v: string) => jsonDepth(Buffer.from(v));
    expect(depth('1')).toBe(0);
    expect(depth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(depth('{"a":"[[[{{{\\"[["}')).toBe(1);
    expect(depth(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toBe(5000);
  });
});
