import {
  connectNats,
  createDb,
  runConsumer,
  serveEndpoints,
  type Config,
  type Logger,
} from '@fivestar/platform';
import { handleEvent } from './handlers';
import { yellowSecondsFromEnv } from './light';
import { listTasks } from './queries';
import { SCHEMA, type TasksDatabase, type TasksDb } from './schema';

export interface TasksServiceOptions {
  config: Config;
  log: Logger;
  /** Durable consumer name; tests pass their own so they never steal a running service's messages. */
  durable?: string;
  /** Yellow-light window; defaults to TASKS_YELLOW_SECONDS or three days. */
  yellowSeconds?: number;
}

/** Starts the ledger: the durable event consumer and the `tasks.list` endpoint. Migrations run separately. */
export async function startTasksService(opts: TasksServiceOptions): Promise<{ stop(): Promise<void> }> {
  const log = opts.log;
  const yellowSeconds = opts.yellowSeconds ?? yellowSecondsFromEnv();
  const db = createDb<TasksDb>(opts.config.databaseUrl, SCHEMA);
  const nc = await connectNats(opts.config.natsUrl, 'fivestar-tasks');
  try {
    const consumer = await runConsumer<TasksDatabase>({
      nc,
      db,
      durable: opts.durable ?? 'tasks',
      handle: handleEvent,
      log,
    });
    const endpoints = await serveEndpoints(
      nc,
      'tasks',
      { list: (req) => listTasks(db, req, { yellowSeconds }) },
      log,
    );
    log.info({ durable: opts.durable ?? 'tasks', yellowSeconds }, 'tasks service started');
    return {
      async stop() {
        // Stop answering first, then stop consuming (lets the in-flight event finish), then release I/O.
        await endpoints.stop();
        await consumer.stop();
        await nc.drain();
        await db.destroy();
        log.info('tasks service stopped');
      },
    };
  } catch (err) {
    await nc.close();
    await db.destroy();
    throw err;
  }
}
