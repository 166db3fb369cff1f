import { createConsumerTables } from '@fivestar/platform';
import { sql, type Kysely, type Migration } from 'kysely';

/** Listed in code so they run the same from sources, compiled output and bundles. */
export const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await createConsumerTables(db);
      await db.schema
        .createTable('recipients')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('jurisdiction', 'text', (c) => c.notNull())
        .addColumn('active', 'boolean', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // Fan-out looks recipients up by role, then prefix-tests the jurisdiction.
      await db.schema
        .createIndex('recipients_role_idx')
        .on('recipients')
        .columns(['role', 'jurisdiction'])
        .execute();
      await db.schema
        .createTable('notices')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('round_id', 'text')
        .addColumn('branch_id', 'text')
        .addColumn('work_key', 'text')
        .addColumn('escalation_level', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('read_at', 'timestamptz')
        // One notice per event and recipient, however often the event arrives.
        .addUniqueConstraint('notices_event_user_key', ['event_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('notices_inbox_idx')
        .on('notices')
        .expression(sql`user_id, created_at DESC, id DESC`)
        .execute();
    },
  },
};
