/**
 * The audit log over real HTTP and PostgreSQL (database `fivestar_test_audit`): the API service alone on a
 * freshly migrated `api` schema with the demo county, its own Temporal task queue (a started round only has
 * to be recorded, never run). Real commands (logins, a round start, an upload, refusals) leave an opening
 * entry before their handler runs and an outcome entry naming it (a refusal before any handler: one entry),
 * with the right fields; the chain verifies, a lone surrogate in a login name included; the writer role
 * cannot change rows; a failed append fails the request; and altering or deleting rows behind the
 * triggers' back makes verify fail naming every bad entry. (Pending commands: audit-pending.test.ts.)
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { AuditPage, AuditVerifyResult, type AuditEntry, type AuditListedEntry } from '@fivestar/contracts';
import { DEMO_PASSWORD } from '@fivestar/api';
import { AUDIT_WRITER, auditDb, fromRow, verifyChain, type AuditDb } from '../services/api/src/audit';
import { startTestApi, type Answer, type Caller, type TestApi } from './api-support';
import { testEnv } from './support';

const env = testEnv('audit');
const COUNTY = '411099';
const BRANCH = '411099100201';
const ROUND = `audit-${env.run}`;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let api: TestApi;
let db: AuditDb;
let connection: Connection;
let temporal: Client;
let coordinator: Caller, admin: Caller, secretary: Caller, anonymous: Caller;

/** POST /api/auth/login as the test sends it (the password never reaches the log). */
const login = (username: string, password: string) =>
  fetch(`http://127.0.0.1:${api.port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

/** The whole log, oldest first, straight from the table. */
const entries = async (): Promise<AuditEntry[]> => {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  return rows.map(fromRow);
};
const last = async () => (await entries()).at(-1)!;
/** The last command's two entries: its opening and the outcome naming it. */
const lastCommand = async () => {
  const [opening, outcome] = (await entries()).slice(-2);
  expect(outcome!.outcomeOf).toBe(opening!.seq);
  return { opening: opening!, outcome: outcome! };
};

/** Runs `change` on one connection with triggers off: what a superuser bypassing the guards could do. */
const behindTheTriggers = (change: (trx: AuditDb) => Promise<unknown>) =>
  db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await change(trx);
  });

beforeAll(async () => {
  api = await startTestApi(env, COUNTY);
  db = auditDb(api.db);
  const { config } = env.serviceOptions;
  connection = await Connection.connect({ address: config.temporalAddress });
  temporal = new Client({ connection, namespace: config.temporalNamespace });
  // One at a time, so the chain's order is the order below.
  coordinator = await api.signIn(`coord-${COUNTY}`);
  admin = await api.signIn(`admin-${COUNTY}`);
  secretary = await api.signIn(`sec-${BRANCH}`);
  anonymous = await api.signIn();
});

afterAll(async () => {
  await temporal?.workflow
    .getHandle(`round/${ROUND}`)
    .terminate('test finished')
    .catch(() => undefined);
  await connection?.close();
  await api?.close();
});

describe('real commands leave an opening and an outcome', () => {
  it('records logins, accepted and refused, without the password', async () => {
    const [coordOpened, coord, admOpened, adm, secOpened, sec] = (await entries()).slice(0, 6);
    const digest = sha256(`{"username":"coord-${COUNTY}"}`);
    // Opened before the handler ran: who asked is not known yet, nor what they were told.
    expect(coordOpened).toMatchObject({
      seq: 1,
      action: 'POST /auth/login',
      target: `users/coord-${COUNTY}`,
      actor: null,
      scope: null,
      status: null,
      problem: null,
      outcomeOf: null,
      payloadDigest: digest,
      prevHash: '0'.repeat(64),
    });
    expect(coord).toMatchObject({
      seq: 2,
      outcomeOf: 1,
      action: 'POST /auth/login',
      target: `users/coord-${COUNTY}`,
      actor: `u-coord-${COUNTY}`,
      role: 'coordinator',
      jurisdiction: COUNTY,
      scope: COUNTY,
      status: 200,
      problem: null,
      payloadDigest: digest,
      clientIp: expect.stringMatching(/127\.0\.0\.1$/),
      requestId: coordOpened!.requestId,
      prevHash: coordOpened!.hash,
    });
    expect(coord!.requestId).toMatch(/^[\w-]+$/);
    expect(admOpened).toMatchObject({ seq: 3, status: null, actor: null });
    expect(adm).toMatchObject({ seq: 4, outcomeOf: 3, actor: `u-admin-${COUNTY}`, role: 'admin' });
    expect(secOpened).toMatchObject({ seq: 5, status: null });
    expect(sec).toMatchObject({
      seq: 6,
      outcomeOf: 5,
      actor: `u-sec-${BRANCH}`,
      jurisdiction: BRANCH,
      scope: BRANCH,
    });

    const refused = await login(`coord-${COUNTY}`, 'not-the-password');
    expect(refused.status).toBe(401);
    const { opening, outcome } = await lastCommand();
    expect(opening).toMatchObject({ seq: 7, status: null, prevHash: sec!.hash });
    expect(outcome).toMatchObject({
      seq: 8,
      action: 'POST /auth/login',
      target: `users/coord-${COUNTY}`,
      actor: null,
      role: null,
      scope: null,
      status: 401,
      problem: '未认证',
      // The same digest as the accepted login: the password is not part of it.
      payloadDigest: digest,
      requestId: refused.headers.get('x-request-id'),
    });
    const raw = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    expect(raw).not.toContain(DEMO_PASSWORD);
    expect(raw).not.toContain('not-the-password');
  });

  it('records a round start, an upload and the refusals (403, 400, 401, 404) with their targets', async () => {
    const start = { roundId: ROUND, countyCode: COUNTY, year: 2026, title: '审计测试' };
    const started = await coordinator.post('/rounds', start);
    expect(started.status).toBe(201);
    const round = await lastCommand();
    // The opening already knows who asked and what: only the answer is missing.
    expect(round.opening).toMatchObject({
      action: 'POST /rounds',
      target: `rounds/${ROUND}`,
      actor: `u-coord-${COUNTY}`,
      scope: COUNTY,
      status: null,
      payloadDigest: round.outcome.payloadDigest,
      requestId: round.outcome.requestId,
    });
    expect(round.outcome).toMatchObject({
      action: 'POST /rounds',
      target: `rounds/${ROUND}`,
      roundId: ROUND,
      actor: `u-coord-${COUNTY}`,
      scope: COUNTY,
      status: 201,
      problem: null,
      payloadDigest: sha256(
        JSON.stringify({ countyCode: COUNTY, roundId: ROUND, title: '审计测试', year: 2026 }),
      ),
    });

    const photo = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(ROUND),
    ]);
    const uploaded = await secretary.post(
      `/rounds/${ROUND}/branches/${BRANCH}/evidence?filename=photo.png`,
      photo,
      'image/png',
    );
    expect(uploaded.status).toBe(201);
    const upload = await lastCommand();
    // The upload's bytes are read by its handler, after the opening: only the outcome has their digest.
    expect(upload.opening).toMatchObject({ branchId: BRANCH, status: null, payloadDigest: null });
    expect(upload.outcome).toMatchObject({
      action: 'POST /rounds/:roundId/branches/:code/evidence',
      target: `rounds/${ROUND}/branches/${BRANCH}`,
      roundId: ROUND,
      branchId: BRANCH,
      scope: BRANCH,
      role: 'village_secretary',
      status: 201,
      payloadDigest: sha256(photo),
    });

    // Refused once authenticated (403, 400, 404): opened, then the outcome. Refused before (401): one entry.
    const refusals: [() => Promise<Answer>, Partial<AuditEntry>, boolean][] = [
      [
        () => secretary.post('/rounds', { ...start, roundId: `${ROUND}-x` }),
        { status: 403, problem: '无权操作', actor: `u-sec-${BRANCH}`, scope: COUNTY },
        true,
      ],
      [
        () => coordinator.post('/rounds', { ...start, year: 'soon' }),
        { status: 400, problem: '请求参数无效' },
        true,
      ],
      [
        () => anonymous.post(`/rounds/${ROUND}/close`),
        { status: 401, actor: null, roundId: ROUND, scope: COUNTY, outcomeOf: null },
        false,
      ],
      [
        () => coordinator.post('/no-such-command', {}),
        { status: 404, problem: '未找到', action: 'POST /no-such-command' },
        true,
      ],
    ];
    for (const [call, expected, opened] of refusals) {
      const before = (await entries()).length;
      const answer = await call();
      expect(answer.status).toBe(expected.status);
      expect((await entries()).length).toBe(before + (opened ? 2 : 1));
      expect(await last()).toMatchObject(expected);
      if (opened) expect((await lastCommand()).opening.status).toBeNull();
    }
  });

  it('does not record reads', async () => {
    const before = (await entries()).length;
    expect((await coordinator.get('/catalogs')).status).toBe(200);
    expect((await entries()).length).toBe(before);
  });

  it('keeps the chain linear and gap-free under concurrent commands', async () => {
    const before = (await entries()).length;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? coordinator : secretary).post('/rounds', { roundId: 'X' }),
      ),
    );
    expect(answers.every((a) => a.status === 400 || a.status === 403)).toBe(true);
    const all = await entries();
    expect(all.length).toBe(before + 24);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    // Interleaved, but each outcome names the opening of its own request, which came before it.
    const added = all.slice(before);
    const outcomes = added.filter((e) => e.outcomeOf !== null);
    expect(outcomes).toHaveLength(12);
    for (const o of outcomes) {
      const opening = all[o.outcomeOf! - 1]!;
      expect(opening).toMatchObject({ status: null, outcomeOf: null, requestId: o.requestId });
      expect(opening.seq).toBeLessThan(o.seq);
    }
    expect(await verifyChain(db)).toEqual({ ok: true, count: all.length, headHash: all.at(-1)!.hash });
  });
});

describe('reading the log', () => {
  it("lets the county's coordinator page through its entries, newest first, filtered by actor and branch", async () => {
    const page = await coordinator.get(`/audit?actor=u-sec-${BRANCH}&limit=2`);
    expect(page.status).toBe(200);
    expect(AuditPage.safeParse(page.body).error).toBeUndefined();
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0].seq).toBeGreaterThan(page.body.items[1].seq);
    expect(page.body.items.every((e: AuditEntry) => e.actor === `u-sec-${BRANCH}`)).toBe(true);
    const next = await coordinator.get(`/audit?actor=u-sec-${BRANCH}&limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items[0].seq).toBeLessThan(page.body.items[1].seq);

    const branch = await coordinator.get(`/audit?branchId=${BRANCH}`);
    expect(branch.body.items.map((e: AuditListedEntry) => [e.action, e.status, e.pending])).toEqual([
      ['POST /rounds/:roundId/branches/:code/evidence', 201, undefined],
      // The opening, listed as completed: an outcome entry names it.
      ['POST /rounds/:roundId/branches/:code/evidence', null, false],
    ]);
    // Anonymous entries (no jurisdiction to place them in: login openings, a refused login) are for
    // administrators only.
    const coordSees = (await coordinator.get('/audit?limit=500')).body.items as AuditListedEntry[];
    const adminSees = (await admin.get('/audit?limit=500')).body.items as AuditListedEntry[];
    expect(coordSees.some((e) => e.scope === null)).toBe(false);
    expect(adminSees.filter((e) => e.scope === null).map((e) => e.seq)).toEqual([8, 7, 5, 3, 1]);
    expect(adminSees.some((e) => e.pending)).toBe(false);
  });

  it('refuses other roles, other jurisdictions and bad filters', async () => {
    expect((await secretary.get('/audit')).status).toBe(403);
    expect((await anonymous.get('/audit')).status).toBe(401);
    expect((await coordinator.get('/audit?branchId=411098100201')).status).toBe(403);
    const bad = await coordinator.get('/audit?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('query.from');
    const all = await entries();
    const from = all[8]!.at;
    const since = await admin.get(`/audit?from=${encodeURIComponent(from)}&limit=500`);
    // Entries a millisecond apart may share an instant: the first at or after `from`.
    expect(Math.min(...since.body.items.map((e: AuditEntry) => e.seq))).toBe(
      all.find((e) => e.at >= from)!.seq,
    );
  });

  it('exports as JSON lines and CSV that carry the hashes', async () => {
    // Read as bytes: the shared test caller would parse a JSON-typed answer as one document.
    const { token } = (await (await login(`admin-${COUNTY}`, DEMO_PASSWORD)).json()) as { token: string };
    const all = await entries();
    const jsonl = await fetch(`http://127.0.0.1:${api.port}/api/audit/export?format=jsonl`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/jsonl/);
    const lines = Buffer.from(await jsonl.arrayBuffer())
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(lines.map((e) => [e.seq, e.hash])).toEqual(all.map((e) => [e.seq, e.hash]));

    const csv = await coordinator.get(`/audit/export?format=csv&branchId=${BRANCH}`);
    expect(csv.type).toMatch(/^text\/csv/);
    const rows = csv.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toMatch(/^seq,at,requestId,.*,problem,outcomeOf,prevHash,hash$/);
    // The upload's opening and outcome; the outcome's row carries the seq of its opening.
    const upload = all.filter((e) => e.branchId === BRANCH);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(upload[0]!.hash);
    expect(rows[2]).toContain(upload[1]!.hash);
    expect(rows[2]).toContain(`,${upload[0]!.seq},${upload[0]!.hash},`);
  });

  it('lets administrators verify over HTTP', async () => {
    const verified = await admin.get('/audit/verify');
    expect(AuditVerifyResult.parse(verified.body)).toEqual(await verifyChain(db));
    expect(verified.body).toMatchObject({ ok: true });
    expect((await coordinator.get('/audit/verify')).status).toBe(403);
  });
});

