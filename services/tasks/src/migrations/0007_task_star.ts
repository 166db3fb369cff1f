import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The star a task concerns (WorkItem.star), for the ledger's star filter: null for step work and for
 * tasks opened by events that carry none; a rebuild fills it from the stream like every other column.
 *
 * And the listing index: a role's tasks in (deadline, key) order, the keyset of each rank group in
 * listTasks, so a page walks the index from its cursor and stops; the jurisdiction and status ride along
 * so rows outside the viewer's scope are skipped without reading the table (bench/task-list.ts).
 */
export const taskStar: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tasks').addColumn('star', 'text').execute();
    await sql`CREATE INDEX tasks_listing_idx ON tasks
      (group_role, deadline, key, group_jurisdiction text_pattern_ops, status)`.execute(db);
  },
};
