/**
 * Monthly snapshots (一月一排名) and bulletins (通报) against real PostgreSQL (database
 * `fivestar_test_ranking`) and real NATS JetStream. Self-sufficient like ranking.test.ts: its own schema,
 * its own durable, and a city nobody has used on the shared stream.
 */
import ExcelJS from 'exceljs';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENT_STREAM, eventSubject, type Aggregate, type FivestarEvent } from '@fivestar/contracts';
import { callEndpoint, type NatsConnection } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { migrations, SCHEMA, startRankingService, type RankingDB } from '@fivestar/ranking';
import { noticeFor } from '@fivestar/notifications';
import { startTestApi, type TestApi } from './api-support';
import {
  caughtUp,
  closeAll,
  connectStream,
  eventCount,
  eventFactory,
  freeCity,
  freshSchema,
  publishNew,
  ruralBranch,
  testEnv,
} from './support';

const env = testEnv('ranking');
const { run } = env;

let COUNTY: string;
let T1: string;
let T2: string;
const br = (township: string, n: number) => `${township}${String(n).padStart(3, '0')}`;

let db: Kysely<RankingDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;
let api: TestApi | undefined;

const { ev } = eventFactory({
  idPrefix: `bulletins-test/${run}`,
  roundId: `b1-${run}`,
  branchId: null,
  area: () => COUNTY,
  t0: Date.parse('2026-01-10T00:00:00.000Z'),
  stepMs: 1000,
});

const STARS = ['industry', 'ecology', 'safety', 'civility', 'party'];
const upsert = (code: string, township: string) =>
  ev('directory.branch_upserted', ruralBranch(code, township), { roundId: null });
const award = (code: string, level: number) =>
  ev(
    'branch.awarded',
    {
      level,
      stars: STARS.slice(0, level).map((c) => ({ code: c, name: c })),
      catalog: { id: 'rural-default', version: 1 },
    },
    { branchId: code },
  );
const publish = (events: FivestarEvent[]) => publishNew(nc, events);

const BULLETIN_SUBJECT = eventSubject('ranking.bulletin_published');

const bulletinEventCount = () => eventCount(nc, 'ranking.bulletin_published');

beforeAll(async () => {
  db = await freshSchema<RankingDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startRankingService(env.serviceOptions);
  await caughtUp(nc, env.durable);
  COUNTY = `${await freeCity(db)}01`;
  [T1, T2] = [`${COUNTY}001`, `${COUNTY}002`];
});

afterAll(async () => {
  await api?.close();
  await closeAll(env, { svc, nc, db });
});

