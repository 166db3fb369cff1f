import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Weekly ledger snapshots (周报): counts of a scope's tasks, taken once per scope, round and ISO week.
 * Taken by users (or a schedule), not from events, so a rebuild of `tasks` leaves them alone. `round_id`
 * is '' for a snapshot across all rounds, so the primary key stays plain.
 */
export const ledgerSnapshots: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ledger_snapshots')
      .addColumn('scope_code', 'text', (c) => c.notNull())
      .addColumn('round_id', 'text', (c) => c.notNull())
      .addColumn('week', 'text', (c) => c.notNull())
      .addColumn('taken_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('by_status', 'jsonb', (c) => c.notNull())
      .addColumn('by_light', 'jsonb', (c) => c.notNull())
      .addColumn('by_escalation', 'jsonb', (c) => c.notNull())
      .addColumn('by_kind', 'jsonb', (c) => c.notNull())
      .addPrimaryKeyConstraint('ledger_snapshots_pk', ['scope_code', 'round_id', 'week'])
      .execute();
  },
};
