import type { LedgerSnapshot, WeeklySnapshotsResult } from '@fivestar/contracts';
import type { ParsedRequestOf } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { snapshotScope, type ReportOptions } from './report';
import type { TasksDb } from './schema';

export type WeeklySnapshotsQuery = ParsedRequestOf<'tasks', 'weeklySnapshots'>;

/** The scopes a round is snapshotted at: its county, then each township it has branches in. */
async function roundScopes(db: Kysely<TasksDb>, roundId: string, countyCode: string): Promise<string[]> {
  const townships = await db
    .selectFrom('branch_progress')
    .select('township_code')
    .distinct()
    .where('round_id', '=', roundId)
    .where('county_code', '=', countyCode)
    .orderBy('township_code')
    .execute();
  return [countyCode, ...townships.map((t) => t.township_code)];
}

/**
 * The scheduler's weekly run (every Monday, for the week just ended): `week`'s ledger snapshot of every
 * round not closed, at county scope and at each township's. Idempotent: a snapshot once taken is kept, so
 * a repeat (retry, catch-up) answers the same snapshots and takes none.
 */
export async function weeklySnapshots(
  db: Kysely<TasksDb>,
  req: WeeklySnapshotsQuery,
  opts: ReportOptions = {},
): Promise<WeeklySnapshotsResult> {
  const now = opts.now ?? new Date();
  const rounds = await db
    .selectFrom('rounds')
    .select(['round_id', 'county_code'])
    .where('closed_at', 'is', null)
    .orderBy('round_id')
    .execute();
  const snapshots: LedgerSnapshot[] = [];
  let taken = 0;
  for (const round of rounds)
    for (const scope of await roundScopes(db, round.round_id, round.county_code)) {
      const s = await snapshotScope(db, scope, round.round_id, req.week, { ...opts, now });
      snapshots.push(s.snapshot);
      if (s.taken) taken++;
    }
  return { week: req.week, snapshots, taken };
}
