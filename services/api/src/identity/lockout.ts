import { sql, type Kysely } from 'kysely';
import { Problem } from '../problem';
import type { ApiDatabase } from '../schema';
import type { IdentitySettings } from './settings';

type Db = Kysely<ApiDatabase>;

/** 429 while a name is locked, with its Retry-After. */
export class LockedOut extends Problem {
  constructor(retryAfter: number) {
    super(
      429,
      '尝试次数过多',
      `登录失败次数过多，请${Math.ceil(retryAfter / 60)}分钟后再试`,
      undefined,
      retryAfter,
    );
  }
}

/** Whole seconds left of a lock (at least 1 while it holds), 0 when there is none. */
export function retryAfterSeconds(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil || lockedUntil <= now) return 0;
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}

/** Throws LockedOut while `username` is locked; checked before any password is looked at. */
export async function assertNotLocked(db: Db, username: string, now: Date): Promise<void> {
  const row = await db
    .selectFrom('login_failures')
    .select('locked_until')
    .where('username', '=', username)
    .executeTakeFirst();
  const wait = retryAfterSeconds(row?.locked_until ?? null, now);
  if (wait > 0) throw new LockedOut(wait);
}

/**
 * Counts one more failure (atomically); reaching the limit locks the name. The count is kept through
 * the lock, so after it each further failure locks again at once until a success resets it.
 */
export async function recordFailure(
  db: Db,
  username: string,
  settings: IdentitySettings,
  now: Date,
): Promise<void> {
  const lockUntil = new Date(now.getTime() + settings.lockSeconds * 1000);
  await db
    .insertInto('login_failures')
    .values({
      username,
      failures: 1,
      locked_until: settings.maxFailures <= 1 ? lockUntil : null,
      last_failure_at: now,
    })
    .onConflict((oc) =>
      oc.column('username').doUpdateSet({
        failures: sql`login_failures.failures + 1`,
        locked_until: sql`case when login_failures.failures + 1 >= ${settings.maxFailures}
          then ${lockUntil}::timestamptz else null end`,
        last_failure_at: now,
      }),
    )
    .execute();
}

export async function clearFailures(db: Db, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', username).execute();
}
