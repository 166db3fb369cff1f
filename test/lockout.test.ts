/**
 * The login lockout by (name, client address) with growing delays (docs/security.md, Lockout), on the
 * API alone over PostgreSQL. The API trusts 127.0.0.1 as its proxy here, so X-Forwarded-For stands for
 * distinct client addresses. Small limits keep it quick: 3 failures from an address start its delays
 * (1 s, 2 s, 4 s, capped at 4 s); 10 failures of a name from everywhere slow it down for everyone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '@fivestar/api';
import { GENEROUS_LIMITS, startTestApi, type TestApi } from './api-support';
import { testEnv } from './support';

const env = testEnv('lockout');
const COUNTY = '411099';
const PER_ADDRESS = 3;
const CAP = 4;
const PER_NAME = 10;

let api: TestApi;
let base: string;

beforeAll(async () => {
  api = await startTestApi(env, COUNTY, undefined, {
    identity: {
      maxFailures: PER_ADDRESS,
      lockSeconds: CAP,
      nameMaxFailures: PER_NAME,
      nameWindowSeconds: 3600,
    },
    edge: { ...GENEROUS_LIMITS, trustedProxies: ['127.0.0.1'] },
  });
  base = `http://127.0.0.1:${api.port}/api`;
});

afterAll(async () => {
  await api?.close();
});

async function login(username: string, from: string, password = DEMO_PASSWORD) {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { detail?: string };
  const retryAfter = res.headers.get('retry-after');
  return { status: res.status, body, retryAfter: retryAfter === null ? null : Number(retryAfter) };
}

async function fail(username: string, from: string, times = 1) {
  for (let i = 0; i < times; i++) expect((await login(username, from, 'wrong-password')).status).toBe(401);
}

describe('lockout by name and address', () => {
  it('slows the name down only for the address that failed: the right password from another still logs in', async () => {
    const user = `obs-${COUNTY}-1`;
    await fail(user, '198.51.100.1', PER_ADDRESS);
    const slowed = await login(user, '198.51.100.1');
    expect(slowed.status).toBe(429);
    expect(slowed.retryAfter).toBe(1);
    expect(slowed.body.detail).toMatch(/请1秒后再试/);
    // The owner, elsewhere, is not held back by someone else's failures.
    expect((await login(user, '198.51.100.2')).status).toBe(200);
    // Nor does their success lift the delay of the address that failed.
    expect((await login(user, '198.51.100.1')).status).toBe(429);
  });

  it('lets the delays grow with each further failure (1 s, 2 s, 4 s), up to the cap; a success resets', async () => {
    const user = `obs-${COUNTY}-2`;
    const from = '198.51.100.3';
    await fail(user, from, PER_ADDRESS);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const slowed = await login(user, from, 'wrong-password');
      expect(slowed.status).toBe(429);
      seen.push(slowed.retryAfter!);
      // The password is not even looked at while slowed: waiting out the delay, then failing once more.
      await sleep(slowed.retryAfter! * 1000 + 150);
      if (i < 3) await fail(user, from);
    }
    expect(seen).toEqual([1, 2, 4, CAP]);
    expect((await login(user, from)).status).toBe(200);
    // The success cleared this address's count: fewer failures than the limit do not slow it down.
    await fail(user, from, PER_ADDRESS - 1);
    expect((await login(user, from)).status).toBe(200);
  });

  it('slows a name guessed from many addresses down for everyone once it reaches the per-name ceiling', async () => {
    const user = `obs-${COUNTY}-3`;
    for (let i = 1; i < PER_NAME; i++) await fail(user, `192.0.2.${i}`);
    // Below the ceiling nobody else is affected (the old lock refused the name after 5).
    expect((await login(user, '203.0.113.1')).status).toBe(200);
    // A success does not reset the count from everywhere: one more failure reaches the ceiling.
    await fail(user, '192.0.2.100');
    const everywhere = await login(user, '203.0.113.2');
    expect(everywhere.status).toBe(429);
    expect(everywhere.retryAfter).toBeGreaterThanOrEqual(1);
    // A delay, not a lock: once it has passed the right password logs in again.
    await sleep(everywhere.retryAfter! * 1000 + 150);
    expect((await login(user, '203.0.113.2')).status).toBe(200);
    const rows = await sql<{ address: string; failures: number }>`
      select address, failures from login_failures where username = ${user} and address = '*'`.execute(
      api.db,
    );
    expect(rows.rows).toEqual([{ address: '*', failures: PER_NAME }]);
  });

  it('treats an unknown name the same way, so a delay does not tell which names exist', async () => {
    await fail(`nobody-${env.run}`, '198.51.100.9', PER_ADDRESS);
    const slowed = await login(`nobody-${env.run}`, '198.51.100.9', 'wrong-password');
    expect(slowed.status).toBe(429);
    expect(slowed.retryAfter).toBe(1);
    expect((await login(`nobody-${env.run}`, '198.51.100.10', 'wrong-password')).status).toBe(401);
  });

  it('counts a wrong current password at a password change from the caller’s address', async () => {
    const user = `cty-${COUNTY}-1`;
    const session = await login(user, '198.51.100.20');
    expect(session.status).toBe(200);
    const token = (session.body as { token: string }).token;
    const change = (from: string) =>
      fetch(`${base}/auth/password`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-forwarded-for': from,
        },
        body: JSON.stringify({ currentPassword: 'wrong-password', newPassword: 'a-new-password-1' }),
      }).then((r) => r.status);
    for (let i = 0; i < PER_ADDRESS; i++) expect(await change('198.51.100.21')).toBe(400);
    expect(await change('198.51.100.21')).toBe(429);
    expect((await login(user, '198.51.100.22')).status).toBe(200);
  });
});
