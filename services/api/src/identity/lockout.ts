import { ipKeyGenerator } from 'express-rate-limit';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { Refusal } from '../refusal';
import type { ApiDatabase } from '../schema';
import type { IdentitySettings } from './settings';

type Db = Kysely<ApiDatabase>;

/**
 * The `address` of the row counting a name's failures from every address together (docs/security.md,
 * Lockout). No client address looks like it.
 */
export const ALL_ADDRESSES = '*';

/** The first delay once the failures reach their limit; each further failure doubles it. */
const FIRST_DELAY_SECONDS = 1;

/** A name slowed down for the caller (429), with the seconds until it may try again. */
export class LockedOut extends Refusal {
  constructor(retryAfter: number) {
    const wait = retryAfter < 60 ? `${retryAfter}秒` : `${Math.ceil(retryAfter / 60)}分钟`;
    super('locked', `登录失败次数过多，请${wait}后再试`, undefined, retryAfter);
  }
}

/** Whole seconds left of a delay (at least 1 while it holds), 0 when there is none. */
export function retryAfterSeconds(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil || lockedUntil <= now) return 0;
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}

/**
 * The delay after `failures` failures against a limit of `limit`: none below it, then 1 s, 2 s, 4 s, …
 * (doubling with each further failure), never more than `capSeconds`.
 */
export function delaySeconds(failures: number, limit: number, capSeconds: number): number {
  if (failures < limit) return 0;
  return Math.min(capSeconds, FIRST_DELAY_SECONDS * 2 ** Math.min(failures - limit, 30));
}

/**
 * The key a client address counts under: IPv4 as is (an IPv4-mapped IPv6 address as its IPv4), IPv6 by
 * its /64, which one client typically holds whole (so stepping through it does not give fresh counts).
 */
export function addressKey(address: string | undefined): string {
  return address ? ipKeyGenerator(address, 64) : 'unknown';
}

/**
 * Throws LockedOut while `username` is slowed down for `address` (its failures from there) or for
 * everyone (its failures from all addresses in the window); checked before any password is looked at.
 */
export async function assertNotLocked(db: Db, username: string, address: string, now: Date): Promise<void> {
  const rows = await db
    .selectFrom('login_failures')
    .select('locked_until')
    .where('username', '=', username)
    .where('address', 'in', [address, ALL_ADDRESSES])
    .execute();
  const wait = Math.max(0, ...rows.map((r) => retryAfterSeconds(r.locked_until, now)));
  if (wait > 0) throw new LockedOut(wait);
}

/**
 * Adds one failure to a row (atomically) and sets its delay: `limit` failures start the delays, each
 * further one doubles it up to `capSeconds`. A row whose window began at or before `windowStart`
 * starts over from this failure (null: the row has no window, its count lasts until a success).
 */
async function countFailure(
  db: Db,
  row: { username: string; address: string },
  limit: number,
  capSeconds: number,
  windowStart: Date | null,
  now: Date,
): Promise<void> {
  const lockUntil = (failures: RawBuilder<number>) =>
    sql<Date | null>`case when ${failures} >= ${limit} then ${now}::timestamptz + make_interval(secs =>
      least(${capSeconds}, ${FIRST_DELAY_SECONDS} * power(2, least(${failures} - ${limit}, 30))))
      else null end`;
  const stale = windowStart
    ? sql`login_failures.window_started_at <= ${windowStart}::timestamptz`
    : sql`false`;
  const next = sql<number>`case when ${stale} then 1 else login_failures.failures + 1 end`;
  await db
    .insertInto('login_failures')
    .values({
      username: row.username,
      address: row.address,
      failures: 1,
      window_started_at: now,
      last_failure_at: now,
      locked_until: lockUntil(sql<number>`1`),
    })
    .onConflict((oc) =>
      oc.columns(['username', 'address']).doUpdateSet({
        failures: next,
        window_started_at: sql<Date>`case when ${stale} then ${now}::timestamptz
          else login_failures.window_started_at end`,
        last_failure_at: now,
        locked_until: lockUntil(next),
      }),
    )
    .execute();
}

/**
 * Counts one more failure of `username` from `address`, and one for the name from everywhere. The
 * count from an address lasts until a success from there; the count from everywhere lasts its window.
 */
export async function recordFailure(
  db: Db,
  username: string,
  address: string,
  settings: IdentitySettings,
  now: Date,
): Promise<void> {
  const { maxFailures, nameMaxFailures, nameWindowSeconds, lockSeconds } = settings;
  await countFailure(db, { username, address }, maxFailures, lockSeconds, null, now);
  const windowStart = new Date(now.getTime() - nameWindowSeconds * 1000);
  await countFailure(
    db,
    { username, address: ALL_ADDRESSES },
    nameMaxFailures,
    lockSeconds,
    windowStart,
    now,
  );
}

/**
 * A success clears the count of its own address only: the count from everywhere runs out with its
 * window, so the owner signing in does not hand a distributed guesser a fresh allowance.
 */
export async function clearFailures(db: Db, username: string, address: string): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('username', '=', username)
    .where('address', '=', address)
    .execute();
}
