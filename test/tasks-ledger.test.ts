/**
 * The ledger report (台账) against real PostgreSQL (database `fivestar_test_tasks_ledger`): rows from
 * scripted events, weekly snapshots and their deltas, the CSV and xlsx exports, scoping. Self-sufficient:
 * it creates its database and schema and applies the events with the service's own handler (no stream).
 */
import type { CandidateGroup, FivestarEvent, LedgerRow, Role } from '@fivestar/contracts';
import { RequestError, type NatsConnection } from '@fivestar/platform';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import {
  handleEvent,
  LEDGER_HEADER,
  ledgerExport,
  ledgerRows,
  ledgerSummary,
  migrations,
  SCHEMA,
  startTasksService,
  takeLedgerSnapshot,
  withinSeconds,
  type TasksDb,
} from '@fivestar/tasks';
import { closeAll, connectStream, eventFactory, freshSchema, testEnv } from './support';

const env = testEnv('tasks_ledger');
const { run } = env;
const roundId = `ledger-${run}`;

const COUNTY = '330102';
const T1 = '330102001';
const T2 = '330102002';
const A1 = '330102001001';
const B1 = '330102002001';
const yellow = withinSeconds(3 * 86_400);
/** Wednesday of 2026-W47 and of 2026-W48 (noon in China). */
const W47 = new Date('2026-11-18T04:00:00.000Z');
const W48 = new Date('2026-11-25T04:00:00.000Z');
const T0 = Date.UTC(2026, 10, 10);

const { ev } = eventFactory({
  idPrefix: run,
  roundId,
  branchId: A1,
  area: () => COUNTY,
  t0: T0,
  stepMs: 1000,
});
const at = (seq: number) => new Date(T0 + seq * 1000).toISOString();
const group = (role: Role, jurisdiction: string): CandidateGroup => ({ role, jurisdiction });
const viewer = (role: Role, jurisdiction: string) => ({ userId: `u-${jurisdiction}`, role, jurisdiction });
const county = viewer('coordinator', COUNTY);

/** A title a CSV must quote: comma, quote and newline. */
const TITLE1 = '测试一村,"示范"\n乡镇审核';
const k = (n: string) => `${run}/${n}`;
const F1 = `${run}-F1`;

let db: Kysely<TasksDb>;

async function apply(...events: FivestarEvent[]) {
  for (const e of events) await db.transaction().execute((trx) => handleEvent(trx, e));
}

const read = (scope: string, v = county) =>
  ledgerRows(db, { viewer: v, scope, roundId }, { now: W47, yellow });

beforeAll(async () => {
  db = await freshSchema<TasksDb>(env, SCHEMA, migrations);
  await apply(
    // 1: a step task of A1, due 2026-11-20 (yellow on W47), urged once.
    ev('branch.step_opened', {
      step: 'TOWNSHIP_REVIEW',
      attempt: 1,
      work: {
        key: k('s1'),
        kind: 'step',
        title: TITLE1,
        group: group('township_reviewer', T1),
        deadline: '2026-11-20T00:00:00.000Z',
      },
    }),
    // 2
    ev('work.urged', {
      step: 'TOWNSHIP_REVIEW',
      attempt: 1,
      workKey: k('s1'),
      title: TITLE1,
      deadline: '2026-11-20T00:00:00.000Z',
      group: group('township_reviewer', T1),
    }),
    // 3: a rectification of B1: evidence (4 closes it) → verify, overdue and escalated (blue).
    ev(
      'rectification.opened',
      {
        findingId: F1,
        title: '阵地建设不达标',
        work: {
          key: k('e1'),
          kind: 'rectification_evidence',
          title: '整改：阵地建设不达标',
          group: group('village_secretary', B1),
          deadline: '2026-11-30T00:00:00.000Z',
        },
      },
      { branchId: B1 },
    ),
    // 4
    ev(
      'rectification.evidence_submitted',
      {
        findingId: F1,
        closes: k('e1'),
        description: '已整改',
        work: {
          key: k('v1'),
          kind: 'rectification_verify',
          title: '整改核验：阵地建设不达标',
          group: group('township_reviewer', T2),
          deadline: '2026-11-15T00:00:00.000Z',
          // Counted Monday–Friday in a year the calendar did not hold yet.
          provisional: true,
        },
      },
      { branchId: B1 },
    ),
    // 5
    ev(
      'rectification.escalated',
      {
        findingId: F1,
        workKey: k('v1'),
        title: '整改核验：阵地建设不达标',
        deadline: '2026-11-15T00:00:00.000Z',
        group: group('township_reviewer', T2),
        level: 'blue',
      },
      { branchId: B1 },
    ),
  );
});

