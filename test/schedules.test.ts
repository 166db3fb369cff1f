/**
 * The calendar jobs on the real Temporal server: the worker's schedules exist with their times, a run
 * (triggered now) reaches the owning service over NATS and reports on the period that just ended, and
 * ensuring them again updates rather than duplicates.
 */
import { reportingPeriod, type PeriodicJob } from '@fivestar/contracts';
import { ensureSchedules, scheduleId } from '@fivestar/workflows';
import { eventually, startStack, type Stack } from './harness';

let stack: Stack;
let prefix: string;

beforeAll(async () => {
  stack = await startStack();
  prefix = `test-${stack.runId}-`;
});

afterAll(async () => {
  for await (const s of stack.temporal.schedule.list()) {
    if (s.scheduleId.startsWith(prefix)) await stack.temporal.schedule.getHandle(s.scheduleId).delete();
  }
  await stack?.stop();
});

/** Triggers a schedule now and waits for the workflow it started to finish; returns its result. */
async function runNow(job: PeriodicJob) {
  const handle = stack.temporal.schedule.getHandle(scheduleId(job, prefix));
  await handle.trigger();
  const described = await eventually(
    () => handle.describe(),
    (d) => d.info.recentActions.length > 0,
  );
  const { workflowId, firstExecutionRunId } = described.info.recentActions[0]!.action.workflow;
  const run = stack.temporal.workflow.getHandle(workflowId, firstExecutionRunId);
  const startedAt = (await run.describe()).startTime.getTime();
  return { result: (await run.result()) as { period: unknown; result: any }, startedAt };
}

test('the worker keeps three calendar schedules, at 08:xx Beijing time', async () => {
  const setup = { taskQueue: stack.config.taskQueue, idPrefix: prefix };
  const ids = await ensureSchedules(stack.temporal, setup);
  expect(ids).toEqual([
    `${prefix}daily-digest`,
    `${prefix}weekly-ledger-snapshots`,
    `${prefix}monthly-ranking`,
  ]);
  // A second worker start updates them in place.
  expect(await ensureSchedules(stack.temporal, setup)).toEqual(ids);
  const weekly = await stack.temporal.schedule.getHandle(ids[1]!).describe();
  expect(weekly.spec.calendars).toEqual([
    expect.objectContaining({ dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] }),
  ]);
  expect(weekly.spec.calendars![0]!.hour).toEqual([{ start: 0, end: 0, step: 1 }]);
  expect(weekly.action).toMatchObject({ workflowType: 'periodicJob', taskQueue: stack.config.taskQueue });
  expect(weekly.info.nextActionTimes[0]!.getUTCDay()).toBe(1);
});

test.each<PeriodicJob>(['weekly-ledger-snapshots', 'daily-digest', 'monthly-ranking'])(
  'a %s run reaches its service and reports on the period just ended',
  async (job) => {
    const { result, startedAt } = await runNow(job);
    expect(result.period).toEqual(reportingPeriod(job, startedAt));
    const echoed: Record<string, unknown> = { ...(result.period as object) };
    delete echoed.job;
    expect(result.result).toMatchObject(echoed);
  },
);
