import type { Kysely } from 'kysely';
import type { TasksDb } from './schema';

/** Empties every read-model table before a rebuild replays the stream into them. */
export async function truncateReadModels(trx: Kysely<TasksDb>): Promise<void> {
  await trx.deleteFrom('tasks').execute();
  await trx.deleteFrom('branch_progress').execute();
  await trx.deleteFrom('rounds').execute();
  await trx.deleteFrom('branch_faults').execute();
}
