import { sql, type Kysely, type Migration } from 'kysely';

/** Round progress by step and township: one row per (round, branch), kept from branch events. */
export const branchProgress: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('branch_progress')
      .addColumn('round_id', 'text', (c) => c.notNull())
      .addColumn('branch_id', 'text', (c) => c.notNull())
      .addColumn('township_code', 'text', (c) => c.notNull())
      .addColumn('county_code', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'closed', 'withdrawn')`))
      .addColumn('level', 'integer', (c) => c.check(sql`level between 0 and 5`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('branch_progress_pk', ['round_id', 'branch_id'])
      .execute();
    // The progress read: one round, grouped (or filtered) by township.
    await db.schema
      .createIndex('branch_progress_township_idx')
      .on('branch_progress')
      .columns(['round_id', 'township_code', 'step', 'status'])
      .execute();
    // Its overdue column: a round's open step tasks, by branch (so by township).
    await sql`CREATE INDEX tasks_round_open_steps_idx ON tasks (round_id, branch_id)
      WHERE status = 'open' AND kind = 'step'`.execute(db);
  },
};
