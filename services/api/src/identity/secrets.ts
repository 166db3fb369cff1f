import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiTokenScope } from '@fivestar/contracts';

/** Opaque secrets and their stored form: only sha256 hex digests reach the database. */
export const sha256 = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export const sameDigest = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const newRefreshToken = () => randomBytes(32).toString('base64url');

const API_TOKEN = /^fst_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** An API token is `fst_<id>_<secret>`: the id finds the row, the secret is checked against its hash. */
export function newApiToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `fst_${id}_${secret}` };
}

export const looksLikeApiToken = (token: string) => token.startsWith('fst_');

export function parseApiToken(token: string): { id: string; secret: string } | undefined {
  const m = API_TOKEN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** `read` covers GET (and HEAD); every other method is a command and needs `write`. */
export function scopeAllows(scopes: readonly ApiTokenScope[], method: string): boolean {
  const needed: ApiTokenScope = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  return scopes.includes(needed);
}
