import { verifyLines } from './commands/audit';
import { CliError, Exit } from './exit';
import { displayWidth, Output, table } from './output';
import { memoryIo } from './testing/memory-io';

describe('output', () => {
  it('counts CJK characters as two columns and aligns tables by display width', () => {
    expect(displayWidth('ab')).toBe(2);
    expect(displayWidth('乡镇')).toBe(4);
    expect(displayWidth('（1）')).toBe(5);
    expect(
      table([
        ['乡镇', 'n'],
        ['x', '10'],
      ]),
    ).toEqual(['乡镇  n', 'x     10']);
  });

  it('with --json writes one JSON document on stdout and notes to stderr only', () => {
    const io = memoryIo();
    const out = new Output(io, true);
    out.note('进行中');
    out.result('人看的', { a: 1 });
    expect(JSON.parse(io.out())).toEqual({ a: 1 });
    expect(io.err()).toBe('进行中\n');
  });

  it('prints errors with each field on stderr, and as JSON on stdout with --json', () => {
    const err = new CliError(Exit.badInput, '日程文件有误', [{ field: 'steps.SELF_CHECK', message: '无效' }]);
    const human = memoryIo();
    new Output(human, false).error(err);
    expect(human.out()).toBe('');
    expect(human.err()).toBe('错误：日程文件有误\n  steps.SELF_CHECK：无效\n');
    const json = memoryIo();
    new Output(json, true).error(err);
    expect(JSON.parse(json.out())).toEqual({
      ok: false,
      exitCode: 2,
      message: '日程文件有误',
      errors: [{ field: 'steps.SELF_CHECK', message: '无效' }],
    });
  });

  it('names the first bad entry of a broken audit chain', () => {
    expect(verifyLines({ ok: false, count: 4, seq: 5, kind: 'altered', problem: '内容被改动' })[0]).toBe(
      '审计链断裂：第 5 条（altered）：内容被改动',
    );
  });
});
