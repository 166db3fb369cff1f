import { faultCause, type FivestarEvent } from '@fivestar/contracts';
import type { ParsedRequestOf, ResultOf } from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import type { TasksDb } from './schema';

export type FaultsRequest = ParsedRequestOf<'tasks', 'faults'>;

/**
 * Keeps `branch_faults` (系统处理异常): a failing activity is recorded once, and only its recovery clears
 * it; other events of the branch (progress included) leave it alone. A failure of an activity id already
 * recovered (a workflow reset runs its activities again under the same ids) opens it anew.
 */
export async function applyToFaults(trx: Kysely<TasksDb>, event: FivestarEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  if (event.type === 'system.activity_failing') {
    const d = event.data;
    const fault = {
      round_id: event.roundId ?? '',
      branch_id: event.branchId ?? event.jurisdiction,
      activity_type: d.activityType,
      message: d.message,
      calendar_id: d.calendar?.calendarId ?? null,
      calendar_year: d.calendar?.year ?? null,
      since: at,
      recovered_at: null,
    };
    await trx
      .insertInto('branch_faults')
      .values({ workflow_id: d.workflowId, activity_id: d.activityId, ...fault })
      .onConflict((oc) =>
        oc
          .columns(['workflow_id', 'activity_id'])
          .doUpdateSet(fault)
          .where('branch_faults.recovered_at', 'is not', null)
          .where('branch_faults.since', '<', at),
      )
      .execute();
  } else if (event.type === 'system.activity_recovered') {
    await trx
      .updateTable('branch_faults')
      .set({ recovered_at: at })
      .where('workflow_id', '=', event.data.workflowId)
      .where('activity_id', '=', event.data.activityId)
      .where('recovered_at', 'is', null)
      .execute();
  }
}

/**
 * `tasks.faults`: the open faults of the branches inside `jurisdiction` (a code prefix), optionally of one
 * round or branch: how many branches, how many per cause (a calendar year not loaded, or the failing
 * activity; labels from faultCause), and the oldest `limit` of them.
 */
export function openFaults(db: Kysely<TasksDb>, req: FaultsRequest): Promise<ResultOf<'tasks', 'faults'>> {
  // One snapshot for the counts and the items, so they agree.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => openFaultsIn(trx, req));
}

async function openFaultsIn(db: Kysely<TasksDb>, req: FaultsRequest): Promise<ResultOf<'tasks', 'faults'>> {
  const scoped = () => {
    let q = db
      .selectFrom('branch_faults')
      .where('recovered_at', 'is', null)
      // Codes are digits only (validated), so no LIKE metacharacters can sneak in.
      .where('branch_id', 'like', `${req.jurisdiction}%`);
    if (req.roundId !== undefined) q = q.where('round_id', '=', req.roundId);
    if (req.branchId !== undefined) q = q.where('branch_id', '=', req.branchId);
    return q;
  };
  const branches = sql<string>`count(distinct branch_id)`;
  // A calendar year is one cause whatever activity waits on it; otherwise the activity is the cause.
  const activity = sql<string | null>`case when calendar_id is null then activity_type end`;
  const total = await scoped().select(branches.as('n')).executeTakeFirstOrThrow();
  const groups = await scoped()
    .select(['calendar_id', 'calendar_year', activity.as('activity_type'), branches.as('n')])
    .groupBy(['calendar_id', 'calendar_year', activity])
    .execute();
  const rows = await scoped()
    .selectAll()
    .orderBy('since')
    .orderBy('workflow_id')
    .orderBy('activity_id')
    .limit(req.limit)
    .execute();
  const calendarOf = (r: { calendar_id: string | null; calendar_year: number | null }) =>
    r.calendar_id !== null && r.calendar_year !== null
      ? { calendarId: r.calendar_id, year: r.calendar_year }
      : null;
  const byCause = groups
    .map((g) => ({
      ...faultCause({ calendar: calendarOf(g), activityType: g.activity_type ?? '' }),
      branches: Number(g.n),
    }))
    .sort((a, b) => b.branches - a.branches || a.cause.localeCompare(b.cause));
  return {
    branches: Number(total.n),
    byCause,
    items: rows.map((r) => ({
      workflowId: r.workflow_id,
      roundId: r.round_id,
      branchId: r.branch_id,
      activityType: r.activity_type,
      message: r.message,
      since: r.since.toISOString(),
      calendar: calendarOf(r),
    })),
  };
}
