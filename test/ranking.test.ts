/**
 * Ranking against real PostgreSQL (database `fivestar_test_ranking`) and real NATS JetStream.
 * Self-sufficient: it creates its database, schema and stream. The stream is shared with other tests and
 * earlier runs, so event ids and area codes carry this run's random part, the service runs under its own
 * durable name, and the figures are checked by hand (DOMAIN.md: 1×5, 4×4, 13×3, 23×2 = 106 stars).
 */
import { randomInt } from 'node:crypto';
import { type Aggregate, type FivestarEvent, type RankingResult } from '@fivestar/contracts';
import { callEndpoint, RequestError, type NatsConnection } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { migrations, rebuildRanking, SCHEMA, startRankingService, type RankingDB } from '@fivestar/ranking';
import { caughtUp, closeAll, connectStream, eventFactory, freshSchema, publishNew, testEnv } from './support';

const env = testEnv('ranking');
const { run, log } = env;

// Area codes are picked in beforeAll: a city (first four digits) in which the model, caught up with the
// shared stream (earlier runs included), has no branch yet, so county ranks are this run's alone.
let CITY: string;
let COUNTY: string; // the hand-checked county
let OTHER_COUNTY: string; // a second county of the same city, for the county rank and rounding
let UNKNOWN_COUNTY: string; // a county of the same city with no branches
const twp = (n: number, county = COUNTY) => `${county}${String(n).padStart(3, '0')}`;
const br = (township: string, n: number) => `${township}${String(n).padStart(3, '0')}`;
let A: string; // the hand-checked township: 41 branches
let B: string; // 2 branches at 3 stars: average 3.00
let C: string; // 3 branches at 3 stars: average 3.00, ties with B
let D: string; // 2 branches never awarded: average 0.00
let E: string; // the other county's township: 16 branches, 1×3 + 7×1 = 10 stars (0.625, 6.25%)

const STARS = ['industry', 'ecology', 'safety', 'civility', 'party'];

let db: Kysely<RankingDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;

// ---- events ---------------------------------------------------------------------------------------

const T0 = Date.parse('2026-01-10T00:00:00.000Z');
const { ev } = eventFactory({
  idPrefix: `ranking-test/${run}`,
  roundId: `r1-${run}`,
  branchId: null,
  // COUNTY is picked in beforeAll, before any event without a branch is made.
  area: () => COUNTY,
  t0: T0,
  stepMs: 1000,
});

const upsert = (code: string, township: string) =>
  ev(
    'directory.branch_upserted',
    {
      branch: {
        code,
        name: `${code.slice(-3)}村`,
        type: 'rural',
        townshipCode: township,
        countyCode: township.slice(0, 6),
        weak: false,
      },
      townshipName: `乡镇${township.slice(-3)}`,
      countyName: `县${township.slice(0, 6)}`,
    },
    { roundId: null },
  );

const award = (code: string, level: number, opts: { roundId?: string; at?: number } = {}) =>
  ev(
    'branch.awarded',
    {
      level,
      // The capstone (party) comes with all four others, so a level-n branch holds the first n stars.
      stars: STARS.slice(0, level).map((c) => ({ code: c, name: c })),
      catalog: { id: 'rural-default', version: 1 },
    },
    { branchId: code, ...opts },
  );

const publish = (events: FivestarEvent[]) => publishNew(nc, events);

const standings = (townshipCode?: string, countyCode = COUNTY) =>
  callEndpoint(nc, 'ranking', 'standings', { countyCode, ...(townshipCode ? { townshipCode } : {}) });

const counts = (l0: number, l1: number, l2: number, l3: number, l4: number, l5: number) => ({
  0: l0,
  1: l1,
  2: l2,
  3: l3,
  4: l4,
  5: l5,
});

// Township A's levels by branch number: 1 five-star, 4 four-star, 13 three-star, 23 two-star.
const levelsA = [5, 4, 4, 4, 4, ...Array(13).fill(3), ...Array(23).fill(2)] as number[];

