import { jsonErrorOffset } from './json-syntax';

describe('jsonErrorOffset', () => {
  it.each(['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"只是一个字符串"', '0'])(
    'finds nothing wrong in %j (as JSON.parse)',
    (text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorOffset(text)).toBeNull();
    },
  );

  it.each([
    ['{"a": }', 6],
    ['{"a": 1,}', 8],
    ['{\n  "id": "x",\n  oops\n}', 17],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['tru', 3],
    ['01', 1],
    ['{"a": "x', 8],
    ['', 0],
    ['{} x', 3],
    ['"\\q"', 2],
  ])('%j goes wrong at %i', (text, at) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(at);
  });
});
