/**
 * A calendar of a test's own across the end of the year (test/calendar-year-end.test.ts and
 * test/console-calendar.browser.test.ts): this year as loaded first, next year as the test "publishes" it
 * later (its whole first fortnight off, so every early deadline moves), and a round schedule whose
 * self-check ends two working days into next year.
 */
import {
  beijingDate,
  beijingEndOfDay,
  CN_MAINLAND_CALENDAR,
  workingDaysBetween,
  WorkCalendar,
  type RoundSchedule,
} from '@fivestar/contracts';
import { quietSchedule } from './round-schedules';

export const thisYear = Number(beijingDate(Date.now()).slice(0, 4));
export const nextYear = thisYear + 1;

/** This year as the bundled calendar has it, or (a clone run in a later year) a plain one. */
export const thisYearData = CN_MAINLAND_CALENDAR.years[String(thisYear)] ?? {
  holidays: [`${thisYear}-10-01`],
  workdays: [],
};

/** Next year's first fortnight, every day of it off. */
export const fortnightOff = Array.from(
  { length: 14 },
  (_, i) => `${nextYear}-01-${String(i + 1).padStart(2, '0')}`,
);

/** Next year as the test publishes it. */
export const nextYearData = {
  holidays: fortnightOff,
  workdays: [],
  source: '测试用：次年节假日安排',
};

/** Working days from now to this year's last day: a span of this many plus 2 ends in next year. */
export function workingDaysLeft(calendarId: string): number {
  const cal = WorkCalendar.parse({ id: calendarId, years: { [thisYear]: thisYearData } });
  return workingDaysBetween(cal, Date.now(), beijingEndOfDay(`${thisYear}-12-31`));
}

/** Quiet steps on `calendarId`, but the self-check ends 2 working days into next year. */
export function crossingSchedule(calendarId: string, policy: RoundSchedule['uncoveredYear']): RoundSchedule {
  const quiet = quietSchedule(3600);
  return {
    ...quiet,
    calendar: calendarId,
    uncoveredYear: policy,
    steps: { ...quiet.steps, SELF_CHECK: { workingDays: workingDaysLeft(calendarId) + 2 } },
  };
}
