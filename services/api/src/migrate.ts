import { createDb, createLogger, loadConfig, migrate } from '@fivestar/platform';
import { migrations } from './migrations';
import { API_SCHEMA, type ApiDatabase } from './schema';

const log = createLogger('api-migrate');
const db = createDb<ApiDatabase>(loadConfig().databaseUrl, API_SCHEMA, 1);
migrate(db, API_SCHEMA, migrations, log)
  .then(() => db.destroy())
  .catch(async (err) => {
    log.fatal({ err }, 'migration failed');
    await db.destroy();
    process.exit(1);
  });
