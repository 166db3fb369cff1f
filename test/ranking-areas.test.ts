/**
 * Rankings above the county (issue 12): a province of two cities ranked from each county's whole-county
 * round, the list of five-star branches, the monthly bulletins of a province, the HTTP routes and their
 * access, and a rebuild from the stream — on real PostgreSQL and NATS JetStream, events published as the
 * workflows and the directory publish them.
 */
import ExcelJS from 'exceljs';
import { type AreaRankingResult, type BranchType, type FivestarEvent, type Role } from '@fivestar/contracts';
import { callEndpoint, type NatsConnection } from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import { DEMO_PASSWORD, demoCounty, hashPassword, writeDirectory } from '@fivestar/api';
import { migrations, rebuildRanking, SCHEMA, startRankingService, type RankingDB } from '@fivestar/ranking';
import { startTestApi, type Caller, type TestApi } from './api-support';
import {
  caughtUp,
  closeAll,
  connectStream,
  eventFactory,
  freeProvince,
  freshSchema,
  publishNew,
  testEnv,
} from './support';

const env = testEnv('ranking');
const { run, log } = env;

let db: Kysely<RankingDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;
let api: TestApi | undefined;

/**
 * Province P: city C1 (its own units 市直 C1+00, counties K11 and K12) and city C2 (county K21).
 *
 *   county  round (2026)                     branches (type: level)                 stars  score
 *   K10     R10 (campaign)                   organ 4, enterprise 3                   7      3.50
 *   K11     R11 (campaign)                   rural 5, 4, 3; urban 2                  14     3.50
 *           R11t: one township, later — never the county's source (there the urban one has 5)
 *   K12     R12 (campaign); R12y of 2025     rural 1, 0                              1      0.50
 *   K21     R21 (campaign)                   rural 5, 5                              10     5.00
 *           R21x: whole county, later, no campaign: rural 1, 1                      2      1.00
 *
 * Without a campaign K21 reads R21x: C1 8 branches 22 stars 2.75 (62.50%) #1, C2 2 branches 2 stars
 * 1.00 #2; the province 10 branches, 24 stars, 2.40, 50.00%. With the campaign C2 reads R21: 10 stars,
 * 5.00 #1, C1 #2.
 */
let P: string;
let C1: string;
let C2: string;
const codes = () => {
  const K10 = `${C1}00`;
  const K11 = `${C1}01`;
  const K12 = `${C1}02`;
  const K21 = `${C2}01`;
  return { K10, K11, K12, K21 };
};
/** The province's campaign of the year (its id is the province's code and the year). */
let CAMPAIGN: string;
const RURAL = ['industry', 'ecology', 'safety', 'civility', 'party'];
const ORGAN = ['business', 'service', 'harmony', 'clean', 'party'];
const NAMES: Record<string, string> = {
  industry: '产业兴旺星',
  ecology: '生态宜居星',
  safety: '平安法治星',
  civility: '文明幸福星',
  party: '支部过硬星',
  business: '业务突出星',
  service: '服务高效星',
  harmony: '文明和谐星',
  clean: '廉洁法治星',
};
const starsOf = (codes: string[]) => codes.map((code) => ({ code, name: NAMES[code]! }));

const { ev } = eventFactory({
  idPrefix: `ranking-areas-test/${run}`,
  roundId: null,
  branchId: null,
  area: () => P,
  t0: Date.parse('2026-06-01T00:00:00.000Z'),
  stepMs: 1000,
});

const township = (county: string) => `${county}001`;
const branch = (county: string, n: number) => `${township(county)}${String(n).padStart(3, '0')}`;
const upsert = (county: string, n: number, type: BranchType) =>
  ev('directory.branch_upserted', {
    branch: {
      code: branch(county, n),
      name: `${county.slice(-2)}支部${n}`,
      type,
      townshipCode: township(county),
      countyCode: county,
      weak: false,
    },
    townshipName: `乡镇${county.slice(-2)}`,
    countyName: `县${county}`,
    cityName: `市${county.slice(0, 4)}`,
    provinceName: '测试省',
  });
const start = (
  roundId: string,
  county: string,
  opts: { year?: number; campaign?: boolean; townships?: string[]; stars?: string[] } = {},
) =>
  ev(
    'round.started',
    {
      title: `轮次${roundId}`,
      year: opts.year ?? 2026,
      countyCode: county,
      catalogs: [{ id: 'c', version: 1, stars: starsOf(opts.stars ?? RURAL) }],
      ...(opts.townships ? { townshipCodes: opts.townships } : {}),
      ...(opts.campaign === false ? {} : { campaignId: CAMPAIGN }),
    },
    { roundId },
  );
