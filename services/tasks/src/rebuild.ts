/**
 * Rebuilds the ledger from the event stream. Run it with the service stopped: events the live consumer
 * applies while the tables are being emptied would otherwise be lost.
 */
import { connectNats, createDb, createLogger, loadConfig, rebuildFromStream } from '@fivestar/platform';
import { handleEvent } from './handlers';
import { SCHEMA, type TasksDatabase, type TasksDb } from './schema';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('tasks-rebuild', config.logLevel);
  const db = createDb<TasksDb>(config.databaseUrl, SCHEMA, 2);
  const nc = await connectNats(config.natsUrl, 'fivestar-tasks-rebuild');
  try {
    await rebuildFromStream<TasksDatabase>({
      nc,
      db,
      handle: handleEvent,
      truncate: async (trx) => {
        await trx.deleteFrom('tasks').execute();
      },
      log,
    });
  } finally {
    await nc.close();
    await db.destroy();
  }
}

main().catch((err) => {
  createLogger('tasks-rebuild').fatal({ err }, 'rebuild failed');
  process.exit(1);
});
