import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Catalog, FivestarEvent, RoundSchedule } from '@fivestar/contracts';
import { callEndpoint, publishEvent, type JetStreamClient, type NatsConnection } from '@fivestar/platform';
import { branchWorkflowId } from '../definitions';
import { BranchCodeKey, RoundIdKey, TownshipCodeKey } from '../search-attributes';

export interface ActivityDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  client: Client;
  taskQueue: string;
}

export interface LaunchPageInput {
  roundId: string;
  countyCode: string;
  after: string | null;
  limit: number;
  catalogs: Catalog[];
  schedule: RoundSchedule;
}

export interface LaunchPageResult {
  started: number;
  skipped: number;
  next: string | null;
}

export function createActivities(deps: ActivityDeps) {
  return {
    /** Idempotent: the event id is the NATS message id, so a retry inside the duplicate window is dropped. */
    async publishEvent(event: FivestarEvent): Promise<void> {
      await publishEvent(deps.js, event);
    },

    /**
     * Starts one page of branch workflows. Idempotent: a branch already started (running or not) is
     * counted, never started twice, so a retried page changes nothing.
     */
    async launchBranchPage(input: LaunchPageInput): Promise<LaunchPageResult> {
      const page = await callEndpoint(deps.nc, 'directory', 'branches', {
        countyCode: input.countyCode,
        after: input.after ?? undefined,
        limit: input.limit,
      });
      let started = 0;
      let skipped = 0;
      for (const branch of page.branches) {
        const catalog = input.catalogs.find((c) => c.branchType === branch.type);
        if (!catalog) {
          skipped += 1;
          continue;
        }
        try {
          await deps.client.workflow.start('branchAssessment', {
            taskQueue: deps.taskQueue,
            workflowId: branchWorkflowId(input.roundId, branch.code),
            args: [{ roundId: input.roundId, branch, catalog, schedule: input.schedule }],
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            typedSearchAttributes: new TypedSearchAttributes([
              { key: RoundIdKey, value: input.roundId },
              { key: BranchCodeKey, value: branch.code },
              { key: TownshipCodeKey, value: branch.townshipCode },
            ]),
          });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        started += 1;
        Context.current().heartbeat(branch.code);
      }
      return { started, skipped, next: page.next };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
