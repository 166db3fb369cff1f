import { z } from 'zod';
import cnMainlandData from './calendars/cn-mainland.json';

/**
 * The Chinese working-day calendar: public holidays and weekend make-up workdays (调休上班), year by year,
 * and deadline arithmetic in Beijing time (UTC+8, fixed, no daylight saving).
 *
 * Pure and deterministic, so it can run inside Temporal workflows: no I/O, no Intl, no time-zone database,
 * no clock. Instants are epoch milliseconds; calendar days are 'YYYY-MM-DD' strings (Beijing days).
 * See docs/calendar.md.
 */

// ---------------------------------------------------------------------------------------------------
// Day arithmetic (proleptic Gregorian, days since 1970-01-01)

const DAY_MS = 86_400_000;
/** Beijing is UTC+8 all year round. */
export const BEIJING_OFFSET_MS = 8 * 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days from 1970-01-01 to y-m-d (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The inverse of daysFromCivil. */
function civilFromDays(days: number): [number, number, number] {
  const z0 = days + 719_468;
  const era = Math.floor(z0 / 146_097);
  const doe = z0 - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** 'YYYY-MM-DD' → [y, m, d], or undefined when it is not a real calendar date. */
function parseDate(date: string): [number, number, number] | undefined {
  const match = DATE_RE.exec(date);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return [y, m, d];
}

function dayOfDate(date: string): number {
  const ymd = parseDate(date);
  if (!ymd) throw new RangeError(`日期格式错误 / not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return daysFromCivil(...ymd);
}

function dateOfDay(day: number): string {
  const [y, m, d] = civilFromDays(day);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const MIN_DAY = daysFromCivil(1, 1, 1);
const MAX_DAY = daysFromCivil(9999, 12, 31);

/** The Beijing calendar day (days since 1970-01-01) containing the instant `ms`. */
function beijingDay(ms: number): number {
  if (!Number.isFinite(ms)) throw new RangeError(`时间无效 / not a finite epoch millisecond value: ${ms}`);
  const day = Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
  if (day < MIN_DAY || day > MAX_DAY) throw new RangeError(`时间超出范围 / instant out of range: ${ms}`);
  return day;
}

const startOfDayMs = (day: number): number => day * DAY_MS - BEIJING_OFFSET_MS;
const endOfDayMs = (day: number): number => (day + 1) * DAY_MS - BEIJING_OFFSET_MS - 1;

/** The Beijing calendar date ('YYYY-MM-DD') of the instant `ms` (epoch milliseconds). */
export function beijingDate(ms: number): string {
  return dateOfDay(beijingDay(ms));
}

/** 00:00:00.000 Beijing time of `date` ('YYYY-MM-DD'), as epoch milliseconds. */
export function beijingStartOfDay(date: string): number {
  return startOfDayMs(dayOfDate(date));
}

/** 23:59:59.999 Beijing time of `date` ('YYYY-MM-DD'), as epoch milliseconds. */
export function beijingEndOfDay(date: string): number {
  return endOfDayMs(dayOfDate(date));
}

// ---------------------------------------------------------------------------------------------------
// The calendar data

/** A real calendar date written 'YYYY-MM-DD'. */
export const CalendarDate = z
  .string()
  .regex(DATE_RE, { message: '日期格式应为 YYYY-MM-DD / expected a YYYY-MM-DD date', abort: true })
  .refine((s) => parseDate(s) !== undefined, '日期不存在 / no such calendar date');

/** One year of the holiday schedule as the State Council publishes it (国务院办公厅关于…部分节假日安排的通知). */
export const WorkCalendarYear = z.strictObject({
  /** Days off (放假), whether they fall on a weekday or at a weekend. A year always has some. */
  holidays: z.array(CalendarDate).min(1, '一年至少有一个节假日 / a year has at least one public holiday'),
  /** Weekend days that are worked (调休上班). */
  workdays: z.array(CalendarDate),
  /** Where the data came from (notice, package and version). */
  source: z.string().min(1).optional(),
});
export type WorkCalendarYear = z.output<typeof WorkCalendarYear>;

const YearKey = z.string().regex(/^\d{4}$/, '年份应为四位数字 YYYY / expected a four-digit year');

function normaliseYear(y: WorkCalendarYear): WorkCalendarYear {
  const sortedUnique = (dates: string[]) => [...new Set(dates)].sort();
  return {
    holidays: sortedUnique(y.holidays),
    workdays: sortedUnique(y.workdays),
    ...(y.source !== undefined ? { source: y.source } : {}),
  };
}

/**
 * A working-day calendar. Validation: every date is real and inside the year it is filed under; a make-up
 * workday falls on a Saturday or Sunday; no date is both a holiday and a workday. The parsed value is
 * normalised: dates sorted and de-duplicated, years in ascending order. Treat calendars as immutable
 * (use `withYear`); the lookups cache an index per calendar object.
 */
export const WorkCalendar = z
  .strictObject({
    id: z.string().min(1),
    years: z.record(YearKey, WorkCalendarYear),
  })
  .superRefine((cal, ctx) => {
    // Runs even when some dates failed CalendarDate; those are already reported and skipped here.
    for (const [year, data] of Object.entries(cal.years)) {
      for (const key of ['holidays', 'workdays'] as const)
        data[key].forEach((date, i) => {
          if (parseDate(date) && !date.startsWith(`${year}-`))
            ctx.addIssue({
              code: 'custom',
              path: ['years', year, key, i],
              message: `${date} 不在 ${year} 年内 / ${date} is not in ${year}`,
            });
        });
      const holidays = new Set(data.holidays);
      data.workdays.forEach((date, i) => {
        const ymd = parseDate(date);
        if (!ymd) return;
        const wd = weekdayOfDay(daysFromCivil(...ymd));
        if (wd !== 0 && wd !== 6)
          ctx.addIssue({
            code: 'custom',
            path: ['years', year, 'workdays', i],
            message: `调休上班日 ${date} 不是周六或周日 / make-up workday ${date} is not a Saturday or Sunday`,
          });
        if (holidays.has(date))
          ctx.addIssue({
            code: 'custom',
            path: ['years', year, 'workdays', i],
            message: `${date} 既是节假日又是调休上班日 / ${date} is both a holiday and a workday`,
          });
      });
    }
  })
  .transform((cal) => ({
    id: cal.id,
    years: Object.fromEntries(
      Object.keys(cal.years)
        .sort()
        .map((year) => [year, normaliseYear(cal.years[year]!)]),
    ),
  }));
export type WorkCalendar = z.output<typeof WorkCalendar>;

/** The mainland China calendar bundled with the product (see docs/calendar.md for source and coverage). */
export const CN_MAINLAND_CALENDAR: WorkCalendar = WorkCalendar.parse(cnMainlandData);

/**
 * `calendar` with `year`'s schedule loaded: the way to add next year's data once the State Council
 * publishes it (or to correct a year). Replaces any data already held for that year. Validates the
 * result (throws a ZodError whose paths start with ['years', year]) and returns a new calendar; the
 * argument is not modified.
 */
export function withYear(
  calendar: WorkCalendar,
  year: number | string,
  data: z.input<typeof WorkCalendarYear>,
): WorkCalendar {
  const key = typeof year === 'number' ? String(year).padStart(4, '0') : year;
  return WorkCalendar.parse({ id: calendar.id, years: { ...calendar.years, [key]: data } });
}

/** The years the calendar holds data for, ascending. */
export function coveredYears(calendar: WorkCalendar): number[] {
  return Object.keys(calendar.years)
    .map(Number)
    .sort((a, b) => a - b);
}

/** A computation needed a year the calendar has no holiday schedule for. Never guessed as plain weekdays. */
export class CalendarNotCoveredError extends Error {
  override readonly name = 'CalendarNotCoveredError';
  constructor(
    readonly calendarId: string,
    readonly year: number,
    readonly coveredYears: number[],
  ) {
    const covered = coveredYears.length > 0 ? coveredYears.join(', ') : '—';
    super(
      `工作日历“${calendarId}”未包含 ${year} 年的节假日安排，请先加载该年数据（已包含：${covered}）/ ` +
        `working-day calendar "${calendarId}" does not cover ${year}; load that year's holiday schedule ` +
        `with withYear() (covered: ${covered})`,
    );
  }
}

interface YearIndex {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}
const indexCache = new WeakMap<WorkCalendar, Map<string, YearIndex>>();
/** Calendars made by `withWeekdayFallback`: the uncovered years each has been asked about so far. */
const fallbackYears = new WeakMap<WorkCalendar, Set<number>>();
const NO_HOLIDAYS: YearIndex = { holidays: new Set(), workdays: new Set() };

function yearIndex(calendar: WorkCalendar, year: string): YearIndex {
  let index = indexCache.get(calendar);
  if (!index) {
    index = new Map();
    for (const [y, data] of Object.entries(calendar.years))
      index.set(y, { holidays: new Set(data.holidays), workdays: new Set(data.workdays) });
    indexCache.set(calendar, index);
  }
  const found = index.get(year);
  if (found) return found;
  const guessed = fallbackYears.get(calendar);
  if (!guessed) throw new CalendarNotCoveredError(calendar.id, Number(year), coveredYears(calendar));
  guessed.add(Number(year));
  return NO_HOLIDAYS;
}

/**
 * A round's declared policy for years the calendar does not hold yet (`uncoveredYear:
 * 'weekdays-provisional'`): the same calendar, except that an uncovered year counts Monday–Friday as
 * working days instead of throwing. `provisionalYears()` lists the years guessed so far, so whatever was
 * computed can be marked provisional (暂按工作日计算) and planned again once the year is loaded.
 */
export function withWeekdayFallback(calendar: WorkCalendar): {
  calendar: WorkCalendar;
  provisionalYears: () => number[];
} {
  const copy: WorkCalendar = { id: calendar.id, years: calendar.years };
  const guessed = new Set<number>();
  fallbackYears.set(copy, guessed);
  return { calendar: copy, provisionalYears: () => [...guessed].sort((a, b) => a - b) };
}

/** Throws CalendarNotCoveredError unless the calendar holds data for `year`. */
export function assertCovered(calendar: WorkCalendar, year: number): void {
  yearIndex(calendar, String(year).padStart(4, '0'));
}

function isWorkingDayNumber(calendar: WorkCalendar, day: number): boolean {
  const date = dateOfDay(day);
  const index = yearIndex(calendar, date.slice(0, 4));
  if (index.workdays.has(date)) return true;
  if (index.holidays.has(date)) return false;
  const wd = weekdayOfDay(day);
  return wd !== 0 && wd !== 6;
}

// ---------------------------------------------------------------------------------------------------
// Working-day arithmetic

/**
 * Whether `date` ('YYYY-MM-DD') is a working day: a make-up workday, or a Monday–Friday that is not a
 * public holiday. Throws CalendarNotCoveredError for a year the calendar does not hold.
 */
export function isWorkingDay(calendar: WorkCalendar, date: string): boolean {
  return isWorkingDayNumber(calendar, dayOfDate(date));
}

function assertCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`工作日数必须是正整数 / working-day count must be an integer ≥ 1: ${n}`);
}

