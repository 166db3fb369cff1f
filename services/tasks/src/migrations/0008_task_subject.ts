import type { Kysely, Migration } from 'kysely';

/**
 * What a task is about beyond its kind (WorkItem.subject, a finding's title), so lists that show the
 * village apart need not repeat it from the title: null for step work and for events that carry none.
 */
export const taskSubject: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tasks').addColumn('subject', 'text').execute();
  },
};
