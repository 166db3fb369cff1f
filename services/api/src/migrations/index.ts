import { sql, type Kysely, type Migration } from 'kysely';
import { auditLogMigration, auditOutcomeMigration } from '../audit/migration';
import { identity } from './0005_identity';

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
  '0002_catalogs': {
    async up(db: Kysely<unknown>) {
      // One row per catalog version; a stored version is never updated (rounds pin id + version).
      await db.schema
        .createTable('catalogs')
        .addColumn('id', 'text', (c) => c.notNull().check(sql`id ~ '^[a-z0-9-]{1,40}$'`))
        .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
        .addColumn('branch_type', 'text', (c) =>
          c.notNull().check(sql`branch_type in ('rural','urban','organ','enterprise')`),
        )
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('example', 'boolean', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addColumn('digest', 'char(64)', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('catalogs_pkey', ['id', 'version'])
        .execute();
      await db.schema
        .createIndex('catalogs_branch_type')
        .on('catalogs')
        .columns(['branch_type', 'created_at'])
        .execute();
      // Versions are immutable in the database too, whatever the code does.
      await sql`
        CREATE FUNCTION catalogs_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'catalog versions are immutable (%, %)', OLD.id, OLD.version;
        END $$`.execute(db);
      await sql`
        CREATE TRIGGER catalogs_immutable BEFORE UPDATE OR DELETE ON catalogs
        FOR EACH ROW EXECUTE FUNCTION catalogs_immutable()`.execute(db);
      // The {id, version} of each catalog a round pinned when it started.
      await db.schema
        .alterTable('rounds')
        .addColumn('catalogs', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .execute();
    },
  },
  '0003_evidence': {
    async up(db: Kysely<unknown>) {
      // Metadata of evidence files (佐证材料); the bytes live in the content-addressed store.
      await db.schema
        .createTable('evidence')
        .addColumn('round_id', 'text', (c) => c.notNull())
        .addColumn('branch_code', 'char(12)', (c) => c.notNull().references('branches.code'))
        .addColumn('sha256', 'char(64)', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull().check(sql`size > 0`))
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) =>
          c.notNull().check(sql`kind in ('image','pdf','document','spreadsheet','video')`),
        )
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('evidence_pkey', ['round_id', 'branch_code', 'sha256', 'filename'])
        .execute();
      // Download scoping looks a file up by its hash, then by the uploading branch.
      await db.schema
        .createIndex('evidence_sha256')
        .on('evidence')
        .columns(['sha256', 'branch_code'])
        .execute();
    },
  },
  '0004_audit_log': auditLogMigration,
  '0005_identity': identity,
  '0006_round_townships': {
    async up(db: Kysely<unknown>) {
      // null: the whole county (every round started before townships could be chosen).
      await db.schema.alterTable('rounds').addColumn('township_codes', 'jsonb').execute();
    },
  },
  '0007_calendar_years': {
    async up(db: Kysely<unknown>) {
      // Each load of a year is a new version; the calendar in force is each year's latest over the bundled data.
      await db.schema
        .createTable('calendar_years')
        .addColumn('calendar_id', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
        .addColumn('holidays', 'jsonb', (c) => c.notNull())
        .addColumn('workdays', 'jsonb', (c) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('loaded_by', 'text', (c) => c.notNull())
        .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('revision', 'bigserial', (c) => c.notNull().unique())
        .addPrimaryKeyConstraint('calendar_years_pkey', ['calendar_id', 'year', 'version'])
        .execute();
    },
  },
  '0008_login_failures_by_address': {
    async up(db: Kysely<unknown>) {
      // Failed logins per (name typed, client address), plus one row per name with address '*' counting
      // its failures from everywhere within a window (docs/security.md, Lockout). The old per-name locks
      // are dropped: they were what anyone could set off for anyone.
      await db.schema.dropTable('login_failures').execute();
      await db.schema
        .createTable('login_failures')
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull().check(sql`failures > 0`))
        .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_failure_at', 'timestamptz', (c) => c.notNull())
        .addColumn('locked_until', 'timestamptz')
        .addPrimaryKeyConstraint('login_failures_pkey', ['username', 'address'])
        .execute();
    },
  },
  '0009_audit_outcomes': auditOutcomeMigration,
  '0010_directory_changes': {
    async up(db: Kysely<unknown>) {
      // The directory's history (区划调整): a place's old name stays readable after it changes.
      await db.schema
        .createTable('directory_changes')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('county_code', 'char(6)', (c) => c.notNull().references('counties.code'))
        .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('county','township','branch')`))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('rename')`))
        .addColumn('from_name', 'text', (c) => c.notNull())
        .addColumn('to_name', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex('directory_changes_by_county')
        .on('directory_changes')
        .columns(['county_code', 'id'])
        .execute();
    },
  },
  '0011_province_tree': {
    async up(db: Kysely<unknown>) {
      // The tree above the county (docs/hierarchy.md): a county's city and province are its code's prefixes.
      await db.schema
        .createTable('provinces')
        .addColumn('code', 'char(2)', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('cities')
        .addColumn('code', 'char(4)', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .alterTable('townships')
        .addColumn('kind', 'text', (c) =>
          c
            .notNull()
            .defaultTo('township')
            .check(sql`kind in ('township','unit')`),
        )
        .execute();
      // A city's or the province's rename belongs to no county.
      await db.schema
        .alterTable('directory_changes')
        .alterColumn('county_code', (c) => c.dropNotNull())
        .execute();
      await sql`ALTER TABLE directory_changes DROP CONSTRAINT directory_changes_level_check`.execute(db);
      await sql`ALTER TABLE directory_changes ADD CONSTRAINT directory_changes_level_check
        CHECK (level in ('province','city','county','township','branch'))`.execute(db);
      // Province-wide reads go by code prefix (LIKE '41%'): pattern-ops indexes serve them.
      await sql`CREATE INDEX branches_code_prefix ON branches (code bpchar_pattern_ops)`.execute(db);
      await sql`CREATE INDEX users_jurisdiction_prefix ON users (jurisdiction text_pattern_ops)`.execute(db);
      await db.schema
        .createTable('campaigns')
        .addColumn('campaign_id', 'text', (c) => c.primaryKey())
        .addColumn('province_code', 'char(2)', (c) => c.notNull().references('provinces.code'))
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('settings', 'jsonb', (c) => c.notNull())
        .addColumn('opened_by', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('campaigns_province_year', ['province_code', 'year'])
        .execute();
      await db.schema
        .alterTable('rounds')
        .addColumn('campaign_id', 'text', (c) => c.references('campaigns.campaign_id'))
        .execute();
    },
  },
};
