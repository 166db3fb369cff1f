import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { PeriodicJob } from '@fivestar/contracts';
import type { Activities, PeriodicJobResult } from '../activities';

const { runPeriodicJob } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 20 },
});

/** Set by the server on every workflow a schedule starts: the nominal time of that action. */
const ScheduledStartTimeKey = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/**
 * One run of a calendar job, started by its Temporal Schedule (or by hand with `temporal schedule
 * trigger`). The period comes from the scheduled time, so a late or caught-up run reports on the period
 * it was meant for; a manual start without one uses the workflow's own start time.
 */
export async function periodicJob(input: { job: PeriodicJob }): Promise<PeriodicJobResult> {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(ScheduledStartTimeKey);
  return runPeriodicJob({ job: input.job, atMs: (scheduled ?? info.startTime).getTime() });
}
