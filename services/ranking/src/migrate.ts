/** `node dist/migrate.js`: creates the `ranking` schema and applies pending migrations. */
import { runMigrations } from '@fivestar/platform';
import { SCHEMA } from './db';
import { migrations } from './migrations';

runMigrations('ranking', SCHEMA, migrations);
