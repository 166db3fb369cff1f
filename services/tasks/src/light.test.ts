import {
  computeLight,
  DEFAULT_YELLOW_SECONDS,
  isOverdue,
  yellowSecondsFromEnv,
  type LightInput,
} from './light';

const now = new Date('2025-03-10T08:00:00.000Z');
const DAY = 86_400_000;
const task = (over: Partial<LightInput> = {}): LightInput => ({
  status: 'open',
  deadline: new Date(now.getTime() + 10 * DAY),
  remindedAt: null,
  overdueAt: null,
  ...over,
});
const light = (t: LightInput) => computeLight(t, now, DEFAULT_YELLOW_SECONDS);

describe('computeLight', () => {
  it('is green when open, far from the deadline and not reminded', () => {
    expect(light(task())).toBe('green');
  });

  it('is yellow inside the window, up to and including the deadline itself', () => {
    expect(light(task({ deadline: new Date(now.getTime() + 3 * DAY) }))).toBe('yellow');
    expect(light(task({ deadline: new Date(now.getTime() + 1) }))).toBe('yellow');
    expect(light(task({ deadline: now }))).toBe('yellow');
    expect(light(task({ deadline: new Date(now.getTime() + 3 * DAY + 1) }))).toBe('green');
  });

  it('is yellow once reminded, even far from the deadline', () => {
    expect(light(task({ remindedAt: now }))).toBe('yellow');
  });

  it('is red past the deadline or once declared overdue, whatever else', () => {
    expect(light(task({ deadline: new Date(now.getTime() - 1) }))).toBe('red');
    expect(light(task({ overdueAt: now, remindedAt: now }))).toBe('red');
  });

  it('is green for done tasks, even overdue ones', () => {
    expect(light(task({ status: 'done', deadline: new Date(0), overdueAt: now }))).toBe('green');
  });

  it('honours a custom window', () => {
    const t = task({ deadline: new Date(now.getTime() + 60_000) });
    expect(computeLight(t, now, 30)).toBe('green');
    expect(computeLight(t, now, 60)).toBe('yellow');
  });

  it('counts only open tasks as overdue (the listing rank)', () => {
    expect(isOverdue(task({ overdueAt: now }), now)).toBe(true);
    expect(isOverdue(task({ status: 'done', overdueAt: now }), now)).toBe(false);
  });
});

describe('yellowSecondsFromEnv', () => {
  it('defaults to three days', () => {
    expect(yellowSecondsFromEnv({})).toBe(3 * 86_400);
    expect(yellowSecondsFromEnv({ TASKS_YELLOW_SECONDS: '' })).toBe(3 * 86_400);
  });
  it('reads a non-negative integer', () => {
    expect(yellowSecondsFromEnv({ TASKS_YELLOW_SECONDS: '3600' })).toBe(3600);
    expect(yellowSecondsFromEnv({ TASKS_YELLOW_SECONDS: '0' })).toBe(0);
  });
  it('rejects anything else', () => {
    for (const v of ['-1', '1.5', 'abc'])
      expect(() => yellowSecondsFromEnv({ TASKS_YELLOW_SECONDS: v })).toThrow(/TASKS_YELLOW_SECONDS/);
  });
});
