import { createConsumerTables } from '@fivestar/platform';
import { sql, type Kysely, type Migration } from 'kysely';

export const init: Migration = {
  // Kysely migrations run against an untyped database: the schema is what they create.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    await createConsumerTables(db);
    await db.schema
      .createTable('tasks')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('group_role', 'text', (c) => c.notNull())
      .addColumn('group_jurisdiction', 'text', (c) => c.notNull())
      .addColumn('round_id', 'text')
      .addColumn('branch_id', 'text')
      .addColumn('step', 'text')
      .addColumn('finding_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'done')`))
      .addColumn('deadline', 'timestamptz', (c) => c.notNull())
      .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
      .addColumn('closed_at', 'timestamptz')
      .addColumn('escalation_level', 'text')
      .addColumn('reminded_at', 'timestamptz')
      .addColumn('overdue_at', 'timestamptz')
      .addColumn('opened_event_id', 'text', (c) => c.notNull())
      .addColumn('closed_event_id', 'text')
      .execute();
    // "My tasks": role equality, jurisdiction prefix (text_pattern_ops makes LIKE 'prefix%' an index
    // range under any collation), then status and the listing order.
    await sql`CREATE INDEX tasks_group_idx ON tasks
      (group_role, group_jurisdiction text_pattern_ops, status, deadline, key)`.execute(db);
    await db.schema.createIndex('tasks_branch_idx').on('tasks').columns(['branch_id', 'status']).execute();
  },
};
