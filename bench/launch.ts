import type { Client } from '@temporalio/client';
import { mapLimited } from '@fivestar/platform';
import { eventually, type ApiUser } from '../test/harness';

/** Polls the rounds until every launcher is done; answers the branches they launched. */
export async function untilLaunched(
  user: ApiUser,
  roundIds: string[],
  timeoutMs = 3_600_000,
): Promise<number> {
  let launched = 0;
  for (const roundId of roundIds) {
    const r = await eventually(
      () => user.get(`/api/rounds/${roundId}`),
      (r) => r.body?.progress?.launchDone === true,
      timeoutMs,
    );
    launched += r.body.progress.launched as number;
  }
  return launched;
}

/**
 * The raw baseline of a launch: seconds to start `n` workflows of a type no worker runs, on a task queue
 * of their own on the same server, `concurrency` at a time (no search attributes, a one-element input).
 * They time out by themselves a minute later.
 */
export async function rawStarts(
  temporal: Client,
  n: number,
  concurrency: number,
  tag: string,
): Promise<number> {
  const t0 = performance.now();
  await mapLimited(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    (i) =>
      temporal.workflow.start('benchTrivial', {
        taskQueue: `bench-trivial-${tag}`,
        workflowId: `bench-trivial-${tag}-${i}`,
        args: [i],
        workflowExecutionTimeout: '1 minute',
      }),
  );
  return (performance.now() - t0) / 1000;
}
