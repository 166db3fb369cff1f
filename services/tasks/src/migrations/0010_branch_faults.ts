import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 系统处理异常: one row per failing activity of a branch's workflow (`system.activity_failing`), until
 * its `system.activity_recovered` sets `recovered_at`. Read by jurisdiction prefix among the open ones.
 */
export const branchFaults: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('branch_faults')
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text', (c) => c.notNull())
      .addColumn('round_id', 'text', (c) => c.notNull())
      .addColumn('branch_id', 'text', (c) => c.notNull())
      .addColumn('activity_type', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('calendar_id', 'text')
      .addColumn('calendar_year', 'integer')
      .addColumn('since', 'timestamptz', (c) => c.notNull())
      .addColumn('recovered_at', 'timestamptz')
      .addPrimaryKeyConstraint('branch_faults_pkey', ['workflow_id', 'activity_id'])
      .execute();
    await sql`CREATE INDEX branch_faults_open_idx ON branch_faults (branch_id text_pattern_ops, since)
      WHERE recovered_at IS NULL`.execute(db);
  },
};
