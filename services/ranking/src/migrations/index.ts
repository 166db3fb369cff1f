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
  '0002_rounds': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rounds')
        .addColumn('round_id', 'text', (c) => c.primaryKey())
        .addColumn('county_code', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('started_at', 'timestamptz')
        .addColumn('closed_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('rounds_county_idx')
        .on('rounds')
        .columns(['county_code', 'year'])
        .execute();
      // A standing now follows awards, revocations and withdrawals: the time is of whichever came last.
      await db.schema.alterTable('standings').renameColumn('awarded_at', 'changed_at').execute();
      await db.schema
        .alterTable('standings')
        .addColumn('withdrawn', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
    },
  },
};
