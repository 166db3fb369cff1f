import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, SessionTokens } from '@fivestar/contracts';
import { refuse } from '../refusal';
import type { ApiDatabase } from '../schema';
import { addressKey, assertNotLocked, clearFailures, recordFailure } from './lockout';
import { newRefreshToken, sha256 } from './secrets';
import type { TokenIssuer } from './access-token';
import type { IdentitySettings } from './settings';

type Db = Kysely<ApiDatabase>;
export interface IdentityDeps {
  db: Db;
  tokens: TokenIssuer;
  identity: IdentitySettings;
}

export const hashPassword = (password: string) => hash(password);

type UserRow = Selectable<ApiDatabase['users']>;
export const actorOfRow = (u: Pick<UserRow, 'id' | 'name' | 'role' | 'jurisdiction'>): Actor => ({
  userId: u.id,
  name: u.name,
  role: u.role,
  jurisdiction: u.jurisdiction,
});

// Unknown names are checked against this, so they cost as much time as known ones.
let decoy: Promise<string> | undefined;

/**
 * Checks `password` for `username`, typed from the client `address`, under the lockout: a name slowed
 * down for this address (or for all) is refused (429) before the password is looked at; a failure
 * counts, a success resets this address's count. The same answer for an unknown, disabled or wrong
 * user, so nothing tells which names exist. Returns the user row.
 */
export async function checkPassword(
  deps: IdentityDeps,
  username: string,
  password: string,
  clientAddress: string | undefined,
): Promise<UserRow> {
  const now = new Date();
  const address = addressKey(clientAddress);
  await assertNotLocked(deps.db, username, address, now);
  const row = await deps.db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  const ok = await verify(row?.password_hash ?? (await (decoy ??= hash(randomUUID()))), password);
  if (!row || !row.active || !ok) {
    await recordFailure(deps.db, username, address, deps.identity, now);
    throw refuse('unauthenticated', '用户名或密码错误');
  }
  await clearFailures(deps.db, username, address);
  return row;
}

/** Adds a refresh token to the session's family and signs an access token for it. */
async function issue(
  deps: IdentityDeps,
  db: Db,
  sessionId: string,
  user: Actor,
  now: Date,
): Promise<SessionTokens> {
  const refreshToken = newRefreshToken();
  await db
    .insertInto('refresh_tokens')
    .values({
      token_hash: sha256(refreshToken),
      session_id: sessionId,
      issued_at: now,
      expires_at: new Date(now.getTime() + deps.identity.refreshTtlSeconds * 1000),
      used_at: null,
    })
    .execute();
  const { accessTtlSeconds } = deps.identity;
  const token = await deps.tokens.issue({ userId: user.userId, sessionId }, accessTtlSeconds);
  return { token, refreshToken, expiresIn: accessTtlSeconds, user };
}

/** Signs a user in from the client `address`: a new session (refresh-token family) with its first tokens. */
export async function login(
  deps: IdentityDeps,
  username: string,
  password: string,
  address: string | undefined,
): Promise<SessionTokens> {
  const user = actorOfRow(await checkPassword(deps, username, password, address));
  const now = new Date();
  return deps.db.transaction().execute(async (trx) => {
    const sessionId = randomUUID();
    await trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        user_id: user.userId,
        created_at: now,
        revoked_at: null,
        revoked_reason: null,
      })
      .execute();
    return issue(deps, trx, sessionId, user, now);
  });
}

const refreshRefused = () => refuse('unauthenticated', '刷新令牌无效或已过期，请重新登录');

/**
 * Rotates a refresh token: the presented one is spent and the next of its family issued. A token
 * presented again after it was spent means it was copied: the whole family is revoked.
 */
export async function refresh(deps: IdentityDeps, refreshToken: string): Promise<SessionTokens> {
  const now = new Date();
  const row = await deps.db
    .selectFrom('refresh_tokens as r')
    .innerJoin('sessions as s', 's.id', 'r.session_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['r.token_hash', 'r.session_id', 'r.expires_at', 's.revoked_at', 'u.active'])
    .select(['u.id', 'u.name', 'u.role', 'u.jurisdiction'])
    .where('r.token_hash', '=', sha256(refreshToken))
    .executeTakeFirst();
  if (!row || row.revoked_at || !row.active || row.expires_at <= now) throw refreshRefused();
  const rotated = await deps.db.transaction().execute(async (trx) => {
    // Spending is conditional, so of two concurrent presentations only one wins.
    const spent = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', row.token_hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (spent.numUpdatedRows === 0n) return undefined;
    return issue(deps, trx, row.session_id, actorOfRow(row), now);
  });
  if (rotated) return rotated;
  await revokeSessions(deps.db, { sessionId: row.session_id }, 'refresh_token_reused', now);
  throw refreshRefused();
}

/** Revokes one session or all of a user's; returns how many were still live. */
export async function revokeSessions(
  db: Db,
  which: { sessionId: string } | { userId: string },
  reason: string,
  now = new Date(),
): Promise<number> {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('revoked_at', 'is', null);
  q = 'sessionId' in which ? q.where('id', '=', which.sessionId) : q.where('user_id', '=', which.userId);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

/** The actor of a live session of an active user (one primary-key join per request). */
export async function sessionActor(db: Db, userId: string, sessionId: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.name', 'u.role', 'u.jurisdiction'])
    .where('s.id', '=', sessionId)
    .where('s.user_id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .executeTakeFirst();
  return row && actorOfRow(row);
}
