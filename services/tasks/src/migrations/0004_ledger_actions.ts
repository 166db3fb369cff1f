import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Ledger actions taken by users (claim, reassign, delegate, cc) and the history of every change of
 * assignee or deadline. User actions are not events of the stream, so they live in tables of their own
 * that a rebuild of `tasks` leaves alone (deadline entries carry their event id, so a replay adds none).
 */
export const ledgerActions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('task_assignments')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('assignee_id', 'text')
      .addColumn('assignee_name', 'text')
      .addColumn('delegated_by_id', 'text')
      .addColumn('delegated_by_name', 'text')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('task_assignments_assignee_idx')
      .on('task_assignments')
      .columns(['assignee_id'])
      .execute();
    await db.schema
      .createTable('task_cc')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.notNull())
      .addColumn('added_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('task_cc_pk', ['key', 'user_id'])
      .execute();
    await db.schema.createIndex('task_cc_user_idx').on('task_cc').columns(['user_id', 'key']).execute();
    await db.schema
      .createTable('task_history')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('by_id', 'text', (c) => c.notNull())
      .addColumn('by_name', 'text', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('from_user', 'text')
      .addColumn('to_user', 'text')
      .addColumn('note', 'text')
      // Set for changes an event makes (a moved deadline): a replay records it once.
      .addColumn('event_id', 'text', (c) => c.unique())
      .execute();
    await db.schema.createIndex('task_history_key_idx').on('task_history').columns(['key', 'id']).execute();
  },
};
