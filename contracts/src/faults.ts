import { z } from 'zod';
import { BranchCode, JurisdictionCode } from './directory';
import { RoundId } from './round';

/**
 * 系统处理异常: a branch whose workflow keeps failing an activity (from the worker's alert attempt on), until
 * it succeeds again. `calendar` names the calendar year it waits on, when that is the cause.
 */
export const BranchFault = z.object({
  workflowId: z.string(),
  roundId: z.string(),
  branchId: z.string(),
  activityType: z.string(),
  message: z.string(),
  since: z.string(),
  calendar: z.object({ calendarId: z.string(), year: z.number().int() }).nullable(),
});
export type BranchFault = z.infer<typeof BranchFault>;

/** `tasks.faults`: the open faults inside a jurisdiction (and round, and branch). */
export const FaultsRequest = z.object({
  jurisdiction: JurisdictionCode,
  roundId: z.string().optional(),
  branchId: z.string().optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type FaultsRequest = z.input<typeof FaultsRequest>;

/** GET /api/faults: the caller's jurisdiction, narrowed to a round or a branch. */
export const FaultsQuery = z.object({
  roundId: RoundId.optional(),
  branchId: BranchCode.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const FaultsResult = z.object({
  /** Branches with at least one open fault. */
  branches: z.number().int().nonnegative(),
  /** Grouped by what they wait on: a calendar year (`calendar:<id>:<year>`) or the failing activity. */
  byCause: z.array(
    z.object({ cause: z.string(), label: z.string(), branches: z.number().int().nonnegative() }),
  ),
  /** The oldest first, at most `limit`. */
  items: z.array(BranchFault),
});
export type FaultsResult = z.infer<typeof FaultsResult>;

/** What a fault's cause is called where people read it. */
export function faultCause(f: Pick<BranchFault, 'calendar' | 'activityType'>): {
  cause: string;
  label: string;
} {
  return f.calendar
    ? {
        cause: `calendar:${f.calendar.calendarId}:${f.calendar.year}`,
        label: `等待加载${f.calendar.year}年工作日历`,
      }
    : { cause: `activity:${f.activityType}`, label: `后台处理（${f.activityType}）反复失败` };
}
