import {
  STEPS,
  within,
  type AreaProgress,
  type AreaProgressResult,
  type ListTasksResult,
  type ProgressStatusCounts,
  type RoundProgressResult,
  type Step,
  type StepCounts,
  type Task,
} from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf } from '@fivestar/platform';
import { sql, type Kysely, type Selectable } from 'kysely';
import { decodeCursor, encodeCursor } from './cursor';
import { computeLight, DEFAULT_YELLOW_SECONDS, type DueSoon } from './light';
import type { BranchProgressStatus, TasksDb, TasksTable } from './schema';

export type ListTasksQuery = ParsedRequestOf<'tasks', 'list'>;
export type RoundProgressQuery = ParsedRequestOf<'tasks', 'progress'>;
export type AreaProgressQuery = ParsedRequestOf<'tasks', 'areaProgress'>;

export interface ListOptions {
  /** Read time for lights and the first page's ordering (tests pin it). */
  now?: Date;
  /** When yellow starts: a rule (withinWorkingDays) or seconds; `yellow` wins when both are given. */
  yellow?: DueSoon;
  /** Default when neither is given: DEFAULT_YELLOW_SECONDS. */
  yellowSeconds?: number;
}

/** A task row with who holds it (task_assignments, left-joined). */
export type TaskRow = Selectable<TasksTable> & {
  assignee_id: string | null;
  assignee_name: string | null;
  delegated_by_id: string | null;
  delegated_by_name: string | null;
};

/** The tasks row with its assignment columns, for reads of one or many tasks. */
export function selectTaskRows(db: Kysely<TasksDb>) {
  return db
    .selectFrom('tasks')
    .leftJoin('task_assignments as a', 'a.key', 'tasks.key')
    .selectAll('tasks')
    .select(['a.assignee_id', 'a.assignee_name', 'a.delegated_by_id', 'a.delegated_by_name']);
}

/** One task as the ledger shows it, or null when the key is unknown. */
export async function getTask(
  db: Kysely<TasksDb>,
  key: string,
  opts: ListOptions = {},
): Promise<Task | null> {
  const row = await selectTaskRows(db).where('tasks.key', '=', key).executeTakeFirst();
  return row ? toTask(row, opts.now ?? new Date(), yellowOf(opts)) : null;
}

const yellowOf = (opts: ListOptions) => opts.yellow ?? opts.yellowSeconds ?? DEFAULT_YELLOW_SECONDS;

/**
 * The viewer's tasks: same role, group jurisdiction inside the viewer's (a county user sees its
 * townships' groups, a township user only its own). Order: overdue first, then deadline, then key.
 * Keyset pagination (no OFFSET), so inserts and closes between pages neither repeat nor skip the rows
 * that did not change.
 *
 * Views (TaskView): `todo` open and unclaimed or mine; `done`; `overdue` (as of the cursor's `asOf`, the
 * same instant that orders the walk); `cc` copied to me, whatever the group. Filters: round, branch,
 * step, township (branch code prefix), star (the one the work concerns: step tasks have none) and
 * light. The light depends on the read time and working days, so it filters in code over keyset chunks:
 * the cursor is the last row returned, and rows skipped after it are looked at again by the next page,
 * so the walk stays exact.
 */
export async function listTasks(
  db: Kysely<TasksDb>,
  req: ListTasksQuery,
  opts: ListOptions = {},
): Promise<ListTasksResult> {
  // A page reads the overdue group and the rest with separate queries: one snapshot for all of them,
  // or a task changing in between (signed, say) would stand in the page twice, once in each state.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => listTasksIn(trx, req, opts));
}

