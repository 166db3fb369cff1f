import type { Kysely, Migration } from 'kysely';

/**
 * The rounds this service has heard of (read model from `round.started` / `round.closed`): the weekly
 * ledger snapshots are taken of every round not closed yet.
 */
export const openRounds: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rounds')
      .addColumn('round_id', 'text', (c) => c.primaryKey())
      .addColumn('county_code', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'timestamptz')
      .execute();
  },
};
