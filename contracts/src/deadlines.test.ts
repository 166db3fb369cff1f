import {
  beijingEndOfDay,
  beijingStartOfDay,
  CalendarNotCoveredError,
  CN_MAINLAND_CALENDAR,
  withYear,
} from './calendar';
import { planSupervisionTimes, scheduleReach } from './deadlines';
import { DEFAULT_SCHEDULE, type EscalationRung } from './round';

/** Today in this story: a round started on Monday 2026-12-07, 09:00 Beijing time (an injected clock). */
const DEC_7 = beijingStartOfDay('2026-12-07') + 9 * 3_600_000;
const ladder: EscalationRung[] = [
  { level: 'blue', after: { workingDays: 0 }, notify: { role: 'township_reviewer', scope: 'township' } },
  { level: 'yellow', after: { workingDays: 3 }, notify: { role: 'coordinator', scope: 'county' } },
];
/** 2027 as the State Council published it would be loaded: New Year's Day off, and one make-up Saturday. */
const WITH_2027 = withYear(CN_MAINLAND_CALENDAR, 2027, {
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
  workdays: ['2027-01-09'],
});

describe('planning across the end of the year', () => {
  const plan = {
    openedAtMs: DEC_7,
    due: { workingDays: 20 },
    reminderBefore: { workingDays: 3 },
    escalation: ladder,
  };

  it('refuses a deadline in a year the calendar does not hold, by default', () => {
    expect(() => planSupervisionTimes(CN_MAINLAND_CALENDAR, plan)).toThrow(CalendarNotCoveredError);
    expect(() => planSupervisionTimes(CN_MAINLAND_CALENDAR, { ...plan, uncoveredYear: 'refuse' })).toThrow(
      /2027/,
    );
  });

  it('counts the uncovered year Monday–Friday under weekdays-provisional, and says so', () => {
    const times = planSupervisionTimes(CN_MAINLAND_CALENDAR, {
      ...plan,
      uncoveredYear: 'weekdays-provisional',
    });
    // 18 working days left in December 2026 (the 7th itself excluded), then Fri 1 and Mon 4 January as
    // plain weekdays: New Year's Day is not known to be off yet.
    expect(times.deadlineMs).toBe(beijingEndOfDay('2027-01-04'));
    expect(times.provisionalYears).toEqual([2027]);
    expect(times.rungs.map((r) => r.atMs)).toEqual([
      beijingEndOfDay('2027-01-04'),
      beijingEndOfDay('2027-01-07'),
    ]);
  });

  it('moves once the year is loaded, and is no longer provisional', () => {
    const times = planSupervisionTimes(WITH_2027, { ...plan, uncoveredYear: 'weekdays-provisional' });
    expect(times.provisionalYears).toBeUndefined();
    // 1 January is off: the 20th working day is Tuesday 5 January, the yellow rung Friday 8 January.
    expect(times.deadlineMs).toBe(beijingEndOfDay('2027-01-05'));
    expect(times.rungs.map((r) => r.atMs)).toEqual([
      beijingEndOfDay('2027-01-05'),
      beijingEndOfDay('2027-01-08'),
    ]);
    // Saturday 9 January is a make-up workday: three working days after Friday 8 end on Tuesday 12.
    const rung = planSupervisionTimes(WITH_2027, {
      ...plan,
      due: { atMs: beijingEndOfDay('2027-01-08') },
      uncoveredYear: 'weekdays-provisional',
    }).rungs[1]!;
    expect(rung.atMs).toBe(beijingEndOfDay('2027-01-12'));
  });

  it('does not count a covered deadline as provisional', () => {
    const times = planSupervisionTimes(CN_MAINLAND_CALENDAR, {
      ...plan,
      due: { workingDays: 5 },
      escalation: [],
      uncoveredYear: 'weekdays-provisional',
    });
    expect(times.provisionalYears).toBeUndefined();
    expect(times.deadlineMs).toBe(beijingEndOfDay('2026-12-14'));
  });
});

describe('a round schedule checked at its start', () => {
  it('names every stage that reaches 2027 when started on 2026-12-07', () => {
    const reach = scheduleReach(CN_MAINLAND_CALENDAR, DEC_7, DEFAULT_SCHEDULE);
    const uncovered = reach.filter((s) => s.uncoveredYears.length).map((s) => s.field);
    // Self-check (10 working days) ends on 21 December, but its red rung (+6) falls on 29 December:
    // still 2026; the township review's deadline is already in January.
    expect(reach[0]!.uncoveredYears).toEqual([]);
    expect(uncovered[0]).toBe('schedule.steps.TOWNSHIP_REVIEW');
    expect(uncovered).toContain('schedule.rectification');
    expect(reach.every((s, i) => i === 0 || s.deadlineMs >= reach[i - 1]!.deadlineMs)).toBe(true);
  });

  it('finds nothing uncovered once the years are there', () => {
    const cal = withYear(WITH_2027, 2028, { holidays: ['2028-01-01'], workdays: [] });
    expect(scheduleReach(cal, DEC_7, DEFAULT_SCHEDULE).flatMap((s) => s.uncoveredYears)).toEqual([]);
  });

  it('never throws for a fixed date in an uncovered year', () => {
    const schedule = {
      ...DEFAULT_SCHEDULE,
      steps: { ...DEFAULT_SCHEDULE.steps, SELF_CHECK: { until: '2027-03-31' } },
    };
    const reach = scheduleReach(CN_MAINLAND_CALENDAR, DEC_7, schedule);
    expect(reach[0]!.deadlineMs).toBe(beijingEndOfDay('2027-03-31'));
    expect(reach[0]!.uncoveredYears).toEqual([2027]);
  });
});