async function listTasksIn(
  db: Kysely<TasksDb>,
  req: ListTasksQuery,
  opts: ListOptions,
): Promise<ListTasksResult> {
  const now = opts.now ?? new Date();
  const cursor = req.cursor === undefined ? null : decodeCursor(req.cursor);
  if (req.cursor !== undefined && !cursor)
    throw new RequestError('invalid', '分页游标无效，请从第一页重新查询');
  const asOf = cursor ? new Date(cursor.asOf) : now;
  const yellow = yellowOf(opts);
  const me = req.viewer.userId;

  // 0 = overdue as of `asOf` (same rule as isOverdue()); selected too, so the cursor takes it from SQL.
  const overdue = sql<boolean>`tasks.status = 'open' and (tasks.deadline < ${asOf} or tasks.overdue_at is not null)`;
  const rank = sql<number>`(case when ${overdue} then 0 else 1 end)`;

  const base = () => {
    let q = selectTaskRows(db).select(rank.as('rank'));
    if (req.view === 'cc')
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('task_cc as c')
            .select('c.key')
            .whereRef('c.key', '=', 'tasks.key')
            .where('c.user_id', '=', me),
        ),
      );
    else
      q = q
        .where('tasks.group_role', '=', req.viewer.role)
        // Codes are digits only (validated), so no LIKE metacharacters can sneak in.
        .where('tasks.group_jurisdiction', 'like', `${req.viewer.jurisdiction}%`);
    switch (req.view) {
      case 'todo':
        q = q
          .where('tasks.status', '=', 'open')
          .where((eb) => eb.or([eb('a.assignee_id', 'is', null), eb('a.assignee_id', '=', me)]));
        break;
      case 'done':
        q = q.where('tasks.status', '=', 'done');
        break;
      case 'overdue':
        q = q.where('tasks.status', '=', 'open').where(sql<boolean>`${rank} = 0`);
        break;
      case 'cc':
        break;
      default:
        if (req.status !== 'all') q = q.where('tasks.status', '=', req.status);
    }
    if (req.roundId !== undefined) q = q.where('tasks.round_id', '=', req.roundId);
    if (req.branchId !== undefined) q = q.where('tasks.branch_id', '=', req.branchId);
    if (req.step !== undefined) q = q.where('tasks.step', '=', req.step);
    if (req.townshipCode !== undefined) q = q.where('tasks.branch_id', 'like', `${req.townshipCode}%`);
    if (req.star !== undefined) q = q.where('tasks.star', '=', req.star);
    return q;
  };

  // The overdue group (rank 0), then the rest (rank 1), each read by a keyset on (deadline, key) that
  // tasks_listing_idx walks in order: a page reads about its own size, not the viewer's whole scope (one
  // ORDER BY rank would sort the scope for every page: bench/task-list.ts).
  const onlyDone = req.view === 'done' || (req.view === undefined && req.status === 'done');
  const groups: Array<0 | 1> = req.view === 'overdue' ? [0] : onlyDone ? [1] : [0, 1];
  type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];
  const rowsAfter = async (after: { rank: number; deadline: Date; key: string } | null, n: number) => {
    const rows: Row[] = [];
    for (const g of groups) {
      if (after && after.rank > g) continue;
      let q = base().where(g === 0 ? overdue : sql<boolean>`not (${overdue})`);
      if (after && after.rank === g)
        q = q.where(
          sql<boolean>`(tasks.deadline, tasks.key) > (${after.deadline}::timestamptz, ${after.key}::text)`,
        );
      rows.push(
        ...(await q
          .orderBy('tasks.deadline')
          .orderBy('tasks.key')
          .limit(n - rows.length)
          .execute()),
      );
      if (rows.length === n) break;
    }
    return rows;
  };

  const want = req.limit + 1;
  const chunk = req.light ? Math.max(want, 200) : want;
  const matched: TaskRow[] = [];
  const ranks = new Map<string, number>();
  let after: { rank: number; deadline: Date; key: string } | null = cursor
    ? { rank: cursor.rank, deadline: new Date(cursor.deadline), key: cursor.key }
    : null;
  for (;;) {
    const rows = await rowsAfter(after, chunk);
    for (const r of rows) {
      if (req.light && computeLight(lightInput(r), now, yellow) !== req.light) continue;
      matched.push(r);
      ranks.set(r.key, Number(r.rank) === 0 ? 0 : 1);
      if (matched.length === want) break;
    }
    const last = rows[rows.length - 1];
    if (matched.length >= want || rows.length < chunk || !last) break;
    after = { rank: Number(last.rank) === 0 ? 0 : 1, deadline: last.deadline, key: last.key };
  }

  const page = matched.slice(0, req.limit);
  const last = page[page.length - 1];
  const nextCursor =
    matched.length > req.limit && last
      ? encodeCursor({
          asOf: asOf.toISOString(),
          rank: ranks.get(last.key) === 0 ? 0 : 1,
          deadline: last.deadline.toISOString(),
          key: last.key,
        })
      : null;
  return { items: page.map((r) => toTask(r, now, yellow)), nextCursor };
}

function lightInput(r: Selectable<TasksTable>) {
  return { status: r.status, deadline: r.deadline, remindedAt: r.reminded_at, overdueAt: r.overdue_at };
}

export function toTask(r: TaskRow, now: Date, yellow: number | DueSoon): Task {
  return {
    key: r.key,
    kind: r.kind,
    title: r.title,
    group: { role: r.group_role, jurisdiction: r.group_jurisdiction },
    roundId: r.round_id,
    branchId: r.branch_id,
    step: r.step,
    findingId: r.finding_id,
    star: r.star,
    subject: r.subject,
    status: r.status,
    deadline: r.deadline.toISOString(),
    provisional: r.provisional,
    openedAt: r.opened_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    // Lights use the real read time; only the ordering is pinned to the cursor's `asOf`.
    light: computeLight(lightInput(r), now, yellow),
    escalationLevel: r.escalation_level,
    urgedAt: r.urged_at?.toISOString() ?? null,
    urgeCount: r.urge_count,
    assignee: r.assignee_id ? { userId: r.assignee_id, name: r.assignee_name ?? '' } : null,
    delegatedBy: r.delegated_by_id ? { userId: r.delegated_by_id, name: r.delegated_by_name ?? '' } : null,
  };
}

// ---- round progress -------------------------------------------------------------------------------

export interface ProgressOptions {
  /** Read time for the overdue counts (tests pin it). */
  now?: Date;
}

/**
 * The code prefix a progress read covers: the deepest of the viewer's jurisdiction and the requested
 * county / township. A requested code off the viewer's path is `forbidden`; a broader one is narrowed
 * to the viewer's jurisdiction (a township reviewer asking for the county sees its township).
 */
