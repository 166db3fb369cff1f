import { z } from 'zod';
import { CalendarDate, isWorkingDay, WorkCalendarYear, type WorkCalendar } from './calendar';
import { CalendarId } from './round';

/**
 * The working-day calendar as the API keeps it: the bundled years (docs/calendar.md) under the years an
 * administrator loaded, each load a new version of its year. The calendar's `revision` grows with every
 * load, so a process holding a copy knows when it is stale.
 */
export const CalendarYearRecord = z.object({
  year: z.number().int(),
  holidays: z.array(CalendarDate),
  workdays: z.array(CalendarDate),
  source: z.string().nullable(),
  /** 0: the bundled data; 1, 2, …: each load of this year. */
  version: z.number().int().nonnegative(),
  loadedBy: z.string().nullable(),
  loadedAt: z.string().nullable(),
});
export type CalendarYearRecord = z.infer<typeof CalendarYearRecord>;

/** GET /api/calendars/:calendarId */
export const CalendarView = z.object({
  id: CalendarId,
  revision: z.number().int().nonnegative(),
  years: z.array(CalendarYearRecord),
});
export type CalendarView = z.infer<typeof CalendarView>;

/** GET /api/calendars */
export const CalendarList = z.object({
  items: z.array(z.object({ id: CalendarId, revision: z.number().int(), years: z.array(z.number().int()) })),
});
export type CalendarList = z.infer<typeof CalendarList>;

export const CalendarPath = z.object({ calendarId: CalendarId });
export const CalendarYearPath = z.object({
  calendarId: CalendarId,
  year: z.coerce.number().int().min(2000, '年份须在2000至2100之间').max(2100, '年份须在2000至2100之间'),
});
/** POST /api/calendars/:calendarId/years/:year: one year as the State Council's notice gives it. */
export const LoadCalendarYear = WorkCalendarYear;
export type LoadCalendarYear = z.input<typeof LoadCalendarYear>;

/** A run of consecutive days off (a holiday break, weekend days inside it included). */
export const HolidayPeriod = z.object({ from: CalendarDate, to: CalendarDate, days: z.number().int() });
export type HolidayPeriod = z.infer<typeof HolidayPeriod>;

/** What a load did, or would do (`dryRun`): the year's breaks and make-up days, and what changed. */
export const CalendarYearLoaded = z.object({
  calendarId: CalendarId,
  year: z.number().int(),
  dryRun: z.boolean(),
  /** The version stored (or that would be); unchanged data stores nothing and keeps the current one. */
  version: z.number().int().nonnegative(),
  revision: z.number().int().nonnegative(),
  changed: z.boolean(),
  holidays: z.array(CalendarDate),
  workdays: z.array(CalendarDate),
  periods: z.array(HolidayPeriod),
  /** Working days in the year by this data. */
  workingDays: z.number().int(),
  /** Against the version in force before: dates added and removed. */
  diff: z.object({
    holidaysAdded: z.array(CalendarDate),
    holidaysRemoved: z.array(CalendarDate),
    workdaysAdded: z.array(CalendarDate),
    workdaysRemoved: z.array(CalendarDate),
  }),
  /** The durable job that plans again every deadline counted provisionally in this year (null on a dry run). */
  replanWorkflowId: z.string().nullable(),
});
export type CalendarYearLoaded = z.infer<typeof CalendarYearLoaded>;

/** `fivestar.svc.calendar.get`: the calendar in force, for the worker's planning and the services' lights. */
export const CalendarInForceRequest = z.object({ id: CalendarId });
export type CalendarInForceRequest = z.input<typeof CalendarInForceRequest>;
export const CalendarInForce = z.object({
  id: CalendarId,
  revision: z.number().int().nonnegative(),
  /** A WorkCalendar's data (parse with WorkCalendar). */
  years: z.record(z.string(), WorkCalendarYear),
});
export type CalendarInForce = z.infer<typeof CalendarInForce>;

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** Consecutive days off grouped into breaks, in date order. */
export function holidayPeriods(holidays: string[]): HolidayPeriod[] {
  const periods: HolidayPeriod[] = [];
  for (const date of [...new Set(holidays)].sort()) {
    const last = periods.at(-1);
    if (last && dayNumber(date) === dayNumber(last.to) + 1) {
      last.to = date;
      last.days += 1;
    } else periods.push({ from: date, to: date, days: 1 });
  }
  return periods;
}

/** Working days of `year` by `calendar` (which must hold it). */
export function workingDaysInYear(calendar: WorkCalendar, year: number): number {
  let count = 0;
  for (let day = dayNumber(`${year}-01-01`); day <= dayNumber(`${year}-12-31`); day++)
    if (isWorkingDay(calendar, new Date(day * DAY_MS).toISOString().slice(0, 10))) count++;
  return count;
}
