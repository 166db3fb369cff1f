/**
 * Benchmark: the province's standings (bench/province.ts, 52,000 branches by default) loaded through the
 * event stream — each branch announced, each county's round started under the campaign and each branch
 * awarded, published to JetStream as the directory and the workflows publish them — and the time the
 * ranking service's consumer takes to apply them; then the province's ranking of its cities, a city's
 * ranking of its counties and the province's five-star list answered over HTTP, `--requests` times each
 * (p50/p99), against a raw baseline: the same aggregate as one plain SQL query on the read model. The
 * whole system runs in this process on the `fivestar_bench_ranking` database (dropped and migrated
 * afresh) and a private NATS; Temporal must answer (the stack's worker connects to it).
 *
 *   npx tsx bench/province-ranking.ts [--branches 52000] [--requests 200]
 *
 * Needs `npm run build`.
 */
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import type { FivestarEvent } from '@fivestar/contracts';
import {
  connectNats,
  createDb,
  createLogger,
  ensureDatabase,
  jetstreamClient,
  mapLimited,
  publishEvent,
} from '@fivestar/platform';
import { PUBLISH_CONCURRENCY } from '@fivestar/api';
import { ApiUser, startStack } from '../test/harness';
import { startPrivateNats } from '../test/private-nats';
import { caughtUp, eventFactory } from '../test/support';
import { benchProvince, PROVINCE, provinceSeed, type ProvinceFile } from './province';
import { latency, runBench } from './run';

const { values } = parseArgs({
  options: { branches: { type: 'string', default: '52000' }, requests: { type: 'string', default: '200' } },
});
const YEAR = 2026;
const CAMPAIGN = `${PROVINCE}-${YEAR}`;
const CITY = '4101';
const STARS: Record<'rural' | 'organ', [string, string][]> = {
  rural: [
    ['industry', '产业兴旺星'],
    ['ecology', '生态宜居星'],
    ['safety', '平安法治星'],
    ['civility', '文明幸福星'],
    ['party', '支部过硬星'],
  ],
  organ: [
    ['business', '业务突出星'],
    ['service', '服务高效星'],
    ['harmony', '文明和谐星'],
    ['clean', '廉洁法治星'],
    ['party', '支部过硬星'],
  ],
};
const starsOf = (list: [string, string][]) => list.map(([code, name]) => ({ code, name }));
/** A branch's level by its place in the file: 10% none, 15% one star, 25% two, 30% three, 15% four, 5% five. */
const LEVELS = [0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 5];
const levelOf = (i: number) => LEVELS[(i * 7) % LEVELS.length]!;

/** What the directory, the rounds and the awards publish for the province, in the order they would. */
function provinceEvents(f: ProvinceFile): FivestarEvent[] {
  const { ev } = eventFactory({
    idPrefix: `bench-ranking/${Date.now()}`,
    roundId: null,
    branchId: null,
    area: () => PROVINCE,
    t0: Date.parse(`${YEAR}-06-01T00:00:00.000Z`),
    stepMs: 1,
  });
  const townships = new Map(f.townships.map((t) => [t.code, t.name]));
  const counties = new Map(f.counties.map((c) => [c.code, c.name]));
  const cities = new Map(f.cities.map((c) => [c.code, c.name]));
  const roundOf = (county: string) => `${CAMPAIGN}-${county}-bench`;
  const catalog = (county: string) => (county.endsWith('00') ? STARS.organ : STARS.rural);
  const roundCounties = [...new Set(f.branches.map((b) => b.countyCode))];
  return [
    ...f.branches.map((branch) =>
      ev('directory.branch_upserted', {
        branch,
        townshipName: townships.get(branch.townshipCode)!,
        countyName: counties.get(branch.countyCode) ?? `${cities.get(branch.countyCode.slice(0, 4))}直`,
        cityName: cities.get(branch.code.slice(0, 4))!,
        provinceName: f.province.name,
      }),
    ),
    ...roundCounties.map((county) =>
      ev(
        'round.started',
        {
          title: `${county}五星支部创建`,
          year: YEAR,
          countyCode: county,
          catalogs: [{ id: 'bench', version: 1, stars: starsOf(catalog(county)) }],
          campaignId: CAMPAIGN,
        },
        { roundId: roundOf(county) },
      ),
    ),
    ...f.branches.map((b, i) =>
      ev(
        'branch.awarded',
        {
          level: levelOf(i),
          stars: starsOf(catalog(b.countyCode).slice(0, levelOf(i))),
          catalog: { id: 'bench', version: 1 },
        },
        { roundId: roundOf(b.countyCode), branchId: b.code },
      ),
    ),
  ];
}