export function progressScope(
  req: Pick<RoundProgressQuery, 'viewer' | 'countyCode' | 'townshipCode'>,
): string {
  return narrowedScope(req.viewer.jurisdiction, [req.countyCode, req.townshipCode]);
}

/** The deepest of `jurisdiction` and the codes on its path; a code off the path is `forbidden`. */
function narrowedScope(jurisdiction: string, codes: (string | undefined)[]): string {
  let scope = jurisdiction;
  for (const code of codes) {
    if (code === undefined) continue;
    if (within(scope, code)) scope = code;
    else if (!within(code, scope)) throw new RequestError('forbidden', `${code} 不在您的管辖范围内`);
  }
  return scope;
}

const zeroSteps = (): StepCounts => Object.fromEntries(STEPS.map((s) => [s, 0])) as StepCounts;
const zeroStatus = (): ProgressStatusCounts => ({ active: 0, closed: 0, withdrawn: 0 });
const zeroArea = (code: string): AreaProgress => ({
  code,
  total: 0,
  byStep: zeroSteps(),
  byStatus: zeroStatus(),
  overdue: 0,
});

/**
 * Where the rounds' branches inside `scope` stand, by step and status, for the whole and for each child
 * (the first `childLength` digits of the branch code), with the open step tasks overdue now (past the
 * deadline or flagged by the workflow: the rule of the red light). Counts come from `branch_progress`.
 */
async function progressByChild(
  db: Kysely<TasksDb>,
  roundIds: string[],
  scope: string,
  childLength: number,
  now: Date,
): Promise<{ whole: AreaProgress; children: AreaProgress[] }> {
  const whole = zeroArea(scope);
  if (!roundIds.length) return { whole, children: [] };
  // Codes are digits only (validated), so no LIKE metacharacters can sneak in.
  // A literal, not a parameter: the same expression must group what it selects.
  const child = sql<string>`substr(branch_id, 1, ${sql.lit(childLength)})`;
  const counts = await db
    .selectFrom('branch_progress')
    .select([child.as('child'), 'step', 'status', sql<number>`count(*)::int`.as('n')])
    .where('round_id', 'in', roundIds)
    .where('branch_id', 'like', `${scope}%`)
    .groupBy([child, 'step', 'status'])
    .execute();
  const overdue = await db
    .selectFrom('tasks')
    .select([child.as('child'), sql<number>`count(*)::int`.as('n')])
    .where('round_id', 'in', roundIds)
    .where('kind', '=', 'step')
    .where('status', '=', 'open')
    .where('branch_id', 'like', `${scope}%`)
    .where((eb) => eb.or([eb('deadline', '<', now), eb('overdue_at', 'is not', null)]))
    .groupBy(child)
    .execute();
  const children = new Map<string, AreaProgress>();
  const childOf = (code: string) => {
    let c = children.get(code);
    if (!c) children.set(code, (c = zeroArea(code)));
    return c;
  };
  for (const row of counts) {
    const n = Number(row.n);
    const step = row.step as Step;
    const status = row.status as BranchProgressStatus;
    for (const into of [whole, childOf(row.child)]) {
      into.total += n;
      into.byStep[step] = (into.byStep[step] ?? 0) + n;
      into.byStatus[status] += n;
    }
  }
  for (const row of overdue) {
    childOf(row.child).overdue += Number(row.n);
    whole.overdue += Number(row.n);
  }
  return { whole, children: [...children.values()].sort((a, b) => a.code.localeCompare(b.code)) };
}

/**
 * Round progress by step, status and township, inside the viewer's jurisdiction, each township with its
 * overdue step tasks. A round nobody has events for yet answers zeros.
 */
export async function roundProgress(
  db: Kysely<TasksDb>,
  req: RoundProgressQuery,
  opts: ProgressOptions = {},
): Promise<RoundProgressResult> {
  const scope = progressScope(req);
  const { whole, children } = await progressByChild(db, [req.roundId], scope, 9, opts.now ?? new Date());
  const { total, byStep, byStatus } = whole;
  return {
    roundId: req.roundId,
    total,
    byStep,
    byStatus,
    townships: children.map(({ code, ...c }) => ({ townshipCode: code, ...c })),
  };
}

/**
 * A campaign's progress over an area (docs/hierarchy.md): its rounds' branches inside the deeper of the
 * area and the viewer's jurisdiction, by the next level down (a province's cities, a city's counties, a
 * county's townships).
 */
export async function areaProgress(
  db: Kysely<TasksDb>,
  req: AreaProgressQuery,
  opts: ProgressOptions = {},
): Promise<AreaProgressResult> {
  const scope = narrowedScope(req.viewer.jurisdiction, [req.code]);
  const childLength = scope.length === 2 ? 4 : scope.length === 4 ? 6 : scope.length === 6 ? 9 : 12;
  const { whole, children } = await progressByChild(
    db,
    req.roundIds,
    scope,
    childLength,
    opts.now ?? new Date(),
  );
  return { ...whole, children };
}
