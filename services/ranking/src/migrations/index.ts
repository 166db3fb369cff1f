import { createConsumerTables } from '@fivestar/platform';
import { sql, type Kysely, type Migration } from 'kysely';

/** Listed in code so they run the same from sources, compiled output and bundles. */
export const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await createConsumerTables(db);
      await db.schema
        .createTable('branches')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('township_code', 'text', (c) => c.notNull())
        .addColumn('township_name', 'text', (c) => c.notNull())
        .addColumn('county_code', 'text', (c) => c.notNull())
        .addColumn('county_name', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('branches_county_idx')
        .on('branches')
        .columns(['county_code', 'township_code'])
        .execute();
      await db.schema
        .createTable('standings')
        .addColumn('round_id', 'text', (c) => c.notNull())
        .addColumn('branch_code', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull().check(sql`level BETWEEN 0 AND 5`))
        .addColumn('stars', sql`text[]`, (c) => c.notNull())
        .addColumn('awarded_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('standings_pkey', ['round_id', 'branch_code'])
        .execute();
      // "Latest award of a branch" is an index walk: branch, newest first.
      await db.schema
        .createIndex('standings_latest_idx')
        .on('standings')
        .expression(sql`branch_code, awarded_at DESC, round_id DESC`)
        .execute();
    },
  },
};