const award = (roundId: string, county: string, n: number, level: number, list = RURAL) =>
  ev(
    'branch.awarded',
    { level, stars: starsOf(list.slice(0, level)), catalog: { id: 'c', version: 1 } },
    { roundId, branchId: branch(county, n) },
  );

const r = (id: string) => `${id}-${run}`;
const areaRanking = (code: string, campaignId?: string) =>
  callEndpoint(nc, 'ranking', 'areaRanking', { code, year: 2026, campaignId });
const brief = (a: AreaRankingResult['children'][number] | AreaRankingResult['area']) => [
  a.code,
  a.name,
  a.branches,
  a.totalStars,
  a.averageStars,
  a.threeStarsOrMoreShare,
];

beforeAll(async () => {
  db = await freshSchema<RankingDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startRankingService(env.serviceOptions);
  await caughtUp(nc, env.durable);
  P = await freeProvince(db);
  CAMPAIGN = `${P}-2026`;
  [C1, C2] = [`${P}01`, `${P}02`];
  const { K10, K11, K12, K21 } = codes();
  const events: FivestarEvent[] = [
    upsert(K10, 1, 'organ'),
    upsert(K10, 2, 'enterprise'),
    upsert(K11, 1, 'rural'),
    upsert(K11, 2, 'rural'),
    upsert(K11, 3, 'rural'),
    upsert(K11, 4, 'urban'),
    upsert(K12, 1, 'rural'),
    upsert(K12, 2, 'rural'),
    upsert(K21, 1, 'rural'),
    upsert(K21, 2, 'rural'),
    start(r('R12y'), K12, { year: 2025 }),
    award(r('R12y'), K12, 1, 5),
    start(r('R10'), K10, { stars: ORGAN }),
    award(r('R10'), K10, 1, 4, ORGAN),
    award(r('R10'), K10, 2, 3, ORGAN),
    start(r('R11'), K11),
    award(r('R11'), K11, 1, 5),
    award(r('R11'), K11, 2, 4),
    award(r('R11'), K11, 3, 3),
    award(r('R11'), K11, 4, 2),
    start(r('R11t'), K11, { townships: [township(K11)] }),
    award(r('R11t'), K11, 4, 5),
    start(r('R12'), K12),
    award(r('R12'), K12, 1, 1),
    start(r('R21'), K21),
    award(r('R21'), K21, 1, 5),
    award(r('R21'), K21, 2, 5),
    start(r('R21x'), K21, { campaign: false }),
    award(r('R21x'), K21, 1, 1),
    award(r('R21x'), K21, 2, 1),
  ];
  await publishNew(nc, events);
  await caughtUp(nc, env.durable);
});

afterAll(async () => {
  await api?.close();
  await closeAll(env, { svc, nc, db });
});

