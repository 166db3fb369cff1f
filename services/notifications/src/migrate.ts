/** `node dist/migrate.js`: creates the `notifications` schema and applies pending migrations. */
import { runMigrations } from '@fivestar/platform';
import { SCHEMA } from './db';
import { migrations } from './migrations';

runMigrations('notifications', SCHEMA, migrations);
