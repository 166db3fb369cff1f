import { z } from 'zod';
import { BranchCode, CountyCode, TownshipCode } from './directory';
import { RoundId } from './round';

/** Path and query schemas of the HTTP API (bodies are in commands.ts and round.ts). */
export const BranchPath = z.object({ roundId: RoundId, code: BranchCode });
export const FindingPath = BranchPath.extend({
  findingId: z.string().regex(/^F\d{1,4}$/, '整改事项编号无效'),
});
export const RoundPath = z.object({ roundId: RoundId });

/** A command's id as a 202 names it: a generated one, or the caller's Idempotency-Key prefixed by its user. */
const CommandId = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, '办理请求编号无效');
export const CommandPath = BranchPath.extend({ commandId: CommandId });
export const FindingCommandPath = FindingPath.extend({ commandId: CommandId });

/**
 * 202: the workflow took the command (it is recorded and will not be lost) but had not answered within the
 * request's bound; GET `location` gives its answer (200) once there, 202 until then.
 */
export const CommandAccepted = z.object({
  status: z.literal('accepted'),
  commandId: z.string(),
  location: z.string(),
});
export type CommandAccepted = z.infer<typeof CommandAccepted>;

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
