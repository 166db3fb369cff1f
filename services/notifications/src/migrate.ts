import { createDb, createLogger, loadConfig, migrate } from '@fivestar/platform';
import { SCHEMA, type NotificationsDB } from './db';
import { migrations } from './migrations';

/** `node dist/migrate.js`: creates the schema and applies pending migrations. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('notifications-migrate', config.logLevel);
  const db = createDb<NotificationsDB>(config.databaseUrl, SCHEMA, 1);
  try {
    await migrate(db, SCHEMA, migrations, log);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  createLogger('notifications-migrate').fatal({ err }, 'migration failed');
  process.exit(1);
});
