import type { ListTasksResult, Task } from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf } from '@fivestar/platform';
import { sql, type Kysely, type Selectable } from 'kysely';
import { decodeCursor, encodeCursor } from './cursor';
import { computeLight, DEFAULT_YELLOW_SECONDS } from './light';
import type { TasksDb, TasksTable } from './schema';

export type ListTasksQuery = ParsedRequestOf<'tasks', 'list'>;

export interface ListOptions {
  /** Read time for lights and the first page's ordering (tests pin it). */
  now?: Date;
  yellowSeconds?: number;
}

/**
 * The viewer's tasks: same role, group jurisdiction inside the viewer's (a county user sees its
 * townships' groups, a township user only its own). Order: overdue first, then deadline, then key.
 * Keyset pagination (no OFFSET), so inserts and closes between pages neither repeat nor skip the rows
 * that did not change.
 */
export async function listTasks(
  db: Kysely<TasksDb>,
  req: ListTasksQuery,
  opts: ListOptions = {},
): Promise<ListTasksResult> {
  const now = opts.now ?? new Date();
  const cursor = req.cursor === undefined ? null : decodeCursor(req.cursor);
  if (req.cursor !== undefined && !cursor)
    throw new RequestError('invalid', '分页游标无效，请从第一页重新查询');
  const asOf = cursor ? new Date(cursor.asOf) : now;

  // 0 = overdue as of `asOf` (same rule as isOverdue()); selected too, so the cursor takes it from SQL.
  const rank = sql<number>`(case when status = 'open' and (deadline < ${asOf} or overdue_at is not null) then 0 else 1 end)`;

  let q = db
    .selectFrom('tasks')
    .selectAll()
    .select(rank.as('rank'))
    .where('group_role', '=', req.viewer.role)
    // Codes are digits only (validated), so no LIKE metacharacters can sneak in.
    .where('group_jurisdiction', 'like', `${req.viewer.jurisdiction}%`);
  if (req.status !== 'all') q = q.where('status', '=', req.status);
  if (req.roundId !== undefined) q = q.where('round_id', '=', req.roundId);
  if (req.branchId !== undefined) q = q.where('branch_id', '=', req.branchId);
  if (cursor)
    q = q.where(
      sql<boolean>`(${rank}, deadline, key) > (${cursor.rank}::int, ${new Date(cursor.deadline)}::timestamptz, ${cursor.key}::text)`,
    );
  const rows = await q
    .orderBy(rank)
    .orderBy('deadline')
    .orderBy('key')
    .limit(req.limit + 1)
    .execute();

  const page = rows.slice(0, req.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > req.limit && last
      ? encodeCursor({
          asOf: asOf.toISOString(),
          rank: Number(last.rank) === 0 ? 0 : 1,
          deadline: last.deadline.toISOString(),
          key: last.key,
        })
      : null;
  const yellowSeconds = opts.yellowSeconds ?? DEFAULT_YELLOW_SECONDS;
  return { items: page.map((r) => toTask(r, now, yellowSeconds)), nextCursor };
}

function lightInput(r: Selectable<TasksTable>) {
  return { status: r.status, deadline: r.deadline, remindedAt: r.reminded_at, overdueAt: r.overdue_at };
}

function toTask(r: Selectable<TasksTable>, now: Date, yellowSeconds: number): Task {
  return {
    key: r.key,
    kind: r.kind,
    title: r.title,
    group: { role: r.group_role, jurisdiction: r.group_jurisdiction },
    roundId: r.round_id,
    branchId: r.branch_id,
    step: r.step,
    findingId: r.finding_id,
    status: r.status,
    deadline: r.deadline.toISOString(),
    openedAt: r.opened_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    // Lights use the real read time; only the ordering is pinned to the cursor's `asOf`.
    light: computeLight(lightInput(r), now, yellowSeconds),
    escalationLevel: r.escalation_level,
    urgedAt: r.urged_at?.toISOString() ?? null,
    urgeCount: r.urge_count,
  };
}
