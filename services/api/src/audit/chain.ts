import { createHash } from 'node:crypto';
import type { AuditEntry } from '@fivestar/contracts';
import { canonical } from '../catalogs/versions';

/** The `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Keys whose values never reach the log, at any depth: passwords, access and refresh tokens, secrets. */
const SECRET_KEY = /password|token|secret/i;

/** The value with every secret-named key removed (so the digest cannot be used to guess a password). */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !SECRET_KEY.test(k))
        .map(([k, v]) => [k, withoutSecrets(v)]),
    );
  return value;
}

/**
 * sha256 of what the command carried: of the bytes for a raw upload, else of the canonical JSON of the
 * body without secrets; null when no body was read (none sent, or refused before reading it).
 */
export function payloadDigest(body: unknown): string | null {
  if (body === undefined) return null;
  if (Buffer.isBuffer(body)) return sha256(body);
  return sha256(canonical(withoutSecrets(body)));
}

/** An entry before its own hash is known. */
export type UnhashedEntry = Omit<AuditEntry, 'hash'>;

/** Lone UTF-16 surrogates: what UTF-8, and so PostgreSQL, cannot hold (node-pg sends U+FFFD instead). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string as PostgreSQL stores it, byte for byte: lone surrogates and U+0000 (which text cannot hold)
 * become U+FFFD. The identity on every other string, so entries hashed before this existed verify unchanged.
 */
export const storable = (s: string): string =>
  s.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');

/** The entry with every string made storable: what is hashed is exactly what is stored and read back. */
export function storableEntry<E extends Record<string, unknown>>(entry: E): E {
  return Object.fromEntries(
    Object.entries(entry).map(([k, v]) => [k, typeof v === 'string' ? storable(v) : v]),
  ) as E;
}

/**
 * sha256(prevHash ‖ canonical JSON of every other field): changing any field, or the link, changes it.
 * Strings are taken as stored (`storable`); `outcomeOf` counts only when set, so entries written before it
 * existed keep their hash. Only the entry's own fields count (a listing's `pending` never does).
 */
export function entryHash(entry: UnhashedEntry): string {
  const e = storableEntry(entry);
  const fields = {
    seq: e.seq,
    at: e.at,
    requestId: e.requestId,
    clientIp: e.clientIp,
    actor: e.actor,
    role: e.role,
    jurisdiction: e.jurisdiction,
    action: e.action,
    target: e.target,
    roundId: e.roundId,
    branchId: e.branchId,
    scope: e.scope,
    payloadDigest: e.payloadDigest,
    status: e.status,
    problem: e.problem,
    outcomeOf: e.outcomeOf ?? undefined,
  };
  return sha256(e.prevHash + canonical(fields));
}
