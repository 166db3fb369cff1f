/** Applies the `tasks` schema migrations and nothing else (database and stream come from provisioning). */
import { createDb, createLogger, loadConfig, migrate } from '@fivestar/platform';
import { migrations } from './migrations';
import { SCHEMA, type TasksDb } from './schema';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('tasks-migrate', config.logLevel);
  const db = createDb<TasksDb>(config.databaseUrl, SCHEMA, 1);
  try {
    await migrate(db, SCHEMA, migrations, log);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  createLogger('tasks-migrate').fatal({ err }, 'migration failed');
  process.exit(1);
});