describe('area rankings', () => {
  it('ranks the cities of the province with the exact figures', async () => {
    const p = await areaRanking(P);
    expect([p.code, p.name, p.level, p.year, p.campaignId]).toEqual([P, '测试省', 'province', 2026, null]);
    expect(brief(p.area)).toEqual([P, '测试省', 10, 24, '2.40', '50.00']);
    expect(p.area.levelCounts).toEqual({ 0: 1, 1: 3, 2: 1, 3: 2, 4: 2, 5: 1 });
    expect(p.children.map((c) => [c.rank, ...brief(c)])).toEqual([
      [1, C1, `市${C1}`, 8, 22, '2.75', '62.50'],
      [2, C2, `市${C2}`, 2, 2, '1.00', '0.00'],
    ]);
    // The rounds' catalogs' stars, by county code: the 市直's organ stars first.
    expect(p.stars.map((s) => s.code)).toEqual([...ORGAN, ...RURAL.slice(0, 4)]);
    expect(p.children[0]!.starCounts).toEqual({
      business: 2,
      service: 2,
      harmony: 2,
      clean: 1,
      party: 1,
      industry: 5,
      ecology: 4,
      safety: 3,
      civility: 2,
    });
    const { K10, K11, K12, K21 } = codes();
    expect(p.sources.map((s) => [s.countyCode, s.roundId])).toEqual([
      [K10, r('R10')],
      [K11, r('R11')],
      [K12, r('R12')],
      [K21, r('R21x')],
    ]);
  });

  it('ranks the counties of a city, its own units as 市直, by branch type too; a township round never stands for its county', async () => {
    const c = await areaRanking(C1);
    const { K10, K11, K12 } = codes();
    expect(brief(c.area)).toEqual([C1, `市${C1}`, 8, 22, '2.75', '62.50']);
    // K11 from its whole-county round (14 stars), not the later one of its township (5).
    expect(c.children.map((x) => [x.rank, ...brief(x)])).toEqual([
      [1, K10, '市直', 2, 7, '3.50', '100.00'],
      [1, K11, `县${K11}`, 4, 14, '3.50', '75.00'],
      [3, K12, `县${K12}`, 2, 1, '0.50', '0.00'],
    ]);
    const t = c.area.byType;
    expect(
      [t.rural, t.urban, t.organ, t.enterprise].map((f) => [
        f.branches,
        f.totalStars,
        f.averageStars,
        f.threeStarsOrMoreShare,
      ]),
    ).toEqual([
      [5, 13, '2.60', '60.00'],
      [1, 2, '2.00', '0.00'],
      [1, 4, '4.00', '100.00'],
      [1, 3, '3.00', '100.00'],
    ]);
    expect(c.children[1]!.levelCounts).toEqual({ 0: 0, 1: 0, 2: 1, 3: 1, 4: 1, 5: 1 });
  });

  it('keeps to the rounds of a campaign when asked', async () => {
    const p = await areaRanking(P, CAMPAIGN);
    expect(p.children.map((c) => [c.rank, c.code, c.totalStars, c.averageStars])).toEqual([
      [1, C2, 10, '5.00'],
      [2, C1, 22, '2.75'],
    ]);
    expect(brief(p.area)).toEqual([P, '测试省', 10, 32, '3.20', '70.00']);
    expect((await areaRanking(P, `${P}-2025`)).area.totalStars).toBe(0);
  });

  it('lists the five-star branches of the province with their places and rounds', async () => {
    const { K11, K21 } = codes();
    const all = await callEndpoint(nc, 'ranking', 'fiveStarList', {
      code: P,
      year: 2026,
      campaignId: CAMPAIGN,
    });
    expect(all.title).toBe('测试省2026年度五星支部通报表扬名单');
    expect(all.branches).toEqual([
      {
        code: branch(K11, 1),
        name: `${K11.slice(-2)}支部1`,
        type: 'rural',
        cityCode: C1,
        cityName: `市${C1}`,
        countyCode: K11,
        countyName: `县${K11}`,
        townshipCode: township(K11),
        townshipName: `乡镇${K11.slice(-2)}`,
        roundId: r('R11'),
        roundTitle: `轮次${r('R11')}`,
      },
      expect.objectContaining({ code: branch(K21, 1), cityName: `市${C2}`, roundId: r('R21') }),
      expect.objectContaining({ code: branch(K21, 2) }),
    ]);
    // Without the campaign K21 reads its later round, where nobody has five stars; K11's township round
    // (its urban branch at five) is never read.
    const latest = await callEndpoint(nc, 'ranking', 'fiveStarList', { code: P, year: 2026 });
    expect(latest.branches.map((b) => b.code)).toEqual([branch(K11, 1)]);
  });
});

// ---- HTTP ------------------------------------------------------------------------------------------

const users: Array<[string, Role, () => string]> = [
  ['leader-city', 'leader', () => C1],
  ['coord-city', 'coordinator', () => C1],
  ['coord-province', 'coordinator', () => P],
  ['observer-other-city', 'observer', () => C2],
];

async function signIn(username: string): Promise<Caller> {
  return api!.signIn(`${username}-${run}`);
}

