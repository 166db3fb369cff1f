import type { Kysely, Selectable } from 'kysely';
import type {
  Actor,
  ApiTokenInfo,
  ApiTokenScope,
  CreateApiTokenRequest,
  CreatedApiToken,
} from '@fivestar/contracts';
import type { ApiDatabase } from '../schema';
import { newApiToken, parseApiToken, sameDigest, sha256 } from './secrets';
import { actorOfRow } from './sessions';

type Db = Kysely<ApiDatabase>;
const DAY_MS = 24 * 60 * 60 * 1000;

function info(row: Selectable<ApiDatabase['api_tokens']>): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Issues a token acting as `userId`; the answer is the only place its secret ever appears. */
export async function createApiToken(
  db: Db,
  userId: string,
  body: CreateApiTokenRequest,
): Promise<CreatedApiToken> {
  const { id, secret, token } = newApiToken();
  const now = new Date();
  const row = await db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: userId,
      name: body.name,
      scopes: JSON.stringify(body.scopes),
      secret_hash: sha256(secret),
      created_at: now,
      expires_at: body.expiresInDays ? new Date(now.getTime() + body.expiresInDays * DAY_MS) : null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...info(row), token };
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map(info);
}

/** Revokes one of the user's tokens; false when they have no such token (revoking twice is fine). */
export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(new Date())) }))
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** The actor and scopes of a live token of an active user; undefined for anything else. */
export async function apiTokenActor(
  db: Db,
  token: string,
): Promise<{ actor: Actor; tokenId: string; scopes: ApiTokenScope[] } | undefined> {
  const parsed = parseApiToken(token);
  if (!parsed) return undefined;
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.secret_hash', 't.scopes', 't.expires_at', 't.revoked_at', 'u.active'])
    .select(['u.id', 'u.name', 'u.role', 'u.jurisdiction'])
    .where('t.id', '=', parsed.id)
    .executeTakeFirst();
  if (!row || !sameDigest(row.secret_hash, sha256(parsed.secret))) return undefined;
  if (row.revoked_at || !row.active || (row.expires_at && row.expires_at <= new Date())) return undefined;
  return { actor: actorOfRow(row), tokenId: parsed.id, scopes: row.scopes };
}
