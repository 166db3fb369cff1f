/**
 * Identity on the real stack: sessions with short-lived access tokens and rotating refresh tokens,
 * logout and password change, the login lockout, API tokens for scripts, and user administration.
 * Access tokens live 3 s and login delays at most 2 s here, so expiry and their end can be watched.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { DEMO_PASSWORD, demoCounty } from '@fivestar/api';
import { eventually, startStack, withDb, type Stack } from './harness';

const COUNTY = '411099';
const ACCESS_TTL = 3;
const LOCK_SECONDS = 2;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ identity: { accessTtlSeconds: ACCESS_TTL, lockSeconds: LOCK_SECONDS } });
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${stack.baseUrl}/api${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const login = (username: string, password = DEMO_PASSWORD) =>
  call('POST', '/auth/login', undefined, { username, password });

async function signIn(username: string, password = DEMO_PASSWORD) {
  const res = await login(username, password);
  expect(res.status).toBe(200);
  return res.body as { token: string; refreshToken: string; expiresIn: number; user: { userId: string } };
}

const refresh = (refreshToken: string) => call('POST', '/auth/refresh', undefined, { refreshToken });
const me = (token: string) => call('GET', '/me', token);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fields = (a: Answer) => (a.body?.errors ?? []).map((e: { field: string }) => e.field);

describe('sessions', () => {
  it('answers an access token that works until it expires; a refresh gives a working one', async () => {
    const s = await signIn(`cty-${COUNTY}-1`);
    expect(s.expiresIn).toBe(ACCESS_TTL);
    expect(s.refreshToken).toEqual(expect.any(String));
    expect((await me(s.token)).body).toMatchObject({ userId: `u-cty-${COUNTY}-1`, role: 'county_reviewer' });

    await sleep(ACCESS_TTL * 1000 + 1100);
    const expired = await me(s.token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('content-type')).toContain('application/problem+json');

    const next = await refresh(s.refreshToken);
    expect(next.status).toBe(200);
    expect((await me(next.body.token)).status).toBe(200);
  });

  it('stores refresh tokens hashed only', async () => {
    const s = await signIn(`cty-${COUNTY}-1`);
    const digest = createHash('sha256').update(s.refreshToken).digest('hex');
    const rows = await withDb(stack, 'api', (db) =>
      sql<{ token_hash: string }>`select token_hash from refresh_tokens`.execute(db),
    );
    const hashes = rows.rows.map((r) => r.token_hash);
    expect(hashes).toContain(digest);
    expect(hashes).not.toContain(s.refreshToken);
  });

  it('rotates: each refresh token works once and gives the next', async () => {
    const s = await signIn(`twp-${COUNTY}100-1`);
    const r2 = await refresh(s.refreshToken);
    expect(r2.status).toBe(200);
    expect(r2.body.refreshToken).not.toBe(s.refreshToken);
    const r3 = await refresh(r2.body.refreshToken);
    expect(r3.status).toBe(200);
    expect(r3.body.user.userId).toBe(`u-twp-${COUNTY}100-1`);
    expect((await me(r3.body.token)).status).toBe(200);
  });

  it('takes a rotated refresh token presented again for theft: 401 and the whole family revoked', async () => {
    const s = await signIn(`twp-${COUNTY}100-2`);
    const other = await signIn(`twp-${COUNTY}100-2`);
    const r2 = await refresh(s.refreshToken);
    expect(r2.status).toBe(200);

    const reuse = await refresh(s.refreshToken);
    expect(reuse.status).toBe(401);
    // The newer token of the family and its access token are dead too …
    expect((await refresh(r2.body.refreshToken)).status).toBe(401);
    expect((await me(r2.body.token)).status).toBe(401);
    // … while the user's other session is untouched.
    expect((await me(other.token)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('logout kills the access token and the refresh token of that session only', async () => {
    const s = await signIn(`obs-${COUNTY}-2`);
    const other = await signIn(`obs-${COUNTY}-2`);
    expect((await call('POST', '/auth/logout', s.token)).status).toBe(204);
    expect((await me(s.token)).status).toBe(401);
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await me(other.token)).status).toBe(200);
  });

  it('refuses a refresh without a token, or with one it never issued', async () => {
    const none = await call('POST', '/auth/refresh', undefined, {});
    expect(none.status).toBe(400);
    expect(fields(none)).toEqual(['body.refreshToken']);
    expect((await refresh('not-a-token')).status).toBe(401);
  });
});

describe('password change', () => {
  const user = `obs-${COUNTY}-3`;
  const newPassword = 'a-new-password-2026';

  it('checks the current password and the policy, then revokes every session of the user', async () => {
    const a = await signIn(user);
    const b = await signIn(user);

    const wrong = await call('POST', '/auth/password', a.token, {
      currentPassword: 'not-my-password',
      newPassword,
    });
    expect(wrong.status).toBe(400);
    expect(fields(wrong)).toEqual(['body.currentPassword']);
    const short = await call('POST', '/auth/password', a.token, {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'short',
    });
    expect(short.status).toBe(400);
    expect(fields(short)).toEqual(['body.newPassword']);

    const ok = await call('POST', '/auth/password', a.token, { currentPassword: DEMO_PASSWORD, newPassword });
    expect(ok.status).toBe(200);
    expect(ok.body.revokedSessions).toBe(2);
    for (const s of [a, b]) {
      expect((await me(s.token)).status).toBe(401);
      expect((await refresh(s.refreshToken)).status).toBe(401);
    }
    expect((await login(user)).status).toBe(401);
    expect((await login(user, newPassword)).status).toBe(200);
  });
});

describe('lockout', () => {
  // Every call of this file comes from 127.0.0.1, one address: test/lockout.test.ts has several.
  async function fail(username: string, times: number) {
    for (let i = 0; i < times; i++) expect((await login(username, 'wrong-password')).status).toBe(401);
  }

  it('after 5 failures from an address slows the name down there (429, Retry-After, even the right password), with growing delays; a success resets', async () => {
    const user = `obs-${COUNTY}-1`;
    await fail(user, 5);
    const slowed = await login(user);
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBe(1);
    expect(slowed.body.detail).toMatch(/请1秒后再试/);

    // A delay, not a 15-minute lock: once it has passed, a sixth failure doubles it (capped here at 2 s).
    await sleep(1200);
    await fail(user, 1);
    const longer = await login(user, 'wrong-password');
    expect(longer.status).toBe(429);
    const retryAfter = Number(longer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);

    await sleep(LOCK_SECONDS * 1000 + 200);
    expect((await login(user)).status).toBe(200);
    // The success reset the count: four failures do not slow it down.
    await fail(user, 4);
    expect((await login(user)).status).toBe(200);
  });

  it('slows an unknown name the same way, so a delay does not tell which names exist', async () => {
    await fail('nobody-here', 5);
    const slowed = await login('nobody-here', 'wrong-password');
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get('retry-after')).not.toBeNull();
  });
});

describe('API tokens', () => {
  const owner = `twp-${COUNTY}200-1`;

  async function createToken(session: string, body: unknown) {
    const res = await call('POST', '/auth/tokens', session, body);
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string; scopes: string[] };
  }

  it('a read token reads as its user and is refused commands; revoked, it is refused', async () => {
    const s = await signIn(owner);
    const read = await createToken(s.token, { name: '数据导出脚本', scopes: ['read'], expiresInDays: 30 });
    expect(read.token).toMatch(/^fst_[0-9a-f]{16}_/);

    const who = await me(read.token);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ userId: `u-${owner}`, role: 'township_reviewer' });
    expect((await call('GET', '/inbox', read.token)).status).toBe(200);
    expect((await call('POST', '/inbox/read', read.token, { ids: ['1'] })).status).toBe(403);

    const listed = await call('GET', '/auth/tokens', s.token);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: read.id, name: '数据导出脚本', scopes: ['read'], revokedAt: null }),
    ]);
    // The whole secret (it may itself hold `_`): a fragment could turn up in a date by chance.
    expect(JSON.stringify(listed.body)).not.toContain(read.token.split('_').slice(2).join('_'));

    expect((await call('DELETE', `/auth/tokens/${read.id}`, s.token)).status).toBe(204);
    expect((await me(read.token)).status).toBe(401);
  });

  it('a write token runs commands, but manages no tokens; secrets are stored hashed', async () => {
    const s = await signIn(owner);
    const write = await createToken(s.token, { name: '批量已读', scopes: ['write'] });
    expect((await call('POST', '/inbox/read', write.token, { ids: ['1'] })).status).toBe(200);
    expect((await call('GET', '/inbox', write.token)).status).toBe(403);
    expect((await call('POST', '/auth/tokens', write.token, { name: 'x', scopes: ['read'] })).status).toBe(
      403,
    );

    const secret = write.token.split('_').slice(2).join('_');
    const stored = await withDb(stack, 'api', (db) =>
      sql<{ secret_hash: string }>`select secret_hash from api_tokens where id = ${write.id}`.execute(db),
    );
    expect(stored.rows[0]!.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
  });

  it('refuses bad bodies naming the field, and somebody else’s token', async () => {
    const s = await signIn(owner);
    const bad = await call('POST', '/auth/tokens', s.token, { name: 'x', scopes: ['admin'] });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['body.scopes.0']);
    const theirs = await createToken((await signIn(`twp-${COUNTY}200-2`)).token, {
      name: 'x',
      scopes: ['read'],
    });
    expect((await call('DELETE', `/auth/tokens/${theirs.id}`, s.token)).status).toBe(404);
    expect((await me(theirs.token)).status).toBe(200);
    expect((await call('DELETE', '/auth/tokens/nope', s.token)).status).toBe(400);
  });
});

describe('user administration', () => {
  const admin = `admin-${COUNTY}`;
  // The admin works through an API token (read and write): it acts with the admin's role and outlives
  // the short access tokens of this file.
  let token: string;
  beforeAll(async () => {
    const session = (await signIn(admin)).token;
    token = (await call('POST', '/auth/tokens', session, { name: '用户管理', scopes: ['read', 'write'] }))
      .body.token;
  });

  // The notifications service's copy of the directory, fed by directory.user_upserted.
  const recipient = (userId: string) =>
    withDb(stack, 'notifications', (db) =>
      db.selectFrom('recipients').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    );

  it('is for admins only', async () => {
    const coord = (await signIn(`coord-${COUNTY}`)).token;
    expect((await call('GET', '/admin/users', coord)).status).toBe(403);
    expect((await call('PATCH', `/admin/users/sec-${COUNTY}100201`, coord, { active: false })).status).toBe(
      403,
    );
    const imported = await call('POST', '/admin/users/import', coord, {});
    expect(imported.status).toBe(403);
  });

  it('lists the users of its jurisdiction, filtered, and no other county', async () => {
    const twp = await call('GET', '/admin/users?role=township_reviewer', token);
    expect(twp.status).toBe(200);
    expect(twp.body.items).toHaveLength(6);
    expect(twp.body.items.every((u: { role: string }) => u.role === 'township_reviewer')).toBe(true);
    expect(JSON.stringify(twp.body)).not.toContain('password');
    const inTownship = await call('GET', `/admin/users?jurisdiction=${COUNTY}100`, token);
    expect(inTownship.body.items).toHaveLength(12);
    expect((await call('GET', '/admin/users?jurisdiction=410100', token)).status).toBe(403);
    const bad = await call('GET', '/admin/users?role=boss', token);
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['query.role']);
  });

  it('creates, disables, enables and re-scopes a user, revoking sessions and announcing each change', async () => {
    const username = 'sec-new-1';
    const body = {
      username,
      name: '新任书记',
      role: 'village_secretary',
      jurisdiction: `${COUNTY}100201`,
      password: 'initial-pass-2026',
    };
    const misplaced = await call('POST', '/admin/users', token, { ...body, jurisdiction: `${COUNTY}100` });
    expect(misplaced.status).toBe(400);
    expect(fields(misplaced)).toEqual(['body.jurisdiction']);
    const outside = await call('POST', '/admin/users', token, { ...body, jurisdiction: '410100100201' });
    expect(outside.status).toBe(400);
    expect(fields(outside)).toEqual(['body.jurisdiction']);
    const weak = await call('POST', '/admin/users', token, { ...body, password: 'short' });
    expect(fields(weak)).toEqual(['body.password']);

    const created = await call('POST', '/admin/users', token, body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: `u-${username}`,
      username,
      name: '新任书记',
      role: 'village_secretary',
      jurisdiction: `${COUNTY}100201`,
      active: true,
    });
    expect((await call('POST', '/admin/users', token, body)).status).toBe(409);
    await eventually(
      () => recipient(`u-${username}`),
      (r) => r?.active === true,
    );

    const s = await signIn(username, body.password);
    const disabled = await call('PATCH', `/admin/users/${username}`, token, { active: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ user: { active: false }, revokedSessions: 1 });
    expect((await me(s.token)).status).toBe(401);
    expect((await login(username, body.password)).status).toBe(401);
    await eventually(
      () => recipient(`u-${username}`),
      (r) => r?.active === false,
    );

    expect((await call('PATCH', `/admin/users/${username}`, token, { active: true })).status).toBe(200);
    // Back to the first announcement's content, yet announced anew.
    await eventually(
      () => recipient(`u-${username}`),
      (r) => r?.active === true,
    );
    const again = await signIn(username, body.password);
    const rescoped = await call('PATCH', `/admin/users/${username}`, token, {
      role: 'township_reviewer',
      jurisdiction: `${COUNTY}100`,
    });
    expect(rescoped.status).toBe(200);
    expect(rescoped.body.revokedSessions).toBe(1);
    expect((await me(again.token)).status).toBe(401);
    expect((await signIn(username, body.password)).user).toMatchObject({
      role: 'township_reviewer',
      jurisdiction: `${COUNTY}100`,
    });

    const mismatch = await call('PATCH', `/admin/users/${username}`, token, { role: 'village_secretary' });
    expect(mismatch.status).toBe(400);
    expect(fields(mismatch)).toEqual(['body.role']);
    expect((await call('PATCH', `/admin/users/${username}`, token, {})).status).toBe(400);
    expect((await call('PATCH', '/admin/users/nobody-here', token, { active: false })).status).toBe(404);
    expect((await call('PATCH', `/admin/users/${admin}`, token, { active: false })).status).toBe(409);
  });

  it('imports the directory file row by row, idempotently, never overwriting a password unless asked', async () => {
    const demo = demoCounty(COUNTY);
    const secretary = demo.users.find((u) => u.username === `sec-${COUNTY}200201`)!;
    const file = {
      county: demo.county,
      townships: demo.townships,
      branches: demo.branches,
      users: [
        {
          username: 'imp-sec-1',
          name: '导入书记',
          role: 'village_secretary',
          jurisdiction: `${COUNTY}200202`,
          password: 'imported-pass-1',
        },
        { ...secretary, name: '改名的书记', password: 'not-applied-pass' },
        demo.users.find((u) => u.username === `cty-${COUNTY}-2`),
        { username: 'imp-bad', name: '坏角色', role: 'boss', jurisdiction: COUNTY },
        { username: 'imp-away', name: '外县', role: 'county_reviewer', jurisdiction: '410100' },
        { username: 'imp-nopass', name: '无密码', role: 'observer', jurisdiction: COUNTY },
        { ...demo.users.find((u) => u.username === admin), active: false },
      ],
    };
    // The dry run judges every row as the import will, and stores nothing.
    const dry = await call('POST', '/admin/users/import?dryRun=true', token, file);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      published: 0,
      summary: { created: 1, updated: 1, unchanged: 1, rejected: 4 },
      branches: { created: 0, existing: demo.branches.length },
    });
    expect((await login('imp-sec-1', 'imported-pass-1')).status).toBe(401);
    expect((await signIn(secretary.username)).user).toMatchObject({ name: secretary.name });

    const first = await call('POST', '/admin/users/import', token, file);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ dryRun: false, summary: dry.body.summary });
    expect(first.body.results).toEqual(dry.body.results);
    expect(first.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'created',
      'updated',
      'unchanged',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(first.body.results[3].errors.map((e: { field: string }) => e.field)).toEqual([
      'body.users.3.role',
    ]);
    expect(first.body.results[4].errors[0].field).toBe('body.users.4.jurisdiction');
    expect(first.body.results[5].errors[0].field).toBe('body.users.5.password');
    // The importing admin cannot disable themself.
    expect(first.body.results[6].errors[0].field).toBe('body.users.6.id');
    expect(first.body.summary).toEqual({ created: 1, updated: 1, unchanged: 1, rejected: 4 });
    expect((await signIn('imp-sec-1', 'imported-pass-1')).user).toMatchObject({
      jurisdiction: `${COUNTY}200202`,
    });
    // An existing user's password is left as it was.
    expect((await signIn(secretary.username)).user).toMatchObject({ name: '改名的书记' });

    const second = await call('POST', '/admin/users/import', token, file);
    expect(second.body.summary).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 4 });

    const s = await signIn(secretary.username);
    const reset = await call('POST', '/admin/users/import', token, {
      ...file,
      users: [file.users[1]],
      resetPasswords: true,
    });
    expect(reset.body.summary).toMatchObject({ updated: 1 });
    expect((await me(s.token)).status).toBe(401);
    expect((await login(secretary.username)).status).toBe(401);
    expect((await login(secretary.username, 'not-applied-pass')).status).toBe(200);
  });

  it('dry-runs a whole county of a thousand branches in one file (beyond the 256 kB default)', async () => {
    // The county's own file: without its city's and province's places and users.
    const { province: _province, city: _city, ...county } = demoCounty(COUNTY, 340);
    const big = { ...county, users: county.users.filter((u) => u.jurisdiction.startsWith(COUNTY)) };
    const body = { ...big, initialPassword: 'big-county-pass-1' };
    expect(JSON.stringify(body).length).toBeGreaterThan(256 * 1024);
    const res = await call('POST', '/admin/users/import?dryRun=true', token, body);
    expect(res.status).toBe(200);
    expect(res.body.branches.created + res.body.branches.existing).toBe(big.branches.length);
    expect(res.body.summary.rejected).toBe(0);
    expect(res.body.results).toHaveLength(big.users.length);
  });

  it('refuses a file of another county, naming the field', async () => {
    const other = demoCounty('411098');
    const res = await call('POST', '/admin/users/import', token, {
      county: other.county,
      townships: [],
      branches: [],
      users: other.users.slice(0, 1),
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['body.county.code']);
    const empty = await call('POST', '/admin/users/import', token, { county: other.county, users: [] });
    expect(fields(empty)).toEqual(['body.users']);
    // A branch of a township neither in the file nor in the directory: named, nothing stored.
    const demo = demoCounty(COUNTY);
    const orphan = { ...demo.branches[0]!, code: `${COUNTY}900201`, townshipCode: `${COUNTY}900` };
    const res2 = await call('POST', '/admin/users/import?dryRun=false', token, {
      county: demo.county,
      branches: [demo.branches[1], orphan],
      users: [{ username: 'imp-orphan', name: '孤支部', role: 'observer', jurisdiction: COUNTY }],
      initialPassword: 'orphan-pass-123',
    });
    expect(res2.status).toBe(400);
    expect(fields(res2)).toEqual(['body.branches.1.townshipCode']);
    expect((await login('imp-orphan', 'orphan-pass-123')).status).toBe(401);
  });
});
