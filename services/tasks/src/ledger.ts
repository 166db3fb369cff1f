import type {
  BulkClaimResult,
  BulkItemResult,
  Task,
  TaskAction,
  TaskHistoryResult,
  TaskTarget,
  TaskUser,
  Viewer,
} from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf } from '@fivestar/platform';
import type { Kysely, Transaction } from 'kysely';
import { access, decide, type AssignAction, type TaskState } from './actions';
import { getTask, type ListOptions } from './queries';
import type { TasksDb } from './schema';

export type ClaimQuery = ParsedRequestOf<'tasks', 'claim'>;
export type ReassignQuery = ParsedRequestOf<'tasks', 'reassign'>;
export type CcQuery = ParsedRequestOf<'tasks', 'cc'>;
export type HistoryQuery = ParsedRequestOf<'tasks', 'history'>;
export type BulkClaimQuery = ParsedRequestOf<'tasks', 'bulkClaim'>;

export interface ActionOptions extends ListOptions {
  /** Wall-clock time of the action (tests pin it); default now. */
  at?: Date;
}

/** Loads a task's state with its row locked for the rest of the transaction (not_found if unknown). */
async function lockState(trx: Transaction<TasksDb>, key: string): Promise<TaskState> {
  const task = await trx
    .selectFrom('tasks')
    .select(['status', 'group_role', 'group_jurisdiction'])
    .where('key', '=', key)
    .forUpdate()
    .executeTakeFirst();
  if (!task) throw new RequestError('not_found', `没有该任务：${key}`);
  const a = await trx.selectFrom('task_assignments').selectAll().where('key', '=', key).executeTakeFirst();
  const user = (id: string | null | undefined, name: string | null | undefined): TaskUser | null =>
    id ? { userId: id, name: name ?? '' } : null;
  return {
    status: task.status,
    group: { role: task.group_role, jurisdiction: task.group_jurisdiction },
    assignee: user(a?.assignee_id, a?.assignee_name),
    delegatedBy: user(a?.delegated_by_id, a?.delegated_by_name),
  };
}

async function record(
  trx: Transaction<TasksDb>,
  entry: {
    key: string;
    action: TaskAction;
    by: Viewer;
    name: string;
    at: Date;
    from: string | null;
    to: string | null;
    note?: string | undefined;
  },
): Promise<void> {
  await trx
    .insertInto('task_history')
    .values({
      key: entry.key,
      action: entry.action,
      by_id: entry.by.userId,
      by_name: entry.name,
      at: entry.at,
      from_user: entry.from,
      to_user: entry.to,
      note: entry.note ?? null,
      event_id: null,
    })
    .execute();
}

/** Applies one assignment action in its own transaction; throws RequestError with the rule's code. */
async function assign(
  db: Kysely<TasksDb>,
  action: AssignAction,
  req: ClaimQuery & { to?: TaskTarget },
  at: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const state = await lockState(trx, req.key);
    const d = decide(action, state, { ...req.viewer, name: req.name }, req.to);
    if (!d.ok) throw new RequestError(d.code, d.message);
    if (!d.changed) return;
    const row = {
      assignee_id: d.assignee?.userId ?? null,
      assignee_name: d.assignee?.name ?? null,
      delegated_by_id: d.delegatedBy?.userId ?? null,
      delegated_by_name: d.delegatedBy?.name ?? null,
      updated_at: at,
    };
    await trx
      .insertInto('task_assignments')
      .values({ key: req.key, ...row })
      .onConflict((oc) => oc.column('key').doUpdateSet(row))
      .execute();
    await record(trx, {
      key: req.key,
      action,
      by: req.viewer,
      name: req.name,
      at,
      from: state.assignee?.userId ?? null,
      to: d.assignee?.userId ?? null,
      note: req.note,
    });
  });
}