describe('what is hashed is what PostgreSQL stores', () => {
  it('keeps the chain verifiable after a login name with a lone surrogate or U+0000', async () => {
    // Sent as JSON text (`"\ud800"`), the way the request did.
    const surrogate = await fetch(`http://127.0.0.1:${api.port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":"\\ud800","password":"x"}',
    });
    expect(surrogate.status).toBe(401);
    const { opening, outcome } = await lastCommand();
    // Stored as U+FFFD, and hashed as stored.
    expect(opening.target).toBe('users/\ufffd');
    expect(outcome).toMatchObject({ target: 'users/\ufffd', status: 401 });
    // U+0000 is refused before any handler (one entry), also stored as U+FFFD.
    const nul = await login('a\u0000b', 'x');
    expect(nul.status).toBe(400);
    expect(await last()).toMatchObject({ target: 'users/a\ufffdb', status: 400, outcomeOf: null });
    const verified = await verifyChain(db);
    expect(verified).toMatchObject({ ok: true });
    expect((await admin.get('/audit/verify')).body).toEqual(verified);
  });
});

describe('append-only at the database level', () => {
  it('gives the writer role no UPDATE, DELETE or TRUNCATE', async () => {
    for (const statement of [
      sql`UPDATE audit_log SET status = 200 WHERE seq = 4`,
      sql`DELETE FROM audit_log WHERE seq = 4`,
      sql`TRUNCATE audit_log`,
    ]) {
      await expect(
        db.transaction().execute(async (trx) => {
          await sql`SET LOCAL ROLE ${sql.id(AUDIT_WRITER)}`.execute(trx);
          await statement.execute(trx);
        }),
      ).rejects.toThrow(/permission denied for table audit_log/);
    }
  });

  it('refuses UPDATE and DELETE even to the owner, and keeps the head moving forward only', async () => {
    await expect(sql`UPDATE audit_log SET status = 200 WHERE seq = 4`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log WHERE seq = 4`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_head SET seq = seq - 1`.execute(db)).rejects.toThrow(/only advances/);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it('does not run the command, answers 500 and records nothing, when the opening cannot be appended', async () => {
    const before = (await entries()).length;
    await sql`REVOKE INSERT ON audit_log FROM ${sql.id(AUDIT_WRITER)}`.execute(db);
    try {
      const r = await coordinator.post('/rounds', {
        roundId: `${ROUND}-unrecorded`,
        countyCode: COUNTY,
        year: 2026,
        title: 'x',
      });
      expect(r.status).toBe(500);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 500, title: '审计记录失败' });
    } finally {
      await sql`GRANT INSERT ON audit_log TO ${sql.id(AUDIT_WRITER)}`.execute(db);
    }
    expect((await entries()).length).toBe(before);
    // The handler never ran: no round was started.
    expect(
      await api.db
        .selectFrom('rounds')
        .select('round_id')
        .where('round_id', '=', `${ROUND}-unrecorded`)
        .executeTakeFirst(),
    ).toBeUndefined();
    expect((await coordinator.post('/rounds', { roundId: 'X' })).status).toBe(400);
    expect((await entries()).length).toBe(before + 2);
  });
});

describe('verify catches tampering', () => {
  const cli = () =>
    promisify(execFile)('npx', ['tsx', path.resolve(__dirname, '../services/api/src/audit/verify-cli.ts')], {
      env: { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: 'silent' },
    }).then(
      (out) => ({ code: 0, stdout: out.stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );

  it('names an altered entry, and passes again once it is put back', async () => {
    const ok = await cli();
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK .*共 \d+ 条/) });
    await behindTheTriggers((trx) =>
      sql`UPDATE audit_log SET status = 200, problem = NULL WHERE seq = 8`.execute(trx),
    );
    expect(await verifyChain(db)).toMatchObject({ ok: false, seq: 8, kind: 'altered', count: 7 });
    const failed = await cli();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^FAILED 第 8 条：/);
    await behindTheTriggers((trx) =>
      sql`UPDATE audit_log SET status = 401, problem = '未认证' WHERE seq = 8`.execute(trx),
    );
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it('names every bad entry, not only the first: one in the middle and one later', async () => {
    const all = await entries();
    const later = all.at(-3)!;
    await behindTheTriggers(async (trx) => {
      await sql`UPDATE audit_log SET status = 200, problem = NULL WHERE seq = 8`.execute(trx);
      await sql`UPDATE audit_log SET actor = 'someone-else' WHERE seq = ${later.seq}`.execute(trx);
    });
    try {
      const found = await verifyChain(db);
      expect(found).toMatchObject({
        ok: false,
        seq: 8,
        kind: 'altered',
        count: 7,
        problemCount: 2,
        entries: all.length,
        problems: [
          { seq: 8, kind: 'altered' },
          { seq: later.seq, kind: 'altered' },
        ],
      });
      // The entry after an altered one is not reported too: the walk goes on from what each entry stores.
      expect((found as { problems: unknown[] }).problems).toHaveLength(2);
      expect((await admin.get('/audit/verify')).body).toEqual(found);
      const failed = await cli();
      expect(failed.code).toBe(1);
      expect(failed.stdout.split('\n')).toEqual([
        expect.stringMatching(/^FAILED 第 8 条：.*（此前 7 条完好）$/),
        expect.stringMatching(new RegExp(`^FAILED 第 ${later.seq} 条：第 ${later.seq} 条内容被改动`)),
        `共 2 处问题，日志共 ${all.length} 条`,
        '',
      ]);
    } finally {
      await behindTheTriggers(async (trx) => {
        await sql`UPDATE audit_log SET status = 401, problem = '未认证' WHERE seq = 8`.execute(trx);
        await sql`UPDATE audit_log SET actor = ${later.actor} WHERE seq = ${later.seq}`.execute(trx);
      });
    }
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it('names an entry whose link to its predecessor was rewritten', async () => {
    const fifth = (await entries())[4]!;
    await behindTheTriggers((trx) =>
      sql`UPDATE audit_log SET prev_hash = ${'0'.repeat(64)} WHERE seq = 5`.execute(trx),
    );
    expect(await verifyChain(db)).toMatchObject({
      ok: false,
      seq: 5,
      kind: 'unlinked',
      problems: [{ seq: 5, kind: 'unlinked' }],
    });
    await behindTheTriggers((trx) =>
      sql`UPDATE audit_log SET prev_hash = ${fifth.prevHash} WHERE seq = 5`.execute(trx),
    );
  });

  it('names a deleted entry in the middle and a later altered one; a deleted outcome leaves its opening pending', async () => {
    const later = (await entries()).at(-3)!;
    await behindTheTriggers(async (trx) => {
      await sql`DELETE FROM audit_log WHERE seq = 6`.execute(trx);
      await sql`UPDATE audit_log SET action = 'POST /nothing' WHERE seq = ${later.seq}`.execute(trx);
    });
    const found = await verifyChain(db);
    expect(found).toMatchObject({
      ok: false,
      seq: 6,
      kind: 'missing',
      count: 5,
      problems: [
        { seq: 6, kind: 'missing', problem: '第 6 条缺失（其后是第 7 条）' },
        { seq: later.seq, kind: 'altered' },
      ],
      // Seq 6 was the outcome of the login opened at 5.
      pending: [5],
    });
    expect((await admin.get('/audit/verify')).body).toMatchObject({ ok: false, seq: 6, kind: 'missing' });
    await behindTheTriggers((trx) =>
      sql`UPDATE audit_log SET action = ${later.action} WHERE seq = ${later.seq}`.execute(trx),
    );
  });

  it('names a deleted tail from the head checkpoint', async () => {
    const tail = await last();
    await behindTheTriggers((trx) => sql`DELETE FROM audit_log WHERE seq >= 6`.execute(trx));
    expect(await verifyChain(db)).toMatchObject({
      ok: false,
      seq: 6,
      kind: 'tail-missing',
      count: 5,
      problems: [{ seq: 6, kind: 'tail-missing', problem: expect.stringContaining(`–${tail.seq} 条缺失`) }],
    });
  });
});
