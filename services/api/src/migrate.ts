/** `node dist/migrate.js`: creates the `api` schema, applies pending migrations, stores the default catalogs. */
import { createDb, migrate, runCli } from '@fivestar/platform';
import { seedDefaultCatalogs } from './catalogs';
import { migrations } from './migrations';
import { API_SCHEMA, type ApiDatabase } from './schema';

runCli('api-migrate', async (config, log) => {
  const db = createDb<ApiDatabase>(config.databaseUrl, API_SCHEMA, 1);
  try {
    await migrate(db, API_SCHEMA, migrations, log);
    const seeded = await seedDefaultCatalogs(db);
    log.info({ seeded }, 'default catalogs');
  } finally {
    await db.destroy();
  }
});