describe('over HTTP', () => {
  beforeAll(async () => {
    const { K11 } = codes();
    api = await startTestApi(testEnv('api_areas'), K11, async (apiDb) => {
      const hash = await hashPassword(DEMO_PASSWORD);
      await writeDirectory(
        apiDb,
        {
          ...demoCounty(K11),
          users: users.map(([name, role, jurisdiction]) => ({
            id: `u-${name}-${run}`,
            username: `${name}-${run}`,
            name,
            role,
            jurisdiction: jurisdiction(),
            active: true,
          })),
        },
        async () => hash,
      );
    });
  });

  it('answers the area ranking to users on its path, 403 to others, 400 naming a bad field', async () => {
    const [leader, county, other] = await Promise.all([
      signIn('leader-city'),
      api!.signIn(`coord-${codes().K11}`),
      signIn('observer-other-city'),
    ]);
    const ok = await leader.get(`/rankings/areas?code=${C1}&year=2026`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(await areaRanking(C1));
    // A county's user reads its city's and its province's figures (one path of the tree).
    expect((await county.get(`/rankings/areas?code=${P}&year=2026`)).status).toBe(200);
    const refused = await other.get(`/rankings/areas?code=${C1}&year=2026`);
    expect(refused.status).toBe(403);
    expect(refused.type).toMatch(/^application\/problem\+json/);
    expect((await leader.get(`/rankings/areas/five-star?code=${C2}&year=2026`)).status).toBe(403);
    const bad = await leader.get(`/rankings/areas?code=${C1}1&year=twenty`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'query.code',
      'query.year',
    ]);
  });

  it('downloads the ranking and the list of five-star branches as xlsx and HTML', async () => {
    const province = await signIn('coord-province');
    const xlsx = await province.get(`/rankings/areas?code=${P}&year=2026&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const row = (sheet: string, n: number) =>
      (wb.getWorksheet(sheet)!.getRow(n).values as unknown[]).slice(1);
    expect(row('市排名', 2)).toEqual(['排名', '市', '支部数', '累计创星', '创建得分', '三星以上占比']);
    expect(row('市排名', 3)).toEqual(['1', `市${C1}`, '8', '22', '2.75', '62.50%']);
    expect(row('市排名', 4)).toEqual(['2', `市${C2}`, '2', '2', '1.00', '0.00%']);
    expect(row('星级分布', 5)).toEqual(['全省', '1', '3', '1', '2', '2', '1']);
    expect(row('分类型情况', 3)).toEqual([`市${C1}`, '村', '5', '13', '2.60', '60.00%']);
    const html = (await province.get(`/rankings/areas?code=${C1}&year=2026&format=html`)).bytes.toString(
      'utf8',
    );
    expect(html).toContain(`<h1>市${C1}2026年度五星支部创建县（市、区）排名</h1>`);
    expect(html).toContain(
      '<tr><td>1</td><td>市直</td><td>2</td><td>7</td><td>3.50</td><td>100.00%</td></tr>',
    );

    const list = await province.get(
      `/rankings/areas/five-star?code=${P}&year=2026&campaignId=${CAMPAIGN}&format=xlsx`,
    );
    await wb.xlsx.load(list.bytes as unknown as ArrayBuffer);
    const { K11 } = codes();
    expect(row('五星支部名单', 3)).toEqual([
      '1',
      `市${C1}`,
      `县${K11}`,
      `乡镇${K11.slice(-2)}`,
      `${K11.slice(-2)}支部1`,
      '村',
      `轮次${r('R11')}`,
    ]);
    expect(row('五星支部名单', 5)?.[0]).toBe('3');
    const page = await province.get(`/rankings/areas/five-star?code=${P}&year=2026&format=html`);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.bytes.toString('utf8')).toContain('共有五星支部 1 个');
  });

  it('snapshots and publishes the province’s monthly bulletin, with arrows against the month before', async () => {
    const [province, city] = await Promise.all([signIn('coord-province'), signIn('coord-city')]);
    const october = await province.post('/bulletins/snapshot', { code: P, period: '2026-10' });
    expect(october.status).toBe(200);
    expect(october.body).toMatchObject({
      code: P,
      period: '2026-10',
      year: 2026,
      campaignId: null,
      replaced: false,
    });
    // A city's coordinator does not take the province's snapshot; a county's round is not an area's.
    expect((await city.post('/bulletins/snapshot', { code: P, period: '2026-10' })).status).toBe(403);
    const mixed = await province.post('/bulletins/snapshot', {
      code: P,
      period: '2026-10',
      roundId: 'round-2026',
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors).toEqual([expect.objectContaining({ field: 'body.roundId' })]);

    // November: K21's branches reach five stars in its latest round; C2 overtakes C1.
    const { K21 } = codes();
    await publishNew(nc, [award(r('R21x'), K21, 1, 5), award(r('R21x'), K21, 2, 5)]);
    await caughtUp(nc, env.durable);
    expect((await province.post('/bulletins/snapshot', { code: P, period: '2026-11' })).status).toBe(200);

    const b = await city.get(`/bulletins/${P}/2026-11`);
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({
      code: P,
      level: 'province',
      period: '2026-11',
      previousPeriod: '2026-10',
      title: '测试省2026年11月五星支部创建排名通报',
      area: { totalStars: 32, previousTotalStars: 24 },
      escalated: [],
    });
    expect(
      b.body.children.map((c: any) => [
        c.code,
        c.rank,
        c.previousRank,
        c.rankMovement,
        c.totalStars,
        c.previousTotalStars,
      ]),
    ).toEqual([
      [C2, 1, 2, 'up', 10, 2],
      [C1, 2, 1, 'down', 22, 22],
    ]);
    const xlsx = await city.get(`/bulletins/${P}/2026-11?format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect((wb.getWorksheet('市排名')!.getRow(3).values as unknown[]).slice(1)).toEqual([
      '1',
      '↑1',
      `市${C2}`,
      '2',
      '10',
      '5.00',
      '100.00%',
      '0',
      '0',
    ]);
    const html = (await city.get(`/bulletins/${P}/2026-11?format=html`)).bytes.toString('utf8');
    expect(html).toContain(
      '全省共 10 个支部，累计创星 32 颗，创建得分 3.20，三星以上占比 70.00%。升降对比 2026-10 月度排名。',
    );

    expect((await city.post(`/bulletins/${P}/2026-11/publish`)).status).toBe(403);
    const first = await province.post(`/bulletins/${P}/2026-11/publish`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ bulletinId: `bulletin/${P}/2026-11`, duplicate: false });
    const again = await province.post(`/bulletins/${P}/2026-11/publish`);
    expect(again.body).toMatchObject({ bulletinId: `bulletin/${P}/2026-11`, duplicate: true });
    const stored = await db.selectFrom('area_bulletins').select(['area_code', 'title']).execute();
    expect(stored).toEqual([{ area_code: P, title: '测试省2026年11月五星支部创建排名通报' }]);
    expect((await province.get(`/bulletins/${P}/2026-09`)).status).toBe(404);
  });
});

