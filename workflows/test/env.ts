/**
 * The real workflow code on the real Temporal dev server, on a task queue of its own, with in-memory
 * activities: deadlines are planned as the planning activity plans them (span rules only, no working-day
 * calendar) and every published event is recorded instead of going to NATS. No database, no bus.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import {
  planSupervisionTimes,
  WorkCalendar,
  type EventType,
  type FivestarEvent,
  type SupervisionTimes,
} from '@fivestar/contracts';
import type { Activities, PlanInput } from '../src/activities';

export interface WorkflowEnv {
  client: Client;
  taskQueue: string;
  /** Every event the workflows published, in publication order. */
  published: FivestarEvent[];
  /** The published events of one workflow, by type. */
  events(workflowId: string, type?: EventType): FivestarEvent[];
  /** With RECORD_HISTORIES=1, saves a workflow's history as a replay fixture (test/replay.test.ts). */
  record(workflowId: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** The activities the branch and rectification workflows call, recording instead of doing I/O. */
function stubActivities(published: FivestarEvent[]): Pick<Activities, 'planSupervision' | 'publishEvent'> {
  return {
    async planSupervision(input: PlanInput): Promise<SupervisionTimes> {
      return planSupervisionTimes(WorkCalendar.parse({ id: input.calendarId ?? 'test', years: {} }), input);
    },
    async publishEvent(event: FivestarEvent): Promise<void> {
      published.push(event);
    },
  };
}

export async function startWorkflowEnv(): Promise<WorkflowEnv> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'fivestar';
  const taskQueue = `fivestar-wf-${randomBytes(3).toString('hex')}`;
  const published: FivestarEvent[] = [];
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace });
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace,
    taskQueue,
    workflowsPath: path.resolve(__dirname, '../src/workflows'),
    activities: stubActivities(published),
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    published,
    events: (workflowId, type) =>
      published.filter((e) => e.id.startsWith(`${workflowId}#`) && (type === undefined || e.type === type)),
    async record(workflowId, name) {
      if (process.env.RECORD_HISTORIES !== '1') return;
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(path.resolve(__dirname, 'histories', `${name}.json`), historyToJSON(history));
    },
    async stop() {
      // Leave nothing running on the shared dev server (its task queue dies with this run).
      const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
      for await (const wf of client.workflow.list({ query })) {
        await client.workflow
          .getHandle(wf.workflowId, wf.runId)
          .terminate('test finished')
          .catch(() => undefined);
      }
      worker.shutdown();
      await running;
      await clientConnection.close();
      await workerConnection.close();
    },
  };
}
