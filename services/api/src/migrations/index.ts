import { sql, type Kysely, type Migration } from 'kysely';

export const migrations: Record<string, Migration> = {
  '0001_directory_users_rounds': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('counties')
        .addColumn('code', 'char(6)', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('townships')
        .addColumn('code', 'char(9)', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('county_code', 'char(6)', (c) => c.notNull().references('counties.code'))
        .execute();
      await db.schema
        .createTable('branches')
        .addColumn('code', 'char(12)', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) =>
          c.notNull().check(sql`type in ('rural','urban','organ','enterprise')`),
        )
        .addColumn('township_code', 'char(9)', (c) => c.notNull().references('townships.code'))
        .addColumn('county_code', 'char(6)', (c) => c.notNull().references('counties.code'))
        .addColumn('weak', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
      await db.schema
        .createIndex('branches_county_code')
        .on('branches')
        .columns(['county_code', 'code'])
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('jurisdiction', 'text', (c) => c.notNull())
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('rounds')
        .addColumn('round_id', 'text', (c) => c.primaryKey())
        .addColumn('county_code', 'char(6)', (c) => c.notNull().references('counties.code'))
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};
