import { z } from 'zod';
import { BranchCode, CountyCode, TownshipCode } from './directory';
import { RoundId } from './round';

/** Path and query schemas of the HTTP API (bodies are in commands.ts and round.ts). */
export const BranchPath = z.object({ roundId: RoundId, code: BranchCode });
export const FindingPath = BranchPath.extend({
  findingId: z.string().regex(/^F\d{1,4}$/, '整改事项编号无效'),
});
export const RoundPath = z.object({ roundId: RoundId });

const Limit = (max: number) => z.coerce.number().int().min(1).max(max).default(50);
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const TasksQuery = z.object({
  status: z.enum(['open', 'done', 'all']).default('open'),
  roundId: RoundId.optional(),
  branchId: BranchCode.optional(),
  limit: Limit(500),
  cursor: z.string().max(500).optional(),
});
export const InboxQuery = z.object({
  unreadOnly: Bool.default(false),
  archived: Bool.default(false),
  limit: Limit(200),
});
export const MarkReadBody = z.object({
  ids: z
    .array(z.string().regex(/^\d{1,18}$/))
    .min(1)
    .max(500),
});
export const RankingsQuery = z.object({
  countyCode: CountyCode,
  townshipCode: TownshipCode.optional(),
  roundId: RoundId.optional(),
});
