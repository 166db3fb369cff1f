/** `node dist/migrate.js`: creates the `api` schema and applies pending migrations. */
import { runMigrations } from '@fivestar/platform';
import { migrations } from './migrations';
import { API_SCHEMA } from './schema';

runMigrations('api', API_SCHEMA, migrations);
