/**
 * Reporting periods by the calendar in China (UTC+8, no daylight saving): the day, ISO week and month
 * an instant falls in, and the period a scheduled job reports on.
 */
import { BEIJING_OFFSET_MS, beijingDate } from './calendar';

const DAY_MS = 86_400_000;

/** The ISO week (`YYYY-Www`) of a Beijing calendar date (`YYYY-MM-DD`). */
export function isoWeekOfDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  // The Thursday of the week decides its year.
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week before `week` (`YYYY-Www`). */
export function previousIsoWeek(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new RangeError(`周次格式应为YYYY-Www：${week}`);
  // Monday of week 1 is the Monday of the week holding 4 January.
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() || 7) - 1) * DAY_MS;
  const monday = monday1 + (Number(m[2]) - 1) * 7 * DAY_MS;
  return isoWeekOfDate(new Date(monday - 7 * DAY_MS).toISOString().slice(0, 10));
}

/** The ISO week (`YYYY-Www`) an instant falls in, by its date in China. */
export function beijingIsoWeek(ms: number): string {
  return isoWeekOfDate(beijingDate(ms));
}

/** The month (`YYYY-MM`) an instant falls in, by its date in China. */
export function beijingMonth(ms: number): string {
  return beijingDate(ms).slice(0, 7);
}

/** An instant as wall time in China, `YYYY-MM-DD HH:mm` (UTC+8, no DST): what every user reads. */
export function formatBeijingTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + BEIJING_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** A span of seconds in words: `1小时30分钟`, `45秒`. */
export function formatSpan(seconds: number): string {
  const parts: [number, string][] = [
    [Math.floor(seconds / 86_400), '天'],
    [Math.floor((seconds % 86_400) / 3600), '小时'],
    [Math.floor((seconds % 3600) / 60), '分钟'],
    [Math.floor(seconds % 60), '秒'],
  ];
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, unit]) => `${n}${unit}`)
      .join('') || '0秒'
  );
}

/** Jobs the platform runs on a calendar: each reports on the period just ended when it runs. */
export const PERIODIC_JOBS = ['daily-digest', 'weekly-ledger-snapshots', 'monthly-ranking'] as const;
export type PeriodicJob = (typeof PERIODIC_JOBS)[number];

export type ReportingPeriod =
  | { job: 'daily-digest'; day: string }
  | { job: 'weekly-ledger-snapshots'; week: string }
  | { job: 'monthly-ranking'; period: string };

/**
 * The period a job run at `ms` (its nominal, scheduled time) reports on: the day, ISO week or month
 * holding the previous day — so a run early on the 1st, a Monday or any morning covers what just ended.
 */
export function reportingPeriod(job: PeriodicJob, ms: number): ReportingPeriod {
  const previousDay = ms - DAY_MS;
  switch (job) {
    case 'daily-digest':
      return { job, day: beijingDate(previousDay) };
    case 'weekly-ledger-snapshots':
      return { job, week: beijingIsoWeek(previousDay) };
    case 'monthly-ranking':
      return { job, period: beijingMonth(previousDay) };
  }
}
