import fc from 'fast-check';
import {
  CN_MAINLAND_CALENDAR as CN,
  CalendarNotCoveredError,
  WorkCalendar,
  addWorkingDays,
  assertCovered,
  beijingDate,
  beijingEndOfDay,
  beijingStartOfDay,
  coveredYears,
  isWorkingDay,
  subtractWorkingDays,
  withYear,
  workingDaysBetween,
} from './calendar';

/** An instant given in Beijing local time, e.g. at('2026-09-28T10:00'). */
const at = (local: string): number => Date.parse(`${local}:00+08:00`);
const end = beijingEndOfDay;
const start = beijingStartOfDay;

/** Reference implementation with Date (fine in tests, not in workflow code). */
const refBeijingDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const refIsWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

function issuesOf(input: unknown) {
  const r = WorkCalendar.safeParse(input);
  if (r.success) throw new Error('expected a validation error');
  return r.error.issues.map((i) => ({ path: i.path, message: i.message }));
}

describe('Beijing time', () => {
  it('maps instants to Beijing calendar days (UTC+8, no DST)', () => {
    expect(beijingDate(Date.parse('2025-12-31T15:59:59.999Z'))).toBe('2025-12-31');
    expect(beijingDate(Date.parse('2025-12-31T16:00:00.000Z'))).toBe('2026-01-01');
    expect(beijingDate(Date.parse('2026-07-01T00:00:00Z'))).toBe('2026-07-01');
    expect(beijingDate(0)).toBe('1970-01-01');
    expect(beijingDate(-8 * 3_600_000 - 1)).toBe('1969-12-31');
    expect(beijingDate(Date.parse('2024-02-29T12:00:00+08:00'))).toBe('2024-02-29');
  });

  it('gives the first and last millisecond of a Beijing day', () => {
    expect(start('2026-10-10')).toBe(Date.parse('2026-10-09T16:00:00.000Z'));
    expect(end('2026-10-10')).toBe(Date.parse('2026-10-10T15:59:59.999Z'));
    expect(() => start('2026-02-29')).toThrow(RangeError);
    expect(() => end('2026-1-1')).toThrow(RangeError);
  });

  it('rejects instants that are not finite numbers', () => {
    expect(() => beijingDate(Number.NaN)).toThrow(RangeError);
    expect(() => beijingDate(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('agrees with Date on any instant in years 1..9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: Date.parse('9999-12-31T15:59:59.999Z') }),
        (ms) => {
          expect(beijingDate(ms)).toBe(refBeijingDate(ms));
          const d = beijingDate(ms);
          expect(start(d)).toBeLessThanOrEqual(ms);
          expect(end(d)).toBeGreaterThanOrEqual(ms);
          expect(end(d) - start(d)).toBe(86_400_000 - 1);
        },
      ),
    );
  });
});

describe('bundled mainland calendar', () => {
  it('covers 2024, 2025 and 2026 and credits its source', () => {
    expect(CN.id).toBe('cn-mainland');
    expect(coveredYears(CN)).toEqual([2024, 2025, 2026]);
    for (const y of Object.values(CN.years)) expect(y.source).toMatch(/^chinese-days@1\.5\.7 \(MIT/);
  });

  it('matches the official 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知)', () => {
    const range = (from: string, to: string) => {
      const out: string[] = [];
      for (let d = start(from); d <= start(to); d += 86_400_000) out.push(beijingDate(d));
      return out;
    };
    expect(CN.years['2026']!.holidays).toEqual([
      ...range('2026-01-01', '2026-01-03'), // 元旦
      ...range('2026-02-15', '2026-02-23'), // 春节
      ...range('2026-04-04', '2026-04-06'), // 清明
      ...range('2026-05-01', '2026-05-05'), // 劳动节
      ...range('2026-06-19', '2026-06-21'), // 端午
      ...range('2026-09-25', '2026-09-27'), // 中秋
      ...range('2026-10-01', '2026-10-07'), // 国庆
    ]);
    expect(CN.years['2026']!.workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('treats every bundled make-up workday as a weekend day and every other weekend day as off', () => {
    for (const [year, data] of Object.entries(CN.years)) {
      for (const d of data.workdays) expect(refIsWeekend(d)).toBe(true);
      for (let ms = start(`${year}-01-01`); ms <= start(`${year}-12-31`); ms += 86_400_000) {
        const d = beijingDate(ms);
        const expected = data.workdays.includes(d) || (!data.holidays.includes(d) && !refIsWeekend(d));
        expect([d, isWorkingDay(CN, d)]).toEqual([d, expected]);
      }
    }
  });
});

describe('isWorkingDay', () => {
  it('counts a make-up Saturday or Sunday, not a weekday holiday or a plain weekend', () => {
    expect(isWorkingDay(CN, '2026-10-10')).toBe(true); // Saturday, 国庆 make-up
    expect(isWorkingDay(CN, '2026-09-20')).toBe(true); // Sunday, make-up
    expect(isWorkingDay(CN, '2026-01-04')).toBe(true); // Sunday, 元旦 make-up
    expect(isWorkingDay(CN, '2026-02-23')).toBe(false); // Monday, 春节
    expect(isWorkingDay(CN, '2026-10-01')).toBe(false); // Thursday, 国庆
    expect(isWorkingDay(CN, '2026-02-21')).toBe(false); // Saturday inside 春节
    expect(isWorkingDay(CN, '2026-03-07')).toBe(false); // plain Saturday
    expect(isWorkingDay(CN, '2026-03-09')).toBe(true); // plain Monday
  });

  it('rejects malformed dates', () => {
    expect(() => isWorkingDay(CN, '2026-13-01')).toThrow(RangeError);
    expect(() => isWorkingDay(CN, '20260101')).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it('crosses National Day 2026 and counts the Oct 10 make-up Saturday', () => {
    // Sep 29, Sep 30, (Oct 1–7 off), Oct 8, Oct 9, Oct 10 (Saturday, worked).
    expect(addWorkingDays(CN, at('2026-09-28T10:00'), 5)).toBe(end('2026-10-10'));
    expect(addWorkingDays(CN, at('2026-09-28T10:00'), 6)).toBe(end('2026-10-12'));
    expect(addWorkingDays(CN, at('2026-09-28T10:00'), 3)).toBe(end('2026-10-08'));
  });

  it('counts a make-up Sunday (Sep 20 2026)', () => {
    expect(addWorkingDays(CN, at('2026-09-18T17:00'), 1)).toBe(end('2026-09-20'));
  });

  it('skips the Spring Festival 2026 weekdays and counts the Feb 14 and Feb 28 Saturdays', () => {
    expect(addWorkingDays(CN, at('2026-02-12T09:00'), 1)).toBe(end('2026-02-13'));
    expect(addWorkingDays(CN, at('2026-02-12T09:00'), 2)).toBe(end('2026-02-14'));
    expect(addWorkingDays(CN, at('2026-02-12T09:00'), 3)).toBe(end('2026-02-24')); // Feb 23 (Mon) is off
    expect(addWorkingDays(CN, at('2026-02-26T09:00'), 2)).toBe(end('2026-02-28'));
  });

  it('does not count the starting day, whatever the time of day', () => {
    expect(addWorkingDays(CN, at('2026-03-09T00:00'), 1)).toBe(end('2026-03-10'));
    expect(addWorkingDays(CN, at('2026-03-09T23:59'), 1)).toBe(end('2026-03-10'));
    expect(addWorkingDays(CN, at('2026-03-07T12:00'), 1)).toBe(end('2026-03-09')); // from a Saturday
  });

  it('crosses year boundaries', () => {
    expect(addWorkingDays(CN, at('2024-12-31T12:00'), 1)).toBe(end('2025-01-02')); // Jan 1 off
    expect(addWorkingDays(CN, at('2025-12-31T12:00'), 1)).toBe(end('2026-01-04')); // Jan 1–3 off, Sunday worked
    // 2025-12-31 16:30 UTC is already Jan 1 in Beijing: counting starts after Jan 1.
    expect(addWorkingDays(CN, Date.parse('2025-12-31T16:30:00Z'), 1)).toBe(end('2026-01-04'));
  });

  it('refuses counts below 1 or not integers', () => {
    for (const n of [0, -1, 1.5, Number.NaN])
      expect(() => addWorkingDays(CN, at('2026-03-09T09:00'), n)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after from’s day up to and including to’s day', () => {
    expect(workingDaysBetween(CN, at('2026-09-30T10:00'), at('2026-10-08T09:00'))).toBe(1);
    expect(workingDaysBetween(CN, at('2026-09-28T10:00'), end('2026-10-10'))).toBe(5);
    expect(workingDaysBetween(CN, at('2026-03-09T08:00'), at('2026-03-09T20:00'))).toBe(0);
    expect(workingDaysBetween(CN, at('2026-02-13T08:00'), at('2026-02-24T08:00'))).toBe(2);
  });

  it('is negative when to is on an earlier day (days overdue)', () => {
    expect(workingDaysBetween(CN, at('2026-10-12T09:00'), end('2026-09-28'))).toBe(-6);
  });

  it('crosses a year boundary', () => {
    expect(workingDaysBetween(CN, at('2025-12-30T09:00'), at('2026-01-05T09:00'))).toBe(3); // Dec 31, Jan 4, Jan 5
  });
});

describe('subtractWorkingDays', () => {
  it('finds the reminder day before a deadline across National Day', () => {
    // Before Oct 9: Oct 8, Sep 30, Sep 29.
    expect(subtractWorkingDays(CN, end('2026-10-09'), 3)).toBe(start('2026-09-29'));
    expect(subtractWorkingDays(CN, end('2026-10-12'), 1)).toBe(start('2026-10-10'));
  });

  it('counts a make-up Sunday and crosses a year boundary', () => {
    expect(subtractWorkingDays(CN, at('2026-01-05T09:00'), 1)).toBe(start('2026-01-04'));
    expect(subtractWorkingDays(CN, at('2026-01-05T09:00'), 2)).toBe(start('2025-12-31'));
  });
});

describe('uncovered years', () => {
  it('fails loudly instead of guessing 2027 is plain weekdays', () => {
    const run = () => addWorkingDays(CN, at('2026-12-30T10:00'), 5);
    expect(run).toThrow(CalendarNotCoveredError);
    try {
      run();
    } catch (e) {
      const err = e as CalendarNotCoveredError;
      expect(err.name).toBe('CalendarNotCoveredError');
      expect(err.year).toBe(2027);
      expect(err.calendarId).toBe('cn-mainland');
      expect(err.coveredYears).toEqual([2024, 2025, 2026]);
      expect(err.message).toContain('未包含 2027 年的节假日安排');
      expect(err.message).toContain('does not cover 2027');
    }
    // One working day is still inside 2026: no error.
    expect(addWorkingDays(CN, at('2026-12-30T10:00'), 1)).toBe(end('2026-12-31'));
  });

  it('applies to every function, before and after the covered years', () => {
    expect(() => isWorkingDay(CN, '2027-03-01')).toThrow(CalendarNotCoveredError);
    expect(() => isWorkingDay(CN, '2023-12-29')).toThrow(expect.objectContaining({ year: 2023 }));
    expect(() => subtractWorkingDays(CN, at('2024-01-02T09:00'), 2)).toThrow(CalendarNotCoveredError);
    expect(() => workingDaysBetween(CN, at('2026-12-01T09:00'), at('2027-01-10T09:00'))).toThrow(
      CalendarNotCoveredError,
    );
    expect(() => assertCovered(CN, 2027)).toThrow(CalendarNotCoveredError);
    expect(() => assertCovered(CN, 2026)).not.toThrow();
  });

  it('works once the year is loaded with withYear', () => {
    // A made-up test fixture, NOT the 2027 schedule (which is not bundled).
    const cal = withYear(CN, 2027, { holidays: ['2027-01-01'], workdays: [], source: 'test fixture' });
    expect(coveredYears(cal)).toEqual([2024, 2025, 2026, 2027]);
    expect(addWorkingDays(cal, at('2026-12-30T10:00'), 2)).toBe(end('2027-01-04'));
    expect(coveredYears(CN)).toEqual([2024, 2025, 2026]); // the original is untouched
  });
});

describe('WorkCalendar schema', () => {
  const ok = { id: 'test', years: { '2026': { holidays: ['2026-10-01'], workdays: ['2026-10-10'] } } };

  it('normalises: dates sorted and de-duplicated, years ascending', () => {
    const cal = WorkCalendar.parse({
      id: 'test',
      years: {
        '2026': {
          holidays: ['2026-10-02', '2026-10-01', '2026-10-02'],
          workdays: ['2026-10-10', '2026-09-20'],
        },
        '2025': { holidays: ['2025-01-01'], workdays: [] },
      },
    });
    expect(Object.keys(cal.years)).toEqual(['2025', '2026']);
    expect(cal.years['2026']).toEqual({
      holidays: ['2026-10-01', '2026-10-02'],
      workdays: ['2026-09-20', '2026-10-10'],
    });
    expect(WorkCalendar.parse(ok)).toEqual(ok);
  });

  it('reports malformed and impossible dates at their index', () => {
    expect(
      issuesOf({ id: 'x', years: { '2026': { holidays: ['2026-10-01', '2026-02-29'], workdays: [] } } }),
    ).toEqual([{ path: ['years', '2026', 'holidays', 1], message: '日期不存在 / no such calendar date' }]);
    expect(
      issuesOf({ id: 'x', years: { '2026': { holidays: ['2026-10-01'], workdays: ['2026/10/10'] } } }),
    ).toEqual([
      {
        path: ['years', '2026', 'workdays', 0],
        message: '日期格式应为 YYYY-MM-DD / expected a YYYY-MM-DD date',
      },
    ]);
  });

  it('reports a date outside its year', () => {
    expect(
      issuesOf({ id: 'x', years: { '2026': { holidays: ['2026-10-01', '2027-01-01'], workdays: [] } } }),
    ).toEqual([
      {
        path: ['years', '2026', 'holidays', 1],
        message: '2027-01-01 不在 2026 年内 / 2027-01-01 is not in 2026',
      },
    ]);
  });

  it('reports a date that is both a holiday and a workday', () => {
    expect(
      issuesOf({
        id: 'x',
        years: { '2026': { holidays: ['2026-10-01', '2026-10-10'], workdays: ['2026-10-10'] } },
      }),
    ).toEqual([
      {
        path: ['years', '2026', 'workdays', 0],
        message: '2026-10-10 既是节假日又是调休上班日 / 2026-10-10 is both a holiday and a workday',
      },
    ]);
  });

  it('reports a make-up workday on a weekday', () => {
    expect(
      issuesOf({ id: 'x', years: { '2026': { holidays: ['2026-10-01'], workdays: ['2026-10-09'] } } }),
    ).toEqual([
      {
        path: ['years', '2026', 'workdays', 0],
        message:
          '调休上班日 2026-10-09 不是周六或周日 / make-up workday 2026-10-09 is not a Saturday or Sunday',
      },
    ]);
  });

  it('reports bad year keys, empty holiday lists and unknown fields', () => {
    expect(
      issuesOf({ id: 'x', years: { '26': { holidays: ['2026-10-01'], workdays: [] } } })[0]!.path,
    ).toEqual(['years', '26']);
    expect(issuesOf({ id: 'x', years: { '2026': { holidays: [], workdays: [] } } })).toEqual([
      {
        path: ['years', '2026', 'holidays'],
        message: '一年至少有一个节假日 / a year has at least one public holiday',
      },
    ]);
    expect(
      issuesOf({
        id: 'x',
        years: { '2026': { holiday: ['2026-10-01'], holidays: ['2026-10-01'], workdays: [] } },
      }),
    ).toEqual([expect.objectContaining({ path: ['years', '2026'] })]);
    expect(issuesOf({ years: {} })).toEqual([expect.objectContaining({ path: ['id'] })]);
  });

  it('withYear validates with the year in the path and replaces an existing year', () => {
    expect(() => withYear(CN, '2027', { holidays: ['2026-12-31'], workdays: [] })).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: ['years', '2027', 'holidays', 0] })],
      }),
    );
    const replaced = withYear(CN, 2026, { holidays: ['2026-10-01'], workdays: [] });
    expect(replaced.years['2026']!.holidays).toEqual(['2026-10-01']);
    expect(isWorkingDay(replaced, '2026-10-02')).toBe(true);
    expect(isWorkingDay(CN, '2026-10-02')).toBe(false);
  });
});

describe('properties', () => {
  // Instants from 2024-01-01 to 2026-10-31 (Beijing), counts up to 40: results stay inside 2024–2026.
  const from = fc.integer({ min: start('2024-01-01'), max: end('2026-10-31') });
  const n = fc.integer({ min: 1, max: 40 });
  // Deadlines late enough that 40 working days back stays inside 2024.
  const deadline = fc.integer({ min: start('2024-03-15'), max: end('2026-12-31') });

  it('addWorkingDays ends on a working day, at 23:59:59.999 Beijing', () => {
    fc.assert(
      fc.property(from, n, (f, k) => {
        const r = addWorkingDays(CN, f, k);
        expect(isWorkingDay(CN, beijingDate(r))).toBe(true);
        expect(r).toBe(end(beijingDate(r)));
        expect(r).toBeGreaterThan(f);
      }),
    );
  });

  it('addWorkingDays is strictly increasing in n', () => {
    fc.assert(
      fc.property(from, n, (f, k) => {
        expect(addWorkingDays(CN, f, k + 1)).toBeGreaterThan(addWorkingDays(CN, f, k));
      }),
    );
  });

  it('workingDaysBetween(from, addWorkingDays(from, n)) === n', () => {
    fc.assert(
      fc.property(from, n, (f, k) => {
        expect(workingDaysBetween(CN, f, addWorkingDays(CN, f, k))).toBe(k);
      }),
    );
  });

  it('never answers -0 (a backwards span with no working day in it is plain 0)', () => {
    fc.assert(fc.property(from, from, (a, b) => !Object.is(workingDaysBetween(CN, a, b), -0)));
  });

  it('workingDaysBetween is antisymmetric and additive', () => {
    fc.assert(
      fc.property(from, from, from, (a, b, c) => {
        expect(workingDaysBetween(CN, a, b)).toBe(-workingDaysBetween(CN, b, a) || 0);
        expect(workingDaysBetween(CN, a, b) + workingDaysBetween(CN, b, c)).toBe(
          workingDaysBetween(CN, a, c),
        );
      }),
    );
  });

  it('subtractWorkingDays starts a working day exactly n working days back', () => {
    fc.assert(
      fc.property(deadline, n, (d, k) => {
        const r = subtractWorkingDays(CN, d, k);
        expect(r).toBe(start(beijingDate(r)));
        expect(isWorkingDay(CN, beijingDate(r))).toBe(true);
        const deadlineDayWorks = isWorkingDay(CN, beijingDate(d));
        expect(workingDaysBetween(CN, r, d)).toBe(deadlineDayWorks ? k : k - 1);
      }),
    );
  });

  it('add(subtract(d, n), n) is the end of d’s day when that is a working day, else of the next one', () => {
    fc.assert(
      fc.property(
        deadline.filter((d) => d <= end('2026-12-20')),
        n,
        (d, k) => {
          const back = addWorkingDays(CN, subtractWorkingDays(CN, d, k), k);
          const day = beijingDate(d);
          expect(back).toBe(isWorkingDay(CN, day) ? end(day) : addWorkingDays(CN, d, 1));
        },
      ),
    );
  });

  it('subtract(add(f, n), n) is the start of the last working day on or before f’s day', () => {
    fc.assert(
      fc.property(
        from.filter((f) => f >= start('2024-01-03')),
        n,
        (f, k) => {
          const back = subtractWorkingDays(CN, addWorkingDays(CN, f, k), k);
          const day = beijingDate(f);
          expect(back).toBe(isWorkingDay(CN, day) ? start(day) : subtractWorkingDays(CN, f, 1));
        },
      ),
    );
  });
});
