/** `node dist/migrate.js`: creates the `tasks` schema and applies pending migrations. */
import { runMigrations } from '@fivestar/platform';
import { SCHEMA } from './schema';
import { migrations } from './migrations';

runMigrations('tasks', SCHEMA, migrations);