/**
 * The deadline n working days after `fromMs`: 23:59:59.999 Beijing time of the n-th working day after
 * the Beijing day containing `fromMs` (that day itself never counts, working or not). n ≥ 1.
 */
export function addWorkingDays(calendar: WorkCalendar, fromMs: number, n: number): number {
  assertCount(n);
  let day = beijingDay(fromMs);
  for (let left = n; left > 0;) {
    day += 1;
    if (isWorkingDayNumber(calendar, day)) left -= 1;
  }
  return endOfDayMs(day);
}

/**
 * The start (00:00 Beijing) of the working day n working days before the Beijing day containing
 * `deadlineMs` (that day itself never counts). n ≥ 1. For reminders "n working days ahead".
 */
export function subtractWorkingDays(calendar: WorkCalendar, deadlineMs: number, n: number): number {
  assertCount(n);
  let day = beijingDay(deadlineMs);
  for (let left = n; left > 0;) {
    day -= 1;
    if (isWorkingDayNumber(calendar, day)) left -= 1;
  }
  return startOfDayMs(day);
}

/**
 * The number of working days after the Beijing day of `fromMs` up to and including the Beijing day of
 * `toMs`. 0 on the same day. Antisymmetric: when `toMs` is on an earlier day the result is minus the
 * count the other way round (e.g. how many working days a deadline is overdue).
 */
export function workingDaysBetween(calendar: WorkCalendar, fromMs: number, toMs: number): number {
  const from = beijingDay(fromMs);
  const to = beijingDay(toMs);
  const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
  let count = 0;
  for (let day = lo + 1; day <= hi; day++) if (isWorkingDayNumber(calendar, day)) count++;
  // Never -0: callers compare with ===/Object.is and print the number.
  return count === 0 ? 0 : sign * count;
}
