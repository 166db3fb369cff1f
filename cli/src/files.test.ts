import { RoundSchedule } from '@fivestar/contracts';
import { CliError, Exit, exitForStatus } from './exit';
import { fieldErrors, lineColumn, parseJson, validate } from './files';

describe('input files', () => {
  it('names the line and column of a JSON syntax error', () => {
    expect(lineColumn('{\n  "a": 1,\n  x', 14)).toEqual({ line: 3, column: 3 });
    let err: unknown;
    try {
      parseJson('{\n  "steps": {,\n}', 'plan.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(Exit.badInput);
    expect((err as CliError).message).toBe('plan.json 不是有效的 JSON（第 2 行第 13 列）');
    expect((err as CliError).errors[0]!.field).toBe('plan.json:2:13');
  });

  it('drops a UTF-8 byte-order mark (files saved by Windows editors)', () => {
    expect(parseJson('\uFEFF{"a":1}', 'f.json')).toEqual({ a: 1 });
  });

  it('names every offending field of a schedule, as the server would without `body.`', () => {
    const r = RoundSchedule.safeParse({
      steps: { SELF_CHECK: { days: 3 } },
      rectification: { seconds: -1 },
      reminderBefore: { seconds: 1 },
      escalation: [],
    });
    expect(r.success).toBe(false);
    const fields = fieldErrors(r.success ? [] : r.error.issues).map((e) => e.field);
    expect(fields).toEqual([
      'steps.SELF_CHECK',
      'steps.TOWNSHIP_REVIEW',
      'steps.COUNTY_PRE_REVIEW',
      'steps.ON_SITE_OBSERVATION',
      'steps.AWARD',
      'rectification.seconds',
      'escalation',
    ]);
  });

  it('renames fields to the flags that gave them; a scalar has the empty path', () => {
    expect(() => validate(RoundSchedule, 42, '日程有误', { '': '--schedule' })).toThrow(
      expect.objectContaining({
        exitCode: Exit.badInput,
        errors: [expect.objectContaining({ field: '--schedule' })],
      }),
    );
  });
});

describe('exit codes of HTTP statuses', () => {
  it.each([
    [401, Exit.auth],
    [403, Exit.auth],
    [400, Exit.badInput],
    [404, Exit.badInput],
    [409, Exit.badInput],
    [429, Exit.server],
    [500, Exit.server],
    [503, Exit.server],
  ])('%i → %i', (status, code) => expect(exitForStatus(status)).toBe(code));

  it('keeps the documented numbers', () => {
    expect(Exit).toEqual({ ok: 0, checkFailed: 1, badInput: 2, auth: 3, server: 4 });
  });
});
