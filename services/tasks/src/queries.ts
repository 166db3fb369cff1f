import {
  STEPS,
  within,
  type ListTasksResult,
  type ProgressStatusCounts,
  type RoundProgressResult,
  type Step,
  type StepCounts,
  type Task,
  type TownshipProgress,
} from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf } from '@fivestar/platform';
import { sql, type Kysely, type Selectable } from 'kysely';
import { decodeCursor, encodeCursor } from './cursor';
import { computeLight, DEFAULT_YELLOW_SECONDS, type DueSoon } from './light';
import type { BranchProgressStatus, TasksDb, TasksTable } from './schema';

export type ListTasksQuery = ParsedRequestOf<'tasks', 'list'>;
export type RoundProgressQuery = ParsedRequestOf<'tasks', 'progress'>;

export interface ListOptions {
  /** Read time for lights and the first page's ordering (tests pin it). */
  now?: Date;
  /** When yellow starts: a rule (withinWorkingDays) or seconds; `yellow` wins when both are given. */
  yellow?: DueSoon;
  /** Default when neither is given: DEFAULT_YELLOW_SECONDS. */
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
  const yellow = opts.yellow ?? opts.yellowSeconds ?? DEFAULT_YELLOW_SECONDS;
  return { items: page.map((r) => toTask(r, now, yellow)), nextCursor };
}

function lightInput(r: Selectable<TasksTable>) {
  return { status: r.status, deadline: r.deadline, remindedAt: r.reminded_at, overdueAt: r.overdue_at };
}

function toTask(r: Selectable<TasksTable>, now: Date, yellow: number | DueSoon): Task {
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
    light: computeLight(lightInput(r), now, yellow),
    escalationLevel: r.escalation_level,
    urgedAt: r.urged_at?.toISOString() ?? null,
    urgeCount: r.urge_count,
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
  let scope = req.viewer.jurisdiction;
  for (const code of [req.countyCode, req.townshipCode]) {
    if (code === undefined) continue;
    if (within(scope, code)) scope = code;
    else if (!within(code, scope)) throw new RequestError('forbidden', `${code} 不在您的管辖范围内`);
  }
  return scope;
}

const zeroSteps = (): StepCounts => Object.fromEntries(STEPS.map((s) => [s, 0])) as StepCounts;
const zeroStatus = (): ProgressStatusCounts => ({ active: 0, closed: 0, withdrawn: 0 });

/**
 * Round progress by step, status and township, inside the viewer's jurisdiction. Counts come from
 * `branch_progress`; each township's `overdue` counts its branches' open step tasks that are overdue now
 * (past the deadline or flagged by the workflow: the rule of the red light). A round nobody has events
 * for yet answers zeros.
 */
export async function roundProgress(
  db: Kysely<TasksDb>,
  req: RoundProgressQuery,
  opts: ProgressOptions = {},
): Promise<RoundProgressResult> {
  const now = opts.now ?? new Date();
  const scope = progressScope(req);
  // Codes are digits only (validated), so no LIKE metacharacters can sneak in.
  const column = scope.length === 6 ? 'county_code' : scope.length === 9 ? 'township_code' : 'branch_id';
  const counts = await db
    .selectFrom('branch_progress')
    .select(['township_code', 'step', 'status', sql<number>`count(*)::int`.as('n')])
    .where('round_id', '=', req.roundId)
    .where(column, '=', scope)
    .groupBy(['township_code', 'step', 'status'])
    .execute();
  const township = sql<string>`substr(branch_id, 1, 9)`;
  const overdue = await db
    .selectFrom('tasks')
    .select([township.as('township_code'), sql<number>`count(*)::int`.as('n')])
    .where('round_id', '=', req.roundId)
    .where('kind', '=', 'step')
    .where('status', '=', 'open')
    .where('branch_id', 'like', `${scope}%`)
    .where((eb) => eb.or([eb('deadline', '<', now), eb('overdue_at', 'is not', null)]))
    .groupBy(township)
    .execute();

  const result: RoundProgressResult = {
    roundId: req.roundId,
    total: 0,
    byStep: zeroSteps(),
    byStatus: zeroStatus(),
    townships: [],
  };
  const townships = new Map<string, TownshipProgress>();
  const townshipOf = (code: string) => {
    let t = townships.get(code);
    if (!t) {
      t = { townshipCode: code, total: 0, byStep: zeroSteps(), byStatus: zeroStatus(), overdue: 0 };
      townships.set(code, t);
    }
    return t;
  };
  for (const row of counts) {
    const n = Number(row.n);
    const step = row.step as Step;
    const status = row.status as BranchProgressStatus;
    for (const into of [result, townshipOf(row.township_code)]) {
      into.total += n;
      into.byStep[step] = (into.byStep[step] ?? 0) + n;
      into.byStatus[status] += n;
    }
  }
  for (const row of overdue) townshipOf(row.township_code).overdue += Number(row.n);
  result.townships = [...townships.values()].sort((a, b) => a.townshipCode.localeCompare(b.townshipCode));
  return result;
}
