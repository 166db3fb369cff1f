import type { Kysely, Migration } from 'kysely';

/**
 * Whether a task's deadline was counted Monday–Friday in a year the working-day calendar did not hold
 * yet (WorkItem.provisional, 暂按工作日计算), until `work.replanned` counts it again. Tasks opened before
 * the flag existed were planned on loaded years: false.
 */
export const taskProvisional: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('tasks')
      .addColumn('provisional', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
};
