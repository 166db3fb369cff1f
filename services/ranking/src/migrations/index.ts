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
  '0003_snapshots_bulletins': {
    async up(db: Kysely<unknown>) {
      // 一月一排名: the standings answer of a county as taken for a month; re-taking replaces it.
      await db.schema
        .createTable('snapshots')
        .addColumn('county_code', 'text', (c) => c.notNull())
        // '' when the county had no round (latest award per branch).
        .addColumn('round_id', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull().check(sql`period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
        .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('snapshots_pkey', ['county_code', 'round_id', 'period'])
        .execute();
      await db.schema
        .createIndex('snapshots_county_period_idx')
        .on('snapshots')
        .columns(['county_code', 'period'])
        .execute();
      // 通报: a published bulletin (its data as published); one per county and month.
      await db.schema
        .createTable('bulletins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('county_code', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('round_id', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('published_at', 'timestamptz', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addUniqueConstraint('bulletins_county_period_key', ['county_code', 'period'])
        .execute();
    },
  },
  '0004_supervised_items': {
    async up(db: Kysely<unknown>) {
      // 逾期/督办: work the workflows declared overdue and not yet done, for the bulletins' lists.
      await db.schema
        .createTable('supervised_items')
        .addColumn('item_key', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('step', 'rectification')`))
        .addColumn('round_id', 'text')
        .addColumn('branch_code', 'text', (c) => c.notNull())
        .addColumn('step', 'text')
        .addColumn('finding_id', 'text')
        .addColumn('work_key', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('deadline', 'timestamptz', (c) => c.notNull())
        .addColumn('overdue_at', 'timestamptz', (c) => c.notNull())
        .addColumn('escalation_level', 'text', (c) =>
          c.check(sql`escalation_level IN ('blue', 'yellow', 'red')`),
        )
        .addColumn('escalated_at', 'timestamptz')
        .execute();
      // A bulletin reads a county's items by code prefix (LIKE '410102%').
      await db.schema
        .createIndex('supervised_items_branch_idx')
        .on('supervised_items')
        .expression(sql`branch_code text_pattern_ops`)
        .execute();
    },
  },
  '0005_round_scope': {
    async up(db: Kysely<unknown>) {
      // A round's scope: the townships it covers, sorted (so equal scopes compare equal); null: the whole
      // county (and every round whose start did not say). Filled by `round.started` and by a rebuild.
      await db.schema
        .alterTable('rounds')
        .addColumn('township_codes', sql`text[]`)
        .execute();
    },
  },
  '0006_round_stars': {
    async up(db: Kysely<unknown>) {
      // The stars of a round's catalogs ([{code, name}], in catalog order) for the per-star tallies; null
      // when only its close was seen. Filled by `round.started` and by a rebuild.
      await db.schema.alterTable('rounds').addColumn('stars', 'jsonb').execute();
    },
  },
  '0007_areas': {
    async up(db: Kysely<unknown>) {
      // City and province names for rankings above the county (from directory.branch_upserted; null:
      // not sent, shown by code). Filled by the upserts and by a rebuild.
      await db.schema
        .alterTable('branches')
        .addColumn('city_name', 'text')
        .addColumn('province_name', 'text')
        .execute();
      // A city's or the province's branches are those whose county code starts with its code.
      await db.schema
        .createIndex('branches_county_prefix_idx')
        .on('branches')
        .expression(sql`county_code text_pattern_ops`)
        .execute();
      // The campaign a round runs under (round.started's campaignId; null: not sent).
      await db.schema.alterTable('rounds').addColumn('campaign_id', 'text').execute();
      await db.schema
        .createIndex('rounds_year_county_prefix_idx')
        .on('rounds')
        .expression(sql`year, county_code text_pattern_ops`)
        .execute();
      // 一月一排名 of a city or the province: the area ranking answer as taken for a month; kept on rebuild.
      await db.schema
        .createTable('area_snapshots')
        .addColumn('area_code', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull().check(sql`period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('campaign_id', 'text')
        .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('area_snapshots_pkey', ['area_code', 'period'])
        .execute();
      // 通报 of a city or the province as published: one per area and month; kept on rebuild.
      await db.schema
        .createTable('area_bulletins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('area_code', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('published_at', 'timestamptz', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addUniqueConstraint('area_bulletins_area_period_key', ['area_code', 'period'])
        .execute();
    },
  },
};