afterAll(() => db?.destroy());

const s1: LedgerRow = {
  key: k('s1'),
  kind: 'step',
  title: TITLE1,
  roundId,
  branchId: A1,
  townshipCode: T1,
  step: 'TOWNSHIP_REVIEW',
  findingId: null,
  group: group('township_reviewer', T1),
  status: 'open',
  deadline: '2026-11-20T00:00:00.000Z',
  provisional: false,
  openedAt: at(1),
  closedAt: null,
  light: 'yellow',
  escalationLevel: null,
  urgeCount: 1,
};
const e1: LedgerRow = {
  key: k('e1'),
  kind: 'rectification_evidence',
  title: '整改：阵地建设不达标',
  roundId,
  branchId: B1,
  townshipCode: T2,
  step: null,
  findingId: F1,
  group: group('village_secretary', B1),
  status: 'done',
  deadline: '2026-11-30T00:00:00.000Z',
  provisional: false,
  openedAt: at(3),
  closedAt: at(4),
  light: 'green',
  escalationLevel: null,
  urgeCount: 0,
};
const v1: LedgerRow = {
  key: k('v1'),
  kind: 'rectification_verify',
  title: '整改核验：阵地建设不达标',
  roundId,
  branchId: B1,
  townshipCode: T2,
  step: null,
  findingId: F1,
  group: group('township_reviewer', T2),
  status: 'open',
  deadline: '2026-11-15T00:00:00.000Z',
  provisional: true,
  openedAt: at(4),
  closedAt: null,
  light: 'red',
  escalationLevel: 'blue',
  urgeCount: 0,
};

