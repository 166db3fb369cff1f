import type { Light } from '@fivestar/contracts';

export const DEFAULT_YELLOW_SECONDS = 3 * 86_400;

export interface LightInput {
  status: 'open' | 'done';
  deadline: Date;
  remindedAt: Date | null;
  overdueAt: Date | null;
}

/** Overdue: open and past its deadline, or the workflow has declared it overdue. Also the sort's first key. */
export function isOverdue(t: LightInput, now: Date): boolean {
  return t.status === 'open' && (t.deadline.getTime() < now.getTime() || t.overdueAt !== null);
}

/**
 * Computed at read time (it depends on `now`, so it is never stored): red when overdue, yellow when due
 * within the window or already reminded, otherwise green. Done tasks are green.
 */
export function computeLight(t: LightInput, now: Date, yellowSeconds: number): Light {
  if (t.status === 'done') return 'green';
  if (isOverdue(t, now)) return 'red';
  if (t.remindedAt !== null || t.deadline.getTime() - now.getTime() <= yellowSeconds * 1000) return 'yellow';
  return 'green';
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
