import { CN_MAINLAND_CALENDAR, withYear } from '@fivestar/contracts';
import {
  calendarDaysBetween,
  computeLight,
  DEFAULT_YELLOW_SECONDS,
  isOverdue,
  withinWorkingDays,
  yellowSecondsFromEnv,
  yellowWorkingDaysFromEnv,
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

// ---- working days ----------------------------------------------------------------------------------

/** An instant given in Beijing time ('2025-09-29T10:00'). */
const bj = (local: string) => new Date(`${local}:00.000+08:00`);
const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`);

describe('computeLight with working days (the bundled calendar)', () => {
  const warn = jest.fn();
  const threeWorkingDays = withinWorkingDays(3, { calendar: () => CN_MAINLAND_CALENDAR, warn });
  const at = (nowLocal: string, deadline: Date, over: Partial<LightInput> = {}) =>
    computeLight(task({ deadline, ...over }), bj(nowLocal), threeWorkingDays);
  afterEach(() => expect(warn).not.toHaveBeenCalled());

  it('counts the working days after today up to the deadline day: three is yellow, four green', () => {
    // Monday 2025-03-10: Tue 11 (1), Wed 12 (2), Thu 13 (3), Fri 14 (4).
    expect(at('2025-03-10T10:00', endOf('2025-03-13'))).toBe('yellow');
    expect(at('2025-03-10T10:00', bj('2025-03-14T00:00'))).toBe('green');
    expect(at('2025-03-10T10:00', endOf('2025-03-14'))).toBe('green');
  });

  it('is yellow on the deadline day itself (zero working days left)', () => {
    expect(at('2025-03-10T10:00', bj('2025-03-10T18:00'))).toBe('yellow');
    expect(at('2025-03-10T10:00', bj('2025-03-10T10:00'))).toBe('yellow');
  });

  it('skips weekends: five calendar days can be three working days', () => {
    // Thursday 2025-03-13: Fri 14 (1), Mon 17 (2), Tue 18 (3), Wed 19 (4).
    expect(at('2025-03-13T09:00', endOf('2025-03-18'))).toBe('yellow');
    expect(at('2025-03-13T09:00', endOf('2025-03-19'))).toBe('green');
    // A deadline on a Saturday after the 2nd working day: only two working days to go.
    expect(at('2025-03-19T09:00', endOf('2025-03-22'))).toBe('yellow');
  });

  it('skips public holidays and counts make-up workdays (National Day 2025)', () => {
    // Monday 2025-09-29: Tue 30 (1), Oct 1–8 off, Thu 9 (2), Fri 10 (3), Sat 11 is worked (4).
    expect(at('2025-09-29T10:00', endOf('2025-10-10'))).toBe('yellow');
    expect(at('2025-09-29T10:00', endOf('2025-10-11'))).toBe('green');
    // Eleven calendar days away: the three-day wall-clock window says green.
    expect(
      computeLight(task({ deadline: endOf('2025-10-10') }), bj('2025-09-29T10:00'), DEFAULT_YELLOW_SECONDS),
    ).toBe('green');
    // The make-up Sunday 2025-09-28 is a working day: from Friday 26 it is day 1, Mon 29 day 2, Tue 30 day 3.
    expect(at('2025-09-26T10:00', endOf('2025-09-30'))).toBe('yellow');
    expect(at('2025-09-26T10:00', endOf('2025-10-09'))).toBe('green');
  });

  it('uses Beijing days, not UTC days', () => {
    // 2025-03-10T17:00Z is already Tuesday 11 in Beijing: Wed 12 (1), Thu 13 (2), Fri 14 (3).
    const now = new Date('2025-03-10T17:00:00.000Z');
    expect(computeLight(task({ deadline: endOf('2025-03-14') }), now, threeWorkingDays)).toBe('yellow');
    expect(computeLight(task({ deadline: endOf('2025-03-17') }), now, threeWorkingDays)).toBe('green');
  });

  it('keeps the other rules: reminded is yellow, overdue red, done green', () => {
    expect(at('2025-03-10T10:00', endOf('2025-04-30'), { remindedAt: bj('2025-03-10T09:00') })).toBe(
      'yellow',
    );
    expect(at('2025-03-10T10:00', bj('2025-03-10T09:59'))).toBe('red');
    expect(at('2025-03-10T10:00', endOf('2025-04-30'), { overdueAt: bj('2025-03-10T09:00') })).toBe('red');
    expect(at('2025-03-10T10:00', endOf('2025-03-11'), { status: 'done' })).toBe('green');
  });

  it('honours another number of days, and 0 (yellow once no working day is left before the deadline)', () => {
    const one = withinWorkingDays(1, { calendar: () => CN_MAINLAND_CALENDAR });
    const zero = withinWorkingDays(0, { calendar: () => CN_MAINLAND_CALENDAR });
    const now = bj('2025-03-14T10:00'); // Friday: Monday 17 is the next working day.
    expect(computeLight(task({ deadline: endOf('2025-03-17') }), now, one)).toBe('yellow');
    expect(computeLight(task({ deadline: endOf('2025-03-18') }), now, one)).toBe('green');
    expect(computeLight(task({ deadline: endOf('2025-03-14') }), now, zero)).toBe('yellow');
    // Saturday: no working day lies between, so nothing is left to do it in but today.
    expect(computeLight(task({ deadline: endOf('2025-03-15') }), now, zero)).toBe('yellow');
    expect(computeLight(task({ deadline: bj('2025-03-17T09:00') }), now, zero)).toBe('green');
  });
});

describe('withinWorkingDays beyond the calendar', () => {
  // The bundled calendar holds 2024–2026.
  it('falls back to calendar days for a year it does not cover, and warns once per year', () => {
    const warn = jest.fn();
    const dueSoon = withinWorkingDays(3, { calendar: () => CN_MAINLAND_CALENDAR, warn });
    const light = (nowLocal: string, deadline: Date) =>
      computeLight(task({ deadline }), bj(nowLocal), dueSoon);
    // Within three calendar days: yellow without asking the calendar about 2027.
    expect(light('2026-12-29T10:00', endOf('2027-01-01'))).toBe('yellow');
    expect(warn).not.toHaveBeenCalled();
    // Six calendar days (2027 needed): counted as calendar days, so green; never an error.
    expect(light('2026-12-29T10:00', endOf('2027-01-04'))).toBe('green');
    expect(light('2027-03-01T10:00', endOf('2027-03-10'))).toBe('green');
    expect(light('2027-03-01T10:00', endOf('2027-03-04'))).toBe('yellow');
    expect(light('2027-03-01T10:00', endOf('2027-03-05'))).toBe('green');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ year: 2027, calendar: 'cn-mainland' }),
      expect.stringContaining('2027'),
    );
    expect(light('2027-12-27T10:00', endOf('2028-01-10'))).toBe('green');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('counts working days again once the year is loaded', () => {
    const with2027 = withYear(CN_MAINLAND_CALENDAR, 2027, { holidays: ['2027-01-01'], workdays: [] });
    const warn = jest.fn();
    const dueSoon = withinWorkingDays(3, { calendar: () => with2027, warn });
    // Tuesday 2026-12-29: Wed 30 (1), Thu 31 (2), Fri 1 off, Mon 4 (3).
    expect(computeLight(task({ deadline: endOf('2027-01-04') }), bj('2026-12-29T10:00'), dueSoon)).toBe(
      'yellow',
    );
    expect(computeLight(task({ deadline: endOf('2027-01-05') }), bj('2026-12-29T10:00'), dueSoon)).toBe(
      'green',
    );
    expect(warn).not.toHaveBeenCalled();
    // The next uncovered year is a warning of its own.
    expect(computeLight(task({ deadline: endOf('2028-01-10') }), bj('2027-12-27T10:00'), dueSoon)).toBe(
      'green',
    );
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ year: 2028 }),
      expect.stringContaining('2028'),
    );
  });

  it('never lets a failing calendar fail the light', () => {
    const warn = jest.fn();
    const dueSoon = withinWorkingDays(3, {
      calendar: () => {
        throw new Error('disk on fire');
      },
      warn,
    });
    const now = bj('2025-03-10T10:00');
    expect(computeLight(task({ deadline: endOf('2025-03-12') }), now, dueSoon)).toBe('yellow');
    expect(computeLight(task({ deadline: endOf('2025-03-20') }), now, dueSoon)).toBe('green');
    expect(computeLight(task({ deadline: endOf('2025-03-21') }), now, dueSoon)).toBe('green');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('counts Beijing calendar days', () => {
    expect(calendarDaysBetween(bj('2025-03-10T00:00').getTime(), bj('2025-03-10T23:59').getTime())).toBe(0);
    expect(calendarDaysBetween(bj('2025-03-10T23:59').getTime(), bj('2025-03-11T00:00').getTime())).toBe(1);
    expect(calendarDaysBetween(bj('2025-03-10T12:00').getTime(), bj('2025-03-09T12:00').getTime())).toBe(-1);
  });
});

describe('yellowWorkingDaysFromEnv', () => {
  it('defaults to three working days', () => {
    expect(yellowWorkingDaysFromEnv({})).toBe(3);
    expect(yellowWorkingDaysFromEnv({ TASKS_YELLOW_WORKING_DAYS: '' })).toBe(3);
  });
  it('reads a non-negative integer', () => {
    expect(yellowWorkingDaysFromEnv({ TASKS_YELLOW_WORKING_DAYS: '5' })).toBe(5);
    expect(yellowWorkingDaysFromEnv({ TASKS_YELLOW_WORKING_DAYS: '0' })).toBe(0);
  });
  it('rejects anything else', () => {
    for (const v of ['-1', '2.5', 'three'])
      expect(() => yellowWorkingDaysFromEnv({ TASKS_YELLOW_WORKING_DAYS: v })).toThrow(
        /TASKS_YELLOW_WORKING_DAYS/,
      );
  });
});
