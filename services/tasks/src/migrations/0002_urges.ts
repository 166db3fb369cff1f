import type { Kysely, Migration } from 'kysely';

/** Urges (催办) on a task: when last, and how often. */
export const urges: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('tasks')
      .addColumn('urged_at', 'timestamptz')
      .addColumn('urge_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