/** The area's children (cities of the province, counties of a city) with their figures, as one query. */
const rawRanking = (db: Kysely<never>, code: string) =>
  sql`
    SELECT left(b.county_code, ${code.length + 2}) AS child, count(*) AS branches,
           coalesce(sum(s.level), 0) AS stars, count(*) FILTER (WHERE s.level >= 3) AS three_plus,
           count(*) FILTER (WHERE s.level = 5) AS five, count(*) FILTER (WHERE s.level = 4) AS four,
           count(*) FILTER (WHERE s.level = 3) AS three, count(*) FILTER (WHERE s.level = 2) AS two,
           count(*) FILTER (WHERE s.level = 1) AS one
    FROM ranking.branches b
    LEFT JOIN ranking.rounds r ON r.county_code = b.county_code AND r.year = ${YEAR}
                               AND r.campaign_id = ${CAMPAIGN}
    LEFT JOIN ranking.standings s ON s.round_id = r.round_id AND s.branch_code = b.code
    WHERE b.county_code LIKE ${`${code}%`}
    GROUP BY 1 ORDER BY sum(s.level)::float / count(*) DESC`.execute(db);

const rawFiveStar = (db: Kysely<never>) =>
  sql`
    SELECT b.code, b.name, b.type, b.township_name, b.county_name, s.round_id
    FROM ranking.standings s
    JOIN ranking.rounds r ON r.round_id = s.round_id AND r.year = ${YEAR} AND r.campaign_id = ${CAMPAIGN}
    JOIN ranking.branches b ON b.code = s.branch_code
    WHERE s.level = 5 AND r.county_code LIKE ${`${PROVINCE}%`}
    ORDER BY b.code`.execute(db);

async function main(): Promise<object> {
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench_ranking';
  await ensureDatabase(databaseUrl, createLogger('bench', 'warn'));
  const nats = await startPrivateNats();
  const file = benchProvince(Number(values.branches));
  const stack = await startStack({ databaseUrl, natsUrl: nats.url, directory: provinceSeed(file) });
  const nc = await connectNats(nats.url, 'bench-ranking');
  const db = createDb<never>(databaseUrl, 'ranking', 2);
  try {
    const events = provinceEvents(file);
    const js = jetstreamClient(nc);
    const t0 = performance.now();
    await mapLimited(events, PUBLISH_CONCURRENCY, (e) => publishEvent(js, e));
    const publishSeconds = (performance.now() - t0) / 1000;
    await caughtUp(nc, `ranking-${stack.runId}`, 3_600_000);
    const applySeconds = (performance.now() - t0) / 1000;

    const n = Number(values.requests);
    const coordinator = await ApiUser.login(stack.baseUrl, `coord-${PROVINCE}`);
    const get = async (url: string) => {
      const r = await coordinator.get(url);
      if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const area = `/api/rankings/areas?year=${YEAR}&campaignId=${CAMPAIGN}&code=`;
    const fiveStar = `/api/rankings/areas/five-star?year=${YEAR}&campaignId=${CAMPAIGN}&code=${PROVINCE}`;
    const province = await get(`${area}${PROVINCE}`);
    if (province.area.branches !== file.branches.length)
      throw new Error(`the province ranks ${province.area.branches} branches`);
    const queries = {
      provinceRanking: {
        http: await latency(n, () => get(`${area}${PROVINCE}`)),
        rawSql: await latency(n, () => rawRanking(db, PROVINCE)),
      },
      cityRanking: {
        http: await latency(n, () => get(`${area}${CITY}`)),
        rawSql: await latency(n, () => rawRanking(db, CITY)),
      },
      fiveStarList: {
        http: await latency(n, () => get(fiveStar)),
        rawSql: await latency(n, () => rawFiveStar(db)),
      },
    };
    return {
      branches: file.branches.length,
      events: events.length,
      publishSeconds: publishSeconds.toFixed(1),
      consumerAppliedSeconds: applySeconds.toFixed(1),
      eventsAppliedPerSecond: Math.round(events.length / applySeconds),
      requests: n,
      fiveStarBranches: (await get(fiveStar)).branches.length,
      ...Object.fromEntries(
        Object.entries(queries).map(([k, q]) => [
          k,
          {
            ...q,
            ratioP50: (q.http.p50 / q.rawSql.p50).toFixed(1),
            ratioP99: (q.http.p99 / q.rawSql.p99).toFixed(1),
          },
        ]),
      ),
    };
  } finally {
    await db.destroy();
    await nc.close();
    await stack.stop();
    await nats.stop();
  }
}

runBench(main);
