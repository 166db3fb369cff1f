import { startReadModelService, type ReadModelOptions, type Stoppable } from '@fivestar/platform';
import { handleEvent } from './handlers';
import { yellowSecondsFromEnv } from './light';
import { listTasks } from './queries';
import { SCHEMA, type TasksDatabase } from './schema';

export interface TasksServiceOptions extends ReadModelOptions {
  /** Yellow-light window; defaults to TASKS_YELLOW_SECONDS or three days. */
  yellowSeconds?: number;
}

/** Starts the ledger: the durable event consumer and the `tasks.list` endpoint. Migrations run separately. */
export function startTasksService(opts: TasksServiceOptions): Promise<Stoppable> {
  const yellowSeconds = opts.yellowSeconds ?? yellowSecondsFromEnv();
  return startReadModelService<TasksDatabase, 'tasks'>(
    {
      service: 'tasks',
      schema: SCHEMA,
      handle: handleEvent,
      endpoints: (db) => ({ list: (req) => listTasks(db, req, { yellowSeconds }) }),
    },
    opts,
  );
}
