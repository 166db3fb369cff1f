import { z } from 'zod';
import { sha256Hex } from './digest';
import { BranchCode } from './directory';
import { RoundId } from './round';

/** The audit log over HTTP (GET /api/audit, /api/audit/export, /api/audit/verify): see docs/audit.md. */

const Instant = z.iso.datetime({
  offset: true,
  error: '时间应为ISO 8601格式，例如 2026-11-27T08:00:00+08:00',
});

const AuditFilter = z.object({
  branchId: BranchCode.optional(),
  /** A user id: the commands that user made (login attempts included). */
  actor: z.string().min(1).max(100).optional(),
  roundId: RoundId.optional(),
  /** Entries at or after this instant. */
  from: Instant.optional(),
  /** Entries before this instant. */
  to: Instant.optional(),
});

/** A page of entries, newest first; `cursor` is the `nextCursor` of the previous page. */
export const AuditQuery = AuditFilter.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, '游标无效')
    .optional(),
});

/** The whole filtered log, oldest first, streamed as CSV or JSON lines. */
export const AuditExportQuery = AuditFilter.extend({ format: z.enum(['csv', 'jsonl']).default('jsonl') });

const Sha256 = sha256Hex();

/**
 * One entry of the hash-chained audit log. `hash` = sha256(prevHash ‖ canonical JSON of the rest, strings
 * made storable, `outcomeOf` left out when null): see docs/audit.md. A command that reaches its handler
 * leaves two entries: its opening (`status` null), written before the handler runs, and its outcome
 * (`outcomeOf` = the opening's seq), written before the answer leaves. A refusal before any handler (a bad
 * body, no token, a lockout) leaves one entry: a status, `outcomeOf` null.
 */
export const AuditEntry = z.object({
  /** Gap-free position in the chain, from 1. */
  seq: z.number().int().positive(),
  /** ISO 8601 (UTC, milliseconds): when the command was opened (an opening) or its outcome recorded. */
  at: z.string(),
  requestId: z.string(),
  clientIp: z.string().nullable(),
  /** User id; null when nobody was authenticated (a refused login, a missing token). */
  actor: z.string().nullable(),
  role: z.string().nullable(),
  jurisdiction: z.string().nullable(),
  /** Method and route, identifiers replaced by their names: `POST /rounds/:roundId/close`. */
  action: z.string(),
  /** The resources acted on, from the path (and the body where ids travel there). */
  target: z.string().nullable(),
  roundId: z.string().nullable(),
  branchId: z.string().nullable(),
  /** The jurisdiction the entry belongs to (who may read it); null for anonymous refusals. */
  scope: z.string().nullable(),
  /** sha256 of the body's canonical JSON with secrets removed (raw uploads: of the bytes); null: no body read. */
  payloadDigest: Sha256.nullable(),
  /** The HTTP status sent; null on an opening (the command as received, before it ran). */
  status: z.number().int().nullable(),
  /** The problem title of a refusal (status ≥ 400), null on success. */
  problem: z.string().nullable(),
  /** On an outcome entry: the seq of the opening entry it completes; null otherwise. */
  outcomeOf: z.number().int().positive().nullable(),
  prevHash: Sha256,
  hash: Sha256,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** An entry as GET /api/audit lists it: openings say whether their outcome was recorded. */
export const AuditListedEntry = AuditEntry.extend({
  /**
   * Only on an opening (status null), read from the log, not part of the hash: true (未完成) while no
   * outcome entry names it: the command is running, or the API stopped before it recorded the outcome.
   */
  pending: z.boolean().optional(),
});
export type AuditListedEntry = z.infer<typeof AuditListedEntry>;

/** A page of GET /api/audit. */
export const AuditPage = z.object({ items: z.array(AuditListedEntry), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

const AuditProblemKind = z.enum(['missing', 'altered', 'unlinked', 'tail-missing', 'head-mismatch']);

/** One thing verify found wrong. */
export const AuditProblem = z.object({
  /** The entry (for `missing`, the first absent seq of the gap). */
  seq: z.number().int(),
  kind: AuditProblemKind,
  problem: z.string(),
});
export type AuditProblem = z.infer<typeof AuditProblem>;

/**
 * Openings with no outcome entry (未完成: running, or the API stopped in between), oldest first. Present
 * only when there are some; not a fault of the chain.
 */
const Pending = z.array(z.number().int()).optional();

/** What `verify` found: the whole chain intact, or every bad entry (the first one also in the top fields). */
export const AuditVerifyResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), count: z.number().int(), headHash: Sha256, pending: Pending }),
  z.object({
    ok: z.literal(false),
    /** Entries checked and found good before the first bad one. */
    count: z.number().int(),
    /** The first entry that is missing, altered or not linked to its predecessor. */
    seq: z.number().int(),
    kind: AuditProblemKind,
    problem: z.string(),
    /** Every problem, in chain order (the first 1000; `problemCount` counts them all). */
    problems: z.array(AuditProblem).optional(),
    problemCount: z.number().int().optional(),
    /** Entries the log holds. */
    entries: z.number().int().optional(),
    pending: Pending,
  }),
]);
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;