describe('bulletins', () => {
  it('snapshots two months and shows the exact movement between them', async () => {
    // January: T1 has 3 + 2 stars, T2 has 1 + 0.
    await publish([
      upsert(br(T1, 1), T1),
      upsert(br(T1, 2), T1),
      upsert(br(T2, 1), T2),
      upsert(br(T2, 2), T2),
      award(br(T1, 1), 3),
      award(br(T1, 2), 2),
      award(br(T2, 1), 1),
    ]);
    await caughtUp(nc, env.durable);
    const jan = await callEndpoint(nc, 'ranking', 'takeSnapshot', { countyCode: COUNTY, period: '2026-01' });
    expect(jan).toMatchObject({ countyCode: COUNTY, roundId: null, period: '2026-01', replaced: false });

    // February: T2's branches rise to 4 and 3 stars.
    await publish([award(br(T2, 1), 4), award(br(T2, 2), 3)]);
    await caughtUp(nc, env.durable);
    await callEndpoint(nc, 'ranking', 'takeSnapshot', { countyCode: COUNTY, period: '2026-02' });
    // Re-taking the month replaces its snapshot.
    const again = await callEndpoint(nc, 'ranking', 'takeSnapshot', {
      countyCode: COUNTY,
      period: '2026-02',
    });
    expect(again.replaced).toBe(true);
    const rows = await db
      .selectFrom('snapshots')
      .select('period')
      .where('county_code', '=', COUNTY)
      .execute();
    expect(rows.map((r) => r.period).sort()).toEqual(['2026-01', '2026-02']);

    const b = await callEndpoint(nc, 'ranking', 'bulletin', { countyCode: COUNTY, period: '2026-02' });
    expect(b).toMatchObject({
      countyCode: COUNTY,
      countyName: `县${COUNTY}`,
      period: '2026-02',
      previousPeriod: '2026-01',
      title: `县${COUNTY}2026年2月五星支部创建排名通报`,
    });
    expect(b.county).toMatchObject({
      totalStars: 12,
      previousTotalStars: 6,
      averageStars: '3.00',
      threeStarsOrMoreShare: '75.00',
    });
    expect(
      b.townships.map((t) => [t.code, t.rank, t.previousRank, t.rankMovement, t.totalStars, t.averageStars]),
    ).toEqual([
      [T2, 1, 2, 'up', 7, '3.50'],
      [T1, 2, 1, 'down', 5, '2.50'],
    ]);
    expect(
      b.branches.map((x) => [
        x.code,
        x.level,
        x.previousLevel,
        x.levelMovement,
        x.rank,
        x.previousRank,
        x.rankMovement,
      ]),
    ).toEqual([
      [br(T2, 1), 4, 1, 'up', 1, 3, 'up'],
      [br(T1, 1), 3, 3, 'same', 2, 1, 'down'],
      [br(T2, 2), 3, 0, 'up', 2, 4, 'up'],
      [br(T1, 2), 2, 2, 'same', 4, 2, 'down'],
    ]);
    // Per-star tallies: no round lists the catalog's stars, so the ones held (nobody holds party), by code.
    expect(b.stars.map((x) => x.code)).toEqual(['civility', 'ecology', 'industry', 'safety']);
    expect(b.county.starCounts).toEqual({ civility: 1, ecology: 4, industry: 4, safety: 3 });
    expect(b.townships.map((t) => [t.code, t.starCounts])).toEqual([
      [T2, { civility: 1, ecology: 2, industry: 2, safety: 2 }],
      [T1, { civility: 0, ecology: 2, industry: 2, safety: 1 }],
    ]);

    // A snapshot taken before tallies were kept still makes a bulletin, with none.
    const { body } = await db
      .selectFrom('snapshots')
      .select('body')
      .where('county_code', '=', COUNTY)
      .where('period', '=', '2026-02')
      .executeTakeFirstOrThrow();
    const { stars: _stars, ...old } = body;
    const untallied = (a: Aggregate) => {
      const { starCounts: _counts, ...rest } = a;
      return rest;
    };
    await db
      .updateTable('snapshots')
      .set({
        body: JSON.stringify({
          ...old,
          county: untallied(old.county),
          townships: old.townships.map(untallied),
        }),
      })
      .where('county_code', '=', COUNTY)
      .where('period', '=', '2026-02')
      .execute();
    const before = await callEndpoint(nc, 'ranking', 'bulletin', { countyCode: COUNTY, period: '2026-02' });
    expect([before.stars, before.county.starCounts, before.county.totalStars]).toEqual([[], {}, 12]);
    await db
      .updateTable('snapshots')
      .set({ body: JSON.stringify(body) })
      .where('county_code', '=', COUNTY)
      .where('period', '=', '2026-02')
      .execute();

    // January has no month before it: no arrows.
    const first = await callEndpoint(nc, 'ranking', 'bulletin', { countyCode: COUNTY, period: '2026-01' });
    expect(first.previousPeriod).toBeNull();
    expect(first.townships.map((t) => t.rankMovement)).toEqual([null, null]);
    expect(first.branches.every((x) => x.levelMovement === 'new')).toBe(true);

    await expect(
      callEndpoint(nc, 'ranking', 'bulletin', { countyCode: COUNTY, period: '2026-03' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('renders the bulletin as HTML with the expected figures', async () => {
    const doc = await callEndpoint(nc, 'ranking', 'bulletinDocument', {
      countyCode: COUNTY,
      period: '2026-02',
      format: 'html',
    });
    expect(doc.contentType).toBe('text/html; charset=utf-8');
    const html = Buffer.from(doc.base64, 'base64').toString('utf8');
    expect(html).toContain(`<h1>县${COUNTY}2026年2月五星支部创建排名通报</h1>`);
    expect(html).toContain('全县共 4 个支部，累计创星 12 颗，创建得分 3.00，三星以上占比 75.00%');
    expect(html).toContain(
      '<tr><td>1</td><td>↑1</td><td>乡镇002</td><td>2</td><td>7</td><td>3.50</td><td>100.00%</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>2</td><td>↓1</td><td>乡镇001</td><td>2</td><td>5</td><td>2.50</td><td>50.00%</td></tr>',
    );
    // Level distribution of the county: 0×0, 0×1, 1×2, 2×3, 1×4, 0×5.
    expect(html).toContain(
      '<tr><td>全县</td><td>0</td><td>0</td><td>1</td><td>2</td><td>1</td><td>0</td></tr>',
    );
    // Branches holding each star, per township and for the county.
    expect(html).toContain(
      '<thead><tr><th>乡镇</th><th>civility</th><th>ecology</th><th>industry</th><th>safety</th></tr></thead>',
    );
    expect(html).toContain('<tr><td>全县</td><td>1</td><td>4</td><td>4</td><td>3</td></tr>');
  });

  it('renders the same tables as xlsx', async () => {
    const doc = await callEndpoint(nc, 'ranking', 'bulletinDocument', {
      countyCode: COUNTY,
      period: '2026-02',
      format: 'xlsx',
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(doc.base64, 'base64') as unknown as ArrayBuffer);
    const values = (sheet: string, row: number) =>
      (wb.getWorksheet(sheet)!.getRow(row).values as unknown[]).slice(1);
    expect(values('乡镇排名', 2)).toEqual([
      '排名',
      '升降',
      '乡镇',
      '支部数',
      '累计创星',
      '创建得分',
      '三星以上占比',
    ]);
    expect(values('乡镇排名', 3)).toEqual(['1', '↑1', '乡镇002', '2', '7', '3.50', '100.00%']);
    expect(values('乡镇排名', 4)).toEqual(['2', '↓1', '乡镇001', '2', '5', '2.50', '50.00%']);
    expect(values('星级分布', 5)).toEqual(['全县', '0', '0', '1', '2', '1', '0']);
    expect(values('各星创建情况', 3)).toEqual(['乡镇002', '1', '2', '2', '2']);
    expect(values('各星创建情况', 5)).toEqual(['全县', '1', '4', '4', '3']);
    expect(values('支部星级', 3)).toEqual(['1', '↑2', '001村', '乡镇002', '4', '↑']);
  });

  it('publishes the bulletin once, however often it is published', async () => {
    const before = await bulletinEventCount();
    const id = `bulletin/${COUNTY}/2026-02`;
    const first = await callEndpoint(nc, 'ranking', 'publishBulletin', {
      countyCode: COUNTY,
      period: '2026-02',
    });
    expect(first).toMatchObject({ bulletinId: id, eventId: id, duplicate: false });
    const second = await callEndpoint(nc, 'ranking', 'publishBulletin', {
      countyCode: COUNTY,
      period: '2026-02',
    });
    expect(second).toMatchObject({ bulletinId: id, duplicate: true, publishedAt: first.publishedAt });
    expect(await bulletinEventCount()).toBe(before + 1);
    const last = await (
      await jetstreamManager(nc)
    ).streams.getMessage(EVENT_STREAM, {
      last_by_subj: BULLETIN_SUBJECT,
    });
    expect(last!.json<FivestarEvent>()).toMatchObject({
      id,
      type: 'ranking.bulletin_published',
      jurisdiction: COUNTY,
      data: {
        bulletinId: id,
        countyCode: COUNTY,
        roundId: null,
        period: '2026-02',
        title: `县${COUNTY}2026年2月五星支部创建排名通报`,
        url: `/api/bulletins/${COUNTY}/2026-02?format=html`,
      },
    });
    // Notifications tell the county's coordinators and its township reviewers.
    expect(noticeFor(last!.json<FivestarEvent>())).toMatchObject({
      kind: 'bulletin',
      groups: [
        { role: 'coordinator', jurisdiction: COUNTY },
        { role: 'township_reviewer', jurisdiction: COUNTY, inside: true },
      ],
      title: `通报：县${COUNTY}2026年2月五星支部创建排名通报`,
    });
    const stored = await db.selectFrom('bulletins').selectAll().where('id', '=', id).execute();
    expect(stored).toHaveLength(1);
  });

  it('serves snapshots and bulletins over HTTP to the county, coordinators alone publishing', async () => {
    api = await startTestApi(testEnv('api_bulletins'), COUNTY);
    const [coord, sec] = await Promise.all([
      api.signIn(`coord-${COUNTY}`),
      api.signIn(`sec-${COUNTY}100201`),
    ]);

    const taken = await coord.post('/bulletins/snapshot', { countyCode: COUNTY, period: '2026-03' });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ countyCode: COUNTY, period: '2026-03', replaced: false });
    const refused = await sec.post('/bulletins/snapshot', { countyCode: COUNTY, period: '2026-03' });
    expect(refused.status).toBe(403);
    expect(refused.type).toMatch(/^application\/problem\+json/);

    const json = await sec.get(`/bulletins/${COUNTY}/2026-02`);
    expect(json.status).toBe(200);
    // With the overdue and escalated lists (none in this county).
    expect(json.body).toMatchObject({
      period: '2026-02',
      previousPeriod: '2026-01',
      overdue: [],
      escalated: [],
    });
    const html = await sec.get(`/bulletins/${COUNTY}/2026-02?format=html`);
    expect(html.type).toMatch(/^text\/html/);
    expect(html.bytes.toString('utf8')).toContain('三星以上占比 75.00%');
    const xlsx = await coord.get(`/bulletins/${COUNTY}/2026-02?format=xlsx`);
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.bytes.subarray(0, 2).toString('latin1')).toBe('PK');

    const otherCounty = `${COUNTY.slice(0, 4)}${COUNTY.endsWith('99') ? '98' : '99'}`;
    expect((await coord.get(`/bulletins/${otherCounty}/2026-02`)).status).toBe(403);
    expect((await coord.get(`/bulletins/${COUNTY}/2026-13`)).status).toBe(400);
    expect((await coord.get(`/bulletins/${COUNTY}/2025-12`)).status).toBe(404);

    expect((await sec.post(`/bulletins/${COUNTY}/2026-02/publish`)).status).toBe(403);
    const again = await coord.post(`/bulletins/${COUNTY}/2026-02/publish`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ bulletinId: `bulletin/${COUNTY}/2026-02`, duplicate: true });
  });
  it('compares a month with the last earlier month of the same scope: a round of some townships never with the whole county', async () => {
    const scoped = `b-scope-${run}`;
    await publish([
      ev(
        'round.started',
        { title: '一个乡镇的轮次', year: 2026, countyCode: COUNTY, catalogs: [], townshipCodes: [T1] },
        { roundId: scoped },
      ),
    ]);
    await caughtUp(nc, env.durable);
    for (const period of ['2026-04', '2026-05'])
      await callEndpoint(nc, 'ranking', 'takeSnapshot', { countyCode: COUNTY, roundId: scoped, period });
    // Earlier months ranked the whole county (no round): none of them is this round's previous month.
    const april = await callEndpoint(nc, 'ranking', 'bulletin', { countyCode: COUNTY, period: '2026-04' });
    expect(april.previousPeriod).toBeNull();
    expect(april.townships.map((t) => t.code)).toEqual([T1]);
    const may = await callEndpoint(nc, 'ranking', 'bulletin', { countyCode: COUNTY, period: '2026-05' });
    expect(may.previousPeriod).toBe('2026-04');
  });
});
