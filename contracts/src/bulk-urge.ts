import { z } from 'zod';
import { Urge } from './commands';
import { BranchCode } from './directory';

/** POST /api/rounds/:roundId/urge (批量催办): many branches' open steps at once, each on its own. */
export const BulkUrgeBody = Urge.extend({ branchIds: z.array(BranchCode).min(1).max(500) });
export type BulkUrgeBody = z.infer<typeof BulkUrgeBody>;

/** One branch's outcome: the status (and problem) the single urge route would have answered. */
export const BulkUrgeItem = z.object({
  branchId: z.string(),
  status: z.number().int(),
  problem: z.object({ title: z.string(), detail: z.string().optional() }).optional(),
  lastUrgedAt: z.string().nullable().optional(),
});
export type BulkUrgeItem = z.infer<typeof BulkUrgeItem>;
/** In the order of the request, a repeated branch once. */
export const BulkUrgeResult = z.object({ items: z.array(BulkUrgeItem) });
export type BulkUrgeResult = z.infer<typeof BulkUrgeResult>;
