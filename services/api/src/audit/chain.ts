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

/** sha256(prevHash ‖ canonical JSON of every other field): changing any field, or the link, changes it. */
export function entryHash(entry: UnhashedEntry): string {
  const { prevHash, ...rest } = entry;
  return sha256(prevHash + canonical(rest));
}
