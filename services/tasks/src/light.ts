import {
  BEIJING_OFFSET_MS,
  CalendarNotCoveredError,
  workingDaysBetween,
  type Light,
  type WorkCalendar,
} from '@fivestar/contracts';

export const DEFAULT_YELLOW_SECONDS = 3 * 86_400;
export const DEFAULT_YELLOW_WORKING_DAYS = 3;

const DAY_MS = 86_400_000;

export interface LightInput {
  status: 'open' | 'done';
  deadline: Date;
  remindedAt: Date | null;
  overdueAt: Date | null;
}

/**
 * Whether an open task whose deadline has not passed yet is due soon enough for a yellow light.
 * Only asked when `deadline >= now`.
 */
export type DueSoon = (deadline: Date, now: Date) => boolean;

/** Overdue: open and past its deadline, or the workflow has declared it overdue. Also the sort's first key. */
export function isOverdue(t: LightInput, now: Date): boolean {
  return t.status === 'open' && (t.deadline.getTime() < now.getTime() || t.overdueAt !== null);
}

/**
 * Computed at read time (it depends on `now`, so it is never stored): red when overdue, yellow when due
 * within the window or already reminded, otherwise green. Done tasks are green. `window` is either a
 * number of seconds (the test override) or a rule such as withinWorkingDays().
 */
export function computeLight(t: LightInput, now: Date, window: number | DueSoon): Light {
  if (t.status === 'done') return 'green';
  if (isOverdue(t, now)) return 'red';
  const dueSoon = typeof window === 'number' ? withinSeconds(window) : window;
  if (t.remindedAt !== null || dueSoon(t.deadline, now)) return 'yellow';
  return 'green';
}

/** Due within `seconds` of now (wall-clock time, no calendar): the override tests use. */
export function withinSeconds(seconds: number): DueSoon {
  return (deadline, now) => deadline.getTime() - now.getTime() <= seconds * 1000;
}

/** Beijing calendar days from the day of `from` to the day of `to` (0 on the same day). */
export function calendarDaysBetween(fromMs: number, toMs: number): number {
  const day = (ms: number) => Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
  return day(toMs) - day(fromMs);
}

export interface WorkingDaysOptions {
  /** The calendar in force, called per comparison: keep it cheap (CalendarSource.current()). */
  calendar: () => WorkCalendar;
  /** Told once per reason when a comparison falls back to calendar days. */
  warn?: (context: Record<string, unknown>, message: string) => void;
}

/**
 * Due within `days` working days: at most `days` working days (by the holiday calendar in force) lie
 * after today's Beijing day, up to and including the deadline's day (workingDaysBetween). So with three
 * days, a task turns yellow on the morning of the third working day before its deadline's day, the day
 * the supervision plan's "N working days ahead" reminder fires for N = 3.
 *
 * A light must never fail a listing: when the calendar does not cover a year the comparison needs
 * (CalendarNotCoveredError), or fails in any other way, that comparison counts Beijing calendar days
 * instead, and the fallback is logged once per missing year (once for any other failure).
 */
export function withinWorkingDays(days: number, opts: WorkingDaysOptions): DueSoon {
  const warned = new Set<string>();
  const warnOnce = (key: string, context: Record<string, unknown>, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    opts.warn?.(context, message);
  };
  return (deadline, now) => {
    // Fewer calendar days than the window: within it whatever the calendar says (no loop needed).
    if (calendarDaysBetween(now.getTime(), deadline.getTime()) <= days) return true;
    try {
      return workingDaysBetween(opts.calendar(), now.getTime(), deadline.getTime()) <= days;
    } catch (err) {
      if (err instanceof CalendarNotCoveredError)
        warnOnce(
          `year:${err.year}`,
          { calendar: err.calendarId, year: err.year, covered: err.coveredYears },
          `工作日历未包含 ${err.year} 年，黄灯改按自然日计算 / working-day calendar does not cover ${err.year}; yellow lights fall back to calendar days`,
        );
      else
        warnOnce(
          'other',
          { err },
          '工作日计算失败，黄灯改按自然日计算 / working-day count failed; yellow lights fall back to calendar days',
        );
      return false; // The calendar-day count above already said "more than `days` days away".
    }
  };
}

/** TASKS_YELLOW_SECONDS: a non-negative integer number of seconds; a bad value stops the service early. */
export function yellowSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TASKS_YELLOW_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_YELLOW_SECONDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`TASKS_YELLOW_SECONDS 应为非负整数秒数，当前为 "${raw}"`);
  return n;
}

/**
 * TASKS_YELLOW_WORKING_DAYS: a non-negative integer number of working days (default 3); a bad value stops
 * the service early.
 */
export function yellowWorkingDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TASKS_YELLOW_WORKING_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_YELLOW_WORKING_DAYS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`TASKS_YELLOW_WORKING_DAYS 应为非负整数工作日数，当前为 "${raw}"`);
  return n;
}