describe('rebuild and scale', () => {
  it('rebuilds from the stream to the same area figures', async () => {
    const before = [await areaRanking(P), await areaRanking(C1, CAMPAIGN)];
    await svc!.stop();
    svc = undefined;
    await rebuildRanking(db, nc, log);
    svc = await startRankingService(env.serviceOptions);
    expect([await areaRanking(P), await areaRanking(C1, CAMPAIGN)]).toEqual(before);
  });

  it('ranks a province of 52,000 branches quickly', async () => {
    // Written into the model straight (the figures of it are tested above): 19 cities × 8 counties ×
    // 10 townships × 34 branches, one round per county, every branch awarded.
    const Q = await freeProvince(db);
    await sql`
      INSERT INTO branches (code, name, type, township_code, township_name, county_code, county_name, updated_at)
      SELECT t || lpad(b::text, 3, '0'), 'b', 'rural', t, 't', left(t, 6), 'k', now()
      FROM (SELECT ${Q} || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') || lpad(w::text, 3, '0') AS t
            FROM generate_series(1, 19) c, generate_series(1, 8) k, generate_series(1, 10) w) tw,
           generate_series(1, 34) b`.execute(db);
    await sql`
      INSERT INTO rounds (round_id, county_code, year, title, started_at)
      SELECT 'scale-' || county_code, county_code, 2026, 'r', now() FROM branches
      WHERE county_code LIKE ${`${Q}%`} GROUP BY county_code`.execute(db);
    await sql`
      INSERT INTO standings (round_id, branch_code, level, stars, changed_at)
      SELECT 'scale-' || county_code, code, (hashtext(code) & 7) % 6, '{}', now() FROM branches
      WHERE county_code LIKE ${`${Q}%`}`.execute(db);
    await sql`ANALYZE`.execute(db);
    const started = Date.now();
    const q = await areaRanking(Q);
    const ms = Date.now() - started;
    expect(q.area.branches).toBe(19 * 8 * 10 * 34);
    expect(q.children).toHaveLength(19);
    log.warn({ ms }, 'province ranking of 51,680 branches');
    expect(ms).toBeLessThan(1500);
  });
});
