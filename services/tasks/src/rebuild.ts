/**
 * `node dist/rebuild.js`: rebuilds the ledger and round progress from the event stream. Run it with the
 * service stopped: events the live consumer applies while the tables are being emptied would otherwise
 * be lost.
 */
import { rebuildFromStream, runRebuild } from '@fivestar/platform';
import { handleEvent } from './handlers';
import { truncateReadModels } from './rebuild-tables';
import { SCHEMA, type TasksDatabase, type TasksDb } from './schema';

runRebuild<TasksDb>('tasks', SCHEMA, (db, nc, log) =>
  rebuildFromStream<TasksDatabase>({ nc, db, handle: handleEvent, truncate: truncateReadModels, log }),
);