describe('ledger report', () => {
  it('lists every task of the scope, rectification items included, as exact rows', async () => {
    expect(await read(COUNTY)).toEqual({ scope: COUNTY, roundId, rows: [s1, e1, v1] });
    // Another round sees none of them.
    const other = await ledgerRows(db, { viewer: county, scope: COUNTY, roundId: `none-${run}` });
    expect(other.rows).toEqual([]);
  });

  it('scopes to the viewer: narrower scopes inside, forbidden outside', async () => {
    expect((await read(T1)).rows).toEqual([s1]);
    expect((await read(B1)).rows).toEqual([e1, v1]);
    const township = viewer('township_reviewer', T1);
    expect((await read(T1, township)).rows).toEqual([s1]);
    expect((await read(A1, township)).rows).toEqual([s1]);
    for (const scope of [COUNTY, T2, B1, '330103'])
      await expect(read(scope, township)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(read(COUNTY, viewer('village_secretary', A1))).rejects.toBeInstanceOf(RequestError);
  });

  it('exports CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting of a title with comma, quote and newline', async () => {
    const file = await ledgerExport(
      db,
      { viewer: county, scope: COUNTY, roundId, format: 'csv' },
      { now: W47, yellow },
    );
    expect(file.filename).toBe(`台账-${COUNTY}-2026-11-18.csv`);
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(file.base64, 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe(
      '\uFEFF' +
        [
          '序号,乡镇,支部,事项,环节,责任主体,期限,期限说明,状态,亮灯,督办级别,催办次数,销号日期',
          `1,${T1},${A1},"测试一村,""示范""\n乡镇审核",乡镇审核,乡镇审核人（${T1}）,2026-11-20,,办理中,黄灯,,1,`,
          `2,${T2},${B1},整改：阵地建设不达标,整改佐证,村（社区）党支部书记（${B1}）,2026-11-30,,已办结,绿灯,,0,2026-11-10`,
          `3,${T2},${B1},整改核验：阵地建设不达标,整改核验,乡镇审核人（${T2}）,2026-11-15,暂按工作日计算,办理中,红灯,蓝色督办,0,`,
        ].join('\r\n') +
        '\r\n',
    );
  });

  it('exports xlsx: title row, Chinese header (frozen), the rows, column widths', async () => {
    const file = await ledgerExport(
      db,
      { viewer: county, scope: COUNTY, roundId, format: 'xlsx', scopeName: '示范县' },
      { now: W47, yellow },
    );
    expect(file.filename).toBe(`台账-${COUNTY}-2026-11-18.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('台账')!;
    expect(ws.getCell('A1').value).toBe('示范县五星支部创建工作台账（截至2026-11-18）');
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([...LEDGER_HEADER]);
    expect(ws.rowCount).toBe(5);
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual([
      1,
      T1,
      A1,
      TITLE1,
      '乡镇审核',
      `乡镇审核人（${T1}）`,
      '2026-11-20',
      '',
      '办理中',
      '黄灯',
      '',
      1,
      '',
    ]);
    expect(ws.getRow(4).getCell(13).value).toBe('2026-11-10');
    expect(ws.getRow(5).getCell(8).value).toBe('暂按工作日计算');
    expect(ws.getRow(5).getCell(11).value).toBe('蓝色督办');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ws.getColumn(4).width).toBe(40);
    expect(ws.getColumn(1).width).toBe(6);
  });

  it('takes weekly snapshots once per scope, round and week; the summary answers this week vs last', async () => {
    const take = (now: Date) =>
      takeLedgerSnapshot(db, { viewer: county, scope: COUNTY, roundId }, { now, yellow });
    const w47 = await take(W47);
    expect(w47).toEqual({
      scope: COUNTY,
      roundId,
      week: '2026-W47',
      takenAt: W47.toISOString(),
      counts: {
        total: 3,
        byStatus: { open: 2, done: 1 },
        byLight: { green: 1, yellow: 1, red: 1 },
        byEscalation: { none: 2, blue: 1, yellow: 0, red: 0 },
        byKind: {
          step: 1,
          rectification_evidence: 1,
          rectification_verify: 1,
          extension_decision: 0,
          revocation_decision: 0,
        },
      },
    });

    // During the week: the rectification is signed off (销号), a new step of B1 opens.
    await apply(
      ev('rectification.closed', { findingId: F1, closes: k('v1') }, { branchId: B1 }),
      ev(
        'branch.step_opened',
        {
          step: 'TOWNSHIP_REVIEW',
          attempt: 1,
          work: {
            key: k('s2'),
            kind: 'step',
            title: '测试二村：乡镇审核',
            group: group('township_reviewer', T2),
            deadline: '2026-11-30T00:00:00.000Z',
          },
        },
        { branchId: B1 },
      ),
    );
    // Idempotent: the week's snapshot stays as first taken, whatever changed since.
    expect(await take(new Date(W47.getTime() + 3_600_000))).toEqual(w47);

    const w48 = await take(W48);
    expect(w48.week).toBe('2026-W48');
    expect(w48.counts).toEqual({
      total: 4,
      byStatus: { open: 2, done: 2 },
      byLight: { green: 3, yellow: 0, red: 1 },
      byEscalation: { none: 3, blue: 1, yellow: 0, red: 0 },
      byKind: {
        step: 2,
        rectification_evidence: 1,
        rectification_verify: 1,
        extension_decision: 0,
        revocation_decision: 0,
      },
    });
    const v1Closed = (
      await ledgerRows(db, { viewer: county, scope: B1, roundId }, { now: W48, yellow })
    ).rows.find((r) => r.key === k('v1'));
    expect(v1Closed).toMatchObject({ status: 'done', closedAt: at(6), escalationLevel: 'blue' });

    const summary = await ledgerSummary(db, { viewer: county, scope: COUNTY, roundId, week: '2026-W48' });
    expect(summary).toEqual({
      scope: COUNTY,
      roundId,
      week: '2026-W48',
      previousWeek: '2026-W47',
      current: w48,
      previous: w47,
      deltas: {
        total: 1,
        byStatus: { open: 0, done: 1 },
        byLight: { green: 2, yellow: -1, red: 0 },
        byEscalation: { none: 1, blue: 0, yellow: 0, red: 0 },
        byKind: {
          step: 1,
          rectification_evidence: 0,
          rectification_verify: 0,
          extension_decision: 0,
          revocation_decision: 0,
        },
      },
    });
    // The current week by default; no snapshot of the week before W47: deltas are W47's counts.
    const first = await ledgerSummary(db, { viewer: county, scope: COUNTY, roundId }, { now: W47 });
    expect(first).toMatchObject({ week: '2026-W47', previousWeek: '2026-W46', current: w47, previous: null });
    expect(first.deltas).toEqual(w47.counts);
    // Other scopes keep snapshots of their own; the summary is scoped like the rows.
    const t1 = await takeLedgerSnapshot(db, { viewer: county, scope: T1, roundId }, { now: W48, yellow });
    expect(t1.counts.total).toBe(1);
    await expect(
      ledgerSummary(db, {
        viewer: viewer('township_reviewer', T1),
        scope: COUNTY,
        roundId,
        week: '2026-W48',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      takeLedgerSnapshot(db, { viewer: viewer('township_reviewer', T1), scope: T2, roundId }, { now: W48 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('ledger report over HTTP', () => {
  let nc: NatsConnection | undefined;
  let svc: { stop(): Promise<void> } | undefined;
  let api: { port: number; stop(): Promise<void> } | undefined;
  let apiDb: Kysely<unknown> | undefined;
  let evidenceDir: string | undefined;
  let password: string;

  beforeAll(async () => {
    nc = await connectStream(env);
    svc = await startTasksService({ ...env.serviceOptions, yellowSeconds: 3 * 86_400 });
    const mod = await import('@fivestar/api');
    password = mod.DEMO_PASSWORD;
    const adb = await freshSchema<import('@fivestar/api').ApiDatabase>(env, 'api', mod.migrations);
    apiDb = adb as unknown as Kysely<unknown>;
    const hash = await mod.hashPassword(password);
    await mod.writeDirectory(adb, mod.demoCounty(COUNTY), async () => hash);
    evidenceDir = await mkdtemp(path.join(tmpdir(), 'fivestar-ledger-api-'));
    api = await mod.startApiService({
      config: { ...env.serviceOptions.config, taskQueue: `fivestar-test-ledger-api-${run}` },
      log: env.log,
      port: 0,
      jwtSecret: randomBytes(32).toString('hex'),
      evidence: new mod.LocalDiskEvidenceStore(evidenceDir),
      directoryEndpoint: false,
    });
  });

  afterAll(async () => {
    await api?.stop();
    await apiDb?.destroy();
    await closeAll(env, { svc, nc });
    if (evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
  });

  const tokens = new Map<string, string>();
  async function send(username: string, method: 'GET' | 'POST', url: string, body?: unknown) {
    const base = `http://127.0.0.1:${api!.port}/api`;
    if (!tokens.has(username)) {
      const res = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      expect(res.status).toBe(200);
      tokens.set(username, ((await res.json()) as { token: string }).token);
    }
    return fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(username)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
  const coord = `coord-${COUNTY}`;
  const twp = `twp-${T1}-1`;

  it('serves rows as JSON and downloads (xlsx, CSV) with Content-Disposition', async () => {
    const json = await send(coord, 'GET', `/ledger?scope=${COUNTY}&roundId=${roundId}`);
    expect(json.status).toBe(200);
    const body = (await json.json()) as { rows: LedgerRow[] };
    expect(body.rows.map((r) => r.key)).toEqual([k('s1'), k('e1'), k('v1'), k('s2')]);

    const csv = await send(coord, 'GET', `/ledger?scope=${COUNTY}&roundId=${roundId}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="[^"]+\.csv"; filename\*=UTF-8''/,
    );
    const text = Buffer.from(await csv.arrayBuffer()).toString('utf8');
    expect(text.startsWith('\uFEFF序号,乡镇,支部,')).toBe(true);

    const xlsx = await send(coord, 'GET', `/ledger?roundId=${roundId}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toMatch(/\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('台账')!;
    // The county's name from the API's directory.
    expect(String(ws.getCell('A1').value)).toMatch(/^示范县五星支部创建工作台账（截至\d{4}-\d{2}-\d{2}）$/);
    expect(ws.rowCount).toBe(2 + 4);
  });

  it('takes a snapshot and answers the summary; 403 outside, 400 naming the field', async () => {
    const snap = await send(coord, 'POST', '/ledger/snapshot', { scope: COUNTY, roundId });
    expect(snap.status).toBe(200);
    const taken = (await snap.json()) as { week: string; counts: { total: number } };
    expect(taken.counts.total).toBe(4);
    const summary = await send(
      coord,
      'GET',
      `/ledger/summary?scope=${COUNTY}&roundId=${roundId}&week=${taken.week}`,
    );
    expect(summary.status).toBe(200);
    expect(await summary.json()).toMatchObject({ week: taken.week, current: taken });

    const outside = await send(twp, 'GET', `/ledger?scope=${COUNTY}&roundId=${roundId}`);
    expect(outside.status).toBe(403);
    expect(outside.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await send(twp, 'POST', '/ledger/snapshot', { scope: T2 })).status).toBe(403);
    const mine = await send(twp, 'GET', `/ledger?roundId=${roundId}`);
    expect(((await mine.json()) as { rows: LedgerRow[] }).rows.map((r) => r.key)).toEqual([k('s1')]);

    const bad = await send(coord, 'GET', '/ledger?scope=abc&format=pdf');
    expect(bad.status).toBe(400);
    const errors = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(errors).toEqual(['query.format', 'query.scope']);
    const week = await send(coord, 'GET', `/ledger/summary?week=2026-48`);
    expect(week.status).toBe(400);
    expect(((await week.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'query.week',
    ]);
  });
});