// ---- lifecycle ------------------------------------------------------------------------------------

beforeAll(async () => {
  db = await freshSchema<RankingDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startRankingService(env.serviceOptions);
  // Let the new durable replay the stream's history, then pick a city nobody has used.
  await caughtUp(nc, env.durable);
  do CITY = String(randomInt(1000, 10_000));
  while (
    await db.selectFrom('branches').select('code').where('county_code', 'like', `${CITY}%`).executeTakeFirst()
  );
  [COUNTY, OTHER_COUNTY, UNKNOWN_COUNTY] = [`${CITY}01`, `${CITY}02`, `${CITY}03`];
  [A, B, C, D] = [twp(1), twp(2), twp(3), twp(4)];
  E = twp(1, OTHER_COUNTY);
});

afterAll(() => closeAll(env, { svc, nc, db }));

// ---- tests ----------------------------------------------------------------------------------------

describe('ranking', () => {
  let result: RankingResult;

  it('computes the hand-checked township exactly, ties sharing a rank', async () => {
    const events: FivestarEvent[] = [];
    levelsA.forEach((_, i) => events.push(upsert(br(A, i + 1), A)));
    for (const t of [B, C, D]) for (let i = 1; i <= (t === C ? 3 : 2); i++) events.push(upsert(br(t, i), t));
    for (let i = 1; i <= 16; i++) events.push(upsert(br(E, i), E));
    // The other county first, so that it is complete whenever this county's figures are.
    events.push(award(br(E, 1), 3));
    for (let i = 2; i <= 8; i++) events.push(award(br(E, i), 1));
    // Township A's branch 6 is first awarded 5 stars, then corrected to 3 in the same round (latest wins);
    // branch 7 gets 1 star in round 1 and its 3 in a later round (latest round wins).
    events.push(award(br(A, 6), 5), award(br(A, 7), 1));
    levelsA.forEach((level, i) =>
      events.push(award(br(A, i + 1), level, i === 6 ? { roundId: `r2-${run}` } : {})),
    );
    // An out-of-order older award for branch 1 must not overwrite its later 5 stars.
    events.push(award(br(A, 1), 2, { at: T0 }));
    for (const t of [B, C]) for (let i = 1; i <= (t === C ? 3 : 2); i++) events.push(award(br(t, i), 3));
    await publish(events);

    await caughtUp(nc, env.durable);
    result = await standings();
    const byCode = (code: string) => result.townships.find((t) => t.code === code);

    expect(byCode(A)).toEqual<Aggregate>({
      code: A,
      name: '乡镇001',
      branches: 41,
      levelCounts: counts(0, 0, 23, 13, 4, 1),
      totalStars: 106,
      averageStars: '2.59',
      threeStarsOrMoreShare: '43.9',
      rank: 3,
    });
    // B and C tie at 3.00 and share rank 1; A follows at rank 3 (1, 1, 3), D last.
    expect(result.townships.map((t) => [t.code, t.averageStars, t.threeStarsOrMoreShare, t.rank])).toEqual([
      [B, '3.00', '100.0', 1],
      [C, '3.00', '100.0', 1],
      [A, '2.59', '43.9', 3],
      [D, '0.00', '0.0', 4],
    ]);
    // Exact halves round up (PostgreSQL numeric), not to even: 10/16 = 0.625 → 0.63, 1/16 = 6.25% → 6.3.
    const other = await standings(undefined, OTHER_COUNTY);
    expect(other.county).toEqual<Aggregate>({
      code: OTHER_COUNTY,
      name: `县${OTHER_COUNTY}`,
      branches: 16,
      levelCounts: counts(8, 7, 0, 1, 0, 0),
      totalStars: 10,
      averageStars: '0.63',
      threeStarsOrMoreShare: '6.3',
      rank: 2,
    });
    expect(other.townships.map((t) => [t.code, t.averageStars, t.rank])).toEqual([[E, '0.63', 1]]);
    expect(byCode(D)).toMatchObject({ branches: 2, levelCounts: counts(2, 0, 0, 0, 0, 0), totalStars: 0 });

    // County: 48 branches, 106 + 6 + 9 = 121 stars; 121/48 = 2.5208 → 2.52; 23/48 = 47.92% → 47.9.
    expect(result.county).toEqual<Aggregate>({
      code: COUNTY,
      name: `县${COUNTY}`,
      branches: 48,
      levelCounts: counts(2, 0, 23, 18, 4, 1),
      totalStars: 121,
      averageStars: '2.52',
      threeStarsOrMoreShare: '47.9',
      // The other county averages 0.63.
      rank: 1,
    });
  });

  it('ranks branches by level within the area, ties sharing a rank, then by code', async () => {
    expect(result.branches).toHaveLength(48);
    const ranks = result.branches.map((b) => b.rank);
    // 1 five-star; 4 four-star at 2; 13 + 5 three-star at 6; 23 two-star at 24; 2 unawarded at 47.
    expect(ranks).toEqual([1, 2, 2, 2, 2, ...Array(18).fill(6), ...Array(23).fill(24), 47, 47]);
    expect(result.branches[0]).toEqual({
      code: br(A, 1),
      name: '001村',
      townshipCode: A,
      level: 5,
      stars: STARS,
      rank: 1,
    });
    // Ties ordered by code: the three-star group begins with township A's branches 6.. then B, C.
    expect(result.branches.slice(5, 8).map((b) => [b.code, b.level, b.stars])).toEqual([
      [br(A, 6), 3, STARS.slice(0, 3)],
      [br(A, 7), 3, STARS.slice(0, 3)],
      [br(A, 8), 3, STARS.slice(0, 3)],
    ]);
    expect(result.branches.slice(-2).map((b) => [b.code, b.level, b.stars])).toEqual([
      [br(D, 1), 0, []],
      [br(D, 2), 0, []],
    ]);

    // One township only: ranks restart within it; the aggregates still cover the county.
    const onlyA = await standings(A);
    expect(onlyA.branches).toHaveLength(41);
    expect(onlyA.branches.every((b) => b.townshipCode === A)).toBe(true);
    expect(onlyA.branches.map((b) => b.rank)).toEqual([
      1,
      2,
      2,
      2,
      2,
      ...Array(13).fill(6),
      ...Array(23).fill(19),
    ]);
    expect(onlyA.townships).toEqual(result.townships);
    expect(onlyA.county).toEqual(result.county);
  });

  it('answers an unknown county with zeros and rejects a township outside the county', async () => {
    const unknown = UNKNOWN_COUNTY;
    const res = await callEndpoint(nc, 'ranking', 'standings', { countyCode: unknown });
    expect(res.county).toMatchObject({
      code: unknown,
      branches: 0,
      totalStars: 0,
      averageStars: '0.00',
      threeStarsOrMoreShare: '0.0',
    });
    expect(res.townships).toEqual([]);
    expect(res.branches).toEqual([]);
    await expect(standings(twp(1, unknown))).rejects.toThrow(RequestError);
  });

  it('rebuilds from the stream to exactly the live figures', async () => {
    await svc!.stop();
    svc = undefined;
    const rows = () =>
      db
        .selectFrom('standings')
        .selectAll()
        .where('branch_code', 'like', `${COUNTY}%`)
        .orderBy('round_id')
        .orderBy('branch_code')
        .execute();
    const live = await rows();
    expect(live).toHaveLength(48 - 2 + 1); // every awarded branch once per round; branch 7 in two rounds
    await rebuildRanking(db, nc, log);
    expect(await rows()).toEqual(live);

    svc = await startRankingService(env.serviceOptions);
    expect(await standings()).toEqual(result);
  });
});
