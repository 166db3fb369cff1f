import { z } from 'zod';
import { IsoWeek, LedgerSnapshot } from './requests';

/**
 * The weekly run of the ledger snapshots (called by the scheduler every Monday for the week just ended):
 * `week`'s snapshot of every round not closed, at county scope and at each of its townships'.
 */
export const WeeklySnapshotsRequest = z.object({ week: IsoWeek });
export type WeeklySnapshotsRequest = z.input<typeof WeeklySnapshotsRequest>;
export const WeeklySnapshotsResult = z.object({
  week: IsoWeek,
  /** Every scope's snapshot of the week, by round then scope (a repeat answers the same ones). */
  snapshots: z.array(LedgerSnapshot),
  /** How many of them this call took (0 on a repeat: a snapshot once taken is kept). */
  taken: z.number().int().nonnegative(),
});
export type WeeklySnapshotsResult = z.infer<typeof WeeklySnapshotsResult>;