async function answer(db: Kysely<TasksDb>, key: string, opts: ActionOptions): Promise<Task> {
  const task = await getTask(db, key, opts);
  if (!task) throw new RequestError('not_found', `没有该任务：${key}`);
  return task;
}

/** claim, unclaim, reassign (转办), delegate (委派), return (归还): the task after the action. */
export async function assignTask(
  db: Kysely<TasksDb>,
  action: AssignAction,
  req: ClaimQuery & { to?: TaskTarget },
  opts: ActionOptions = {},
): Promise<Task> {
  await assign(db, action, req, opts.at ?? new Date());
  return answer(db, req.key, opts);
}

/** 抄送: copies the task to users (already copied ones are kept); recorded once with the users added. */
export async function ccTask(db: Kysely<TasksDb>, req: CcQuery, opts: ActionOptions = {}): Promise<Task> {
  const at = opts.at ?? new Date();
  await db.transaction().execute(async (trx) => {
    const state = await lockState(trx, req.key);
    if (!access(req.viewer, state.group).inScope)
      throw new RequestError('forbidden', '该任务不在您的管辖范围内');
    const users = [...new Map(req.to.map((u) => [u.userId, u])).values()];
    const added = await trx
      .insertInto('task_cc')
      .values(
        users.map((u) => ({
          key: req.key,
          user_id: u.userId,
          user_name: u.name,
          added_by: req.viewer.userId,
          added_at: at,
        })),
      )
      .onConflict((oc) => oc.columns(['key', 'user_id']).doNothing())
      .returning('user_id')
      .execute();
    if (added.length === 0) return;
    await record(trx, {
      key: req.key,
      action: 'cc',
      by: req.viewer,
      name: req.name,
      at,
      from: null,
      to: added.map((r) => r.user_id).join(','),
      note: req.note,
    });
  });
  return answer(db, req.key, opts);
}

/** A task's history, oldest first: for its group's scope, its holder and the users it was copied to. */
export async function taskHistory(db: Kysely<TasksDb>, req: HistoryQuery): Promise<TaskHistoryResult> {
  const task = await db
    .selectFrom('tasks')
    .leftJoin('task_assignments as a', 'a.key', 'tasks.key')
    .select(['tasks.group_role', 'tasks.group_jurisdiction', 'a.assignee_id', 'a.delegated_by_id'])
    .where('tasks.key', '=', req.key)
    .executeTakeFirst();
  if (!task) throw new RequestError('not_found', `没有该任务：${req.key}`);
  const me = req.viewer.userId;
  const allowed =
    access(req.viewer, { role: task.group_role, jurisdiction: task.group_jurisdiction }).inScope ||
    task.assignee_id === me ||
    task.delegated_by_id === me ||
    (await db
      .selectFrom('task_cc')
      .select('key')
      .where('key', '=', req.key)
      .where('user_id', '=', me)
      .executeTakeFirst()) !== undefined;
  if (!allowed) throw new RequestError('forbidden', '该任务不在您的管辖范围内');
  const rows = await db
    .selectFrom('task_history')
    .selectAll()
    .where('key', '=', req.key)
    .orderBy('id')
    .execute();
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      key: r.key,
      action: r.action,
      by: { userId: r.by_id, name: r.by_name },
      at: r.at.toISOString(),
      from: r.from_user,
      to: r.to_user,
      note: r.note,
    })),
  };
}

/** Claims many tasks, each on its own (one failing never undoes another): a result per key, in order. */
export async function bulkClaim(
  db: Kysely<TasksDb>,
  req: BulkClaimQuery,
  opts: ActionOptions = {},
): Promise<BulkClaimResult> {
  const at = opts.at ?? new Date();
  const items: BulkItemResult[] = [];
  for (const key of new Set(req.keys)) {
    try {
      await assign(db, 'claim', { viewer: req.viewer, name: req.name, key, note: req.note }, at);
      items.push({ key, ok: true });
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      items.push({ key, ok: false, error: { code: err.code, message: err.message } });
    }
  }
  return { items };
}
