import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type Client,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { PeriodicJob } from '@fivestar/contracts';
import type { periodicJob } from './workflows/periodic-job';

/**
 * When each calendar job runs, in UTC: 00:xx UTC is 08:xx in China (no daylight saving there), early in
 * the working day and always on the Beijing date after the period it reports on. Staggered so the
 * three never start together.
 */
const CALENDARS: Record<PeriodicJob, { calendar: CalendarSpec; note: string }> = {
  'daily-digest': { calendar: { hour: 0, minute: 0 }, note: '每日 08:00 发送前一日通知摘要' },
  'weekly-ledger-snapshots': {
    calendar: { dayOfWeek: 'MONDAY', hour: 0, minute: 10 },
    note: '每周一 08:10 保存上周台账快照',
  },
  'monthly-ranking': {
    calendar: { dayOfMonth: 1, hour: 0, minute: 20 },
    note: '每月 1 日 08:20 保存上月排名快照并发布通报',
  },
};

export interface ScheduleSetup {
  taskQueue: string;
  /** Prefixes every schedule and workflow id (tests use their own so they never touch the real ones). */
  idPrefix?: string;
}

export const scheduleId = (job: PeriodicJob, idPrefix = 'fivestar-') => `${idPrefix}${job}`;

function scheduleOptions(job: PeriodicJob, setup: ScheduleSetup) {
  const id = scheduleId(job, setup.idPrefix);
  const { calendar, note } = CALENDARS[job];
  return {
    scheduleId: id,
    spec: { calendars: [{ ...calendar, comment: note }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'periodicJob',
      args: [{ job }],
      taskQueue: setup.taskQueue,
      workflowId: id,
    },
    // Runs missed while the server was down are caught up one after the other, each for its own period.
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL, catchupWindow: '31 days' },
    state: { note },
  } satisfies ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof periodicJob>>;
}

/**
 * Creates the calendar jobs' schedules, or brings existing ones up to date with this code (time, task
 * queue, policies). Safe to run from every worker start, concurrently.
 */
export async function ensureSchedules(client: Client, setup: ScheduleSetup): Promise<string[]> {
  const jobs = Object.keys(CALENDARS) as PeriodicJob[];
  for (const job of jobs) {
    const options = scheduleOptions(job, setup);
    try {
      await client.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      const { scheduleId: id, ...desired } = options;
      await client.schedule.getHandle(id).update((previous) => ({ ...desired, state: previous.state }));
    }
  }
  return jobs.map((job) => scheduleId(job, setup.idPrefix));
}
