/**
 * Ranking against real PostgreSQL (database `fivestar_test_ranking`) and real NATS JetStream.
 * Self-sufficient: it creates its database, schema and stream. The stream is shared with other tests and
 * earlier runs, so event ids and area codes carry this run's random part, the service runs under its own
 * durable name, and the figures are checked by hand (DOMAIN.md: 1×5, 4×4, 13×3, 23×2 = 106 stars).
 */
import { type Aggregate, type FivestarEvent, type RankingResult } from '@fivestar/contracts';
import { callEndpoint, RequestError, type NatsConnection } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { migrations, rebuildRanking, SCHEMA, startRankingService, type RankingDB } from '@fivestar/ranking';
import {
  caughtUp,
  closeAll,
  connectStream,
  eventFactory,
  freeCity,
  freshSchema,
  publishNew,
  ruralBranch,
  testEnv,
} from './support';

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

// The round-aware tests use a second city: county K (townships T1, T2) and county K2 (township T3).
let K: string;
let K2: string;
let T1: string;
let T2: string;
let T3: string;

// The scope tests use a third city: county S (townships U1, U2, U3), with rounds of part of it.
let S: string;
let U1: string;
let U2: string;
let U3: string;

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
  ev('directory.branch_upserted', ruralBranch(code, township), { roundId: null });

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

/** Branches holding each star: industry, ecology, safety, civility, party. */
const held = (industry: number, ecology: number, safety: number, civility: number, party: number) => ({
  industry,
  ecology,
  safety,
  civility,
  party,
});

// A county without any recorded round has no previous round to compare with.
const noPrevious = { previousTotalStars: null, previousRank: null, rankMovement: null } as const;

// Township A's levels by branch number: 1 five-star, 4 four-star, 13 three-star, 23 two-star.
const levelsA = [5, 4, 4, 4, 4, ...Array(13).fill(3), ...Array(23).fill(2)] as number[];

// ---- lifecycle ------------------------------------------------------------------------------------

beforeAll(async () => {
  db = await freshSchema<RankingDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startRankingService(env.serviceOptions);
  // Let the new durable replay the stream's history, then pick cities nobody has used (no branch, no round).
  await caughtUp(nc, env.durable);
  CITY = await freeCity(db);
  [COUNTY, OTHER_COUNTY, UNKNOWN_COUNTY] = [`${CITY}01`, `${CITY}02`, `${CITY}03`];
  [A, B, C, D] = [twp(1), twp(2), twp(3), twp(4)];
  E = twp(1, OTHER_COUNTY);
  const roundsCity = await freeCity(db, [CITY]);
  [K, K2] = [`${roundsCity}01`, `${roundsCity}02`];
  [T1, T2, T3] = [twp(1, K), twp(2, K), twp(1, K2)];
  S = `${await freeCity(db, [CITY, roundsCity])}01`;
  [U1, U2, U3] = [twp(1, S), twp(2, S), twp(3, S)];
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
    // No `round.started` for the county: each branch's latest award counts, and nothing is frozen.
    expect(result).toMatchObject({ round: null, previousRound: null, frozen: false, closedAt: null });

    expect(byCode(A)).toEqual<Aggregate>({
      code: A,
      name: '乡镇001',
      branches: 41,
      levelCounts: counts(0, 0, 23, 13, 4, 1),
      totalStars: 106,
      starCounts: held(41, 41, 18, 5, 1),
      averageStars: '2.59',
      threeStarsOrMoreShare: '43.90',
      rank: 3,
      ...noPrevious,
    });
    // B and C tie at 3.00 and share rank 1; A follows at rank 3 (1, 1, 3), D last.
    expect(result.townships.map((t) => [t.code, t.averageStars, t.threeStarsOrMoreShare, t.rank])).toEqual([
      [B, '3.00', '100.00', 1],
      [C, '3.00', '100.00', 1],
      [A, '2.59', '43.90', 3],
      [D, '0.00', '0.00', 4],
    ]);
    // Exact halves round up (PostgreSQL numeric), not to even: 10/16 = 0.625 → 0.63; 1/16 = 6.25% exactly.
    const other = await standings(undefined, OTHER_COUNTY);
    expect(other.county).toEqual<Aggregate>({
      code: OTHER_COUNTY,
      name: `县${OTHER_COUNTY}`,
      branches: 16,
      levelCounts: counts(8, 7, 0, 1, 0, 0),
      totalStars: 10,
      // No round lists the stars: the ones held, by code.
      starCounts: { ecology: 1, industry: 8, safety: 1 },
      averageStars: '0.63',
      threeStarsOrMoreShare: '6.25',
      rank: 2,
      ...noPrevious,
    });
    expect(other.townships.map((t) => [t.code, t.averageStars, t.rank])).toEqual([[E, '0.63', 1]]);
    expect(byCode(D)).toMatchObject({ branches: 2, levelCounts: counts(2, 0, 0, 0, 0, 0), totalStars: 0 });
    // Without a round listing its catalogs' stars, the stars held in the county, by code.
    expect(result.stars).toEqual(
      ['civility', 'ecology', 'industry', 'party', 'safety'].map((c) => ({ code: c, name: c })),
    );
    expect(byCode(D)!.starCounts).toEqual(held(0, 0, 0, 0, 0));

    // County: 48 branches, 106 + 6 + 9 = 121 stars; 121/48 = 2.5208 → 2.52; 23/48 = 47.916…% → 47.92.
    expect(result.county).toEqual<Aggregate>({
      code: COUNTY,
      name: `县${COUNTY}`,
      branches: 48,
      levelCounts: counts(2, 0, 23, 18, 4, 1),
      totalStars: 121,
      starCounts: held(46, 46, 23, 5, 1),
      averageStars: '2.52',
      threeStarsOrMoreShare: '47.92',
      // The other county averages 0.63.
      rank: 1,
      ...noPrevious,
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
      // No round recorded for the county: nothing to compare with.
      previousLevel: null,
      movement: 'new',
      withdrawn: false,
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
      threeStarsOrMoreShare: '0.00',
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

// ---- rounds: 升星, revocation, freezing, the default round, withdrawals ----------------------------

/**
 * County K runs a 2025 and a 2026 round; county K2 (same city) too, so the county rank moves as well.
 *
 *   branch   2025  2026                          township  2025           2026 (before revocation)
 *   T1-1     3     4   up                        T1        6 (1.50) #2    10 (2.50) #1 ↑
 *   T1-2     2     2   same                      T2        9 (2.25) #1    10 (2.50) #1 =
 *   T1-3     1     3   up
 *   T1-4     0     1   up                        county    2025           2026
 *   T2-1     4     5   up (then revoked to 3)    K         15 (1.88) #2   20 (2.50) #1 ↑
 *   T2-2     2     withdrawn (0)  down           K2        10 (5.00) #1    2 (1.00) #2 ↓
 *   T2-3     3     3   same
 *   T2-4     —     2   new (no standing in 2025)
 */
describe('ranking by round', () => {
  const T0R = Date.parse('2026-03-01T00:00:00.000Z');
  const { ev: rev } = eventFactory({
    idPrefix: `ranking-test/${run}/rounds`,
    roundId: null,
    branchId: null,
    area: () => K,
    t0: T0R,
    stepMs: 1000,
  });
  const [Y25, Y26, Z25, Z26] = ['k25', 'k26', 'q25', 'q26'].map((r) => `${r}-${run}`) as [
    string,
    string,
    string,
    string,
  ];
  const n = (township: string, i: number) => br(township, i);

  const upsertIn = (code: string, township: string) =>
    rev('directory.branch_upserted', ruralBranch(code, township), { roundId: null });
  const started = (roundId: string, countyCode: string, year: number) =>
    rev(
      'round.started',
      {
        title: `${year}年度五星支部创评`,
        year,
        countyCode,
        catalogs: [
          { id: 'rural-default', version: 1, stars: STARS.map((c) => ({ code: c, name: `${c}星` })) },
        ],
      },
      { roundId },
    );
  const awardIn = (roundId: string, code: string, level: number, at?: number) =>
    rev(
      'branch.awarded',
      {
        level,
        stars: STARS.slice(0, level).map((c) => ({ code: c, name: c })),
        catalog: { id: 'rural-default', version: 1 },
      },
      { roundId, branchId: code, ...(at === undefined ? {} : { at }) },
    );
  /** 摘星 of `star` from a branch at `from` stars: the capstone (party) falls with any other star. */
  const revoke = (roundId: string, code: string, from: number, star: string) => {
    const kept = STARS.slice(0, from).filter((s) => s !== star && s !== 'party');
    const revoked = STARS.slice(0, from).filter((s) => !kept.includes(s));
    return rev(
      'branch.star_revoked',
      {
        findingId: 'F1',
        revoked: revoked.map((c) => ({ code: c, name: c })),
        level: kept.length,
        stars: kept.map((c) => ({ code: c, name: c })),
      },
      { roundId, branchId: code },
    );
  };
  const withdraw = (roundId: string, code: string) =>
    rev(
      'branch.withdrawn',
      { step: 'SELF_CHECK', attempt: 1, closes: `${roundId}/${code}/SELF_CHECK/1`, reason: '自评逾期未提交' },
      { roundId, branchId: code },
    );
  const closed = (roundId: string, countyCode: string, year: number) =>
    rev('round.closed', { countyCode, year }, { roundId });

  const ask = (opts: { countyCode?: string; townshipCode?: string; roundId?: string } = {}) =>
    callEndpoint(nc, 'ranking', 'standings', { countyCode: K, ...opts });
  const published = async (events: FivestarEvent[]) => {
    await publish(events);
    await caughtUp(nc, env.durable);
  };
  /** Branch standings as [code, level, previousLevel, movement, withdrawn, rank]. */
  const table = (r: RankingResult) =>
    r.branches.map((b) => [b.code, b.level, b.previousLevel, b.movement, b.withdrawn, b.rank]);
  const round = (id: string, countyCode: string, year: number) => ({
    id,
    countyCode,
    year,
    title: `${year}年度五星支部创评`,
  });

  let r2026: RankingResult;

  it('ranks the latest year by default, with 升星 against the previous round per branch and area', async () => {
    const events: FivestarEvent[] = [];
    for (const [t, count] of [
      [T1, 4],
      [T2, 4],
      [T3, 2],
    ] as const)
      for (let i = 1; i <= count; i++) events.push(upsertIn(n(t, i), t));
    // The 2026 round is recorded before the 2025 one: the default goes by year, not by when it started.
    events.push(started(Y26, K, 2026), started(Y25, K, 2025), started(Z25, K2, 2025), started(Z26, K2, 2026));
    [3, 2, 1, 0].forEach((level, i) => events.push(awardIn(Y25, n(T1, i + 1), level)));
    [4, 2, 3].forEach((level, i) => events.push(awardIn(Y25, n(T2, i + 1), level)));
    events.push(awardIn(Z25, n(T3, 1), 5), awardIn(Z25, n(T3, 2), 5));
    [4, 2, 3, 1].forEach((level, i) => events.push(awardIn(Y26, n(T1, i + 1), level)));
    events.push(awardIn(Y26, n(T2, 1), 5), withdraw(Y26, n(T2, 2)), awardIn(Y26, n(T2, 3), 3));
    events.push(awardIn(Y26, n(T2, 4), 2));
    events.push(awardIn(Z26, n(T3, 1), 1), awardIn(Z26, n(T3, 2), 1));
    await published(events);

    r2026 = await ask();
    expect(r2026).toMatchObject({
      round: round(Y26, K, 2026),
      previousRound: round(Y25, K, 2025),
      frozen: false,
      closedAt: null,
      stars: STARS.map((c) => ({ code: c, name: `${c}星` })),
    });
    expect(await ask({ roundId: Y26 })).toEqual(r2026);

    expect(table(r2026)).toEqual([
      [n(T2, 1), 5, 4, 'up', false, 1],
      [n(T1, 1), 4, 3, 'up', false, 2],
      [n(T1, 3), 3, 1, 'up', false, 3],
      [n(T2, 3), 3, 3, 'same', false, 3],
      [n(T1, 2), 2, 2, 'same', false, 5],
      [n(T2, 4), 2, null, 'new', false, 5],
      [n(T1, 4), 1, 0, 'up', false, 7],
      [n(T2, 2), 0, 2, 'down', true, 8],
    ]);

    // T1 and T2 tie at 2.50 (rank 1, 1); in 2025 T2 led with 2.25 against T1's 1.50.
    expect(r2026.townships).toEqual<Aggregate[]>([
      {
        code: T1,
        name: '乡镇001',
        branches: 4,
        levelCounts: counts(0, 1, 1, 1, 1, 0),
        totalStars: 10,
        // A star nobody holds is tallied too: the round lists its catalog's stars.
        starCounts: held(4, 3, 2, 1, 0),
        averageStars: '2.50',
        threeStarsOrMoreShare: '50.00',
        rank: 1,
        previousTotalStars: 6,
        previousRank: 2,
        rankMovement: 'up',
      },
      {
        code: T2,
        name: '乡镇002',
        branches: 4,
        levelCounts: counts(1, 0, 1, 1, 0, 1),
        totalStars: 10,
        starCounts: held(3, 3, 2, 1, 1),
        averageStars: '2.50',
        threeStarsOrMoreShare: '50.00',
        rank: 1,
        previousTotalStars: 9,
        previousRank: 1,
        rankMovement: 'same',
      },
    ]);
    // K: 20/8 = 2.50 against K2's 1.00; in 2025 15/8 = 1.875 → 1.88 against K2's 5.00.
    expect(r2026.county).toEqual<Aggregate>({
      code: K,
      name: `县${K}`,
      branches: 8,
      levelCounts: counts(1, 1, 2, 2, 1, 1),
      totalStars: 20,
      starCounts: held(7, 6, 4, 2, 1),
      averageStars: '2.50',
      threeStarsOrMoreShare: '50.00',
      rank: 1,
      previousTotalStars: 15,
      previousRank: 2,
      rankMovement: 'up',
    });
    const k2 = await ask({ countyCode: K2 });
    expect(k2).toMatchObject({ round: round(Z26, K2, 2026), previousRound: round(Z25, K2, 2025) });
    expect(k2.county).toMatchObject({
      totalStars: 2,
      averageStars: '1.00',
      rank: 2,
      previousTotalStars: 10,
      previousRank: 1,
      rankMovement: 'down',
    });
    expect(table(k2)).toEqual([
      [n(T3, 1), 1, 5, 'down', false, 1],
      [n(T3, 2), 1, 5, 'down', false, 1],
    ]);
  });

  it('answers an earlier round on request, without a previous round to compare with', async () => {
    const r2025 = await ask({ roundId: Y25 });
    expect(r2025).toMatchObject({
      round: round(Y25, K, 2025),
      previousRound: null,
      frozen: false,
      closedAt: null,
    });
    expect(table(r2025)).toEqual([
      [n(T2, 1), 4, null, 'new', false, 1],
      [n(T1, 1), 3, null, 'new', false, 2],
      [n(T2, 3), 3, null, 'new', false, 2],
      [n(T1, 2), 2, null, 'new', false, 4],
      [n(T2, 2), 2, null, 'new', false, 4],
      [n(T1, 3), 1, null, 'new', false, 6],
      [n(T1, 4), 0, null, 'new', false, 7],
      [n(T2, 4), 0, null, 'new', false, 7],
    ]);
    expect(
      r2025.townships.map((t) => [t.code, t.totalStars, t.averageStars, t.threeStarsOrMoreShare, t.rank]),
    ).toEqual([
      [T2, 9, '2.25', '50.00', 1],
      [T1, 6, '1.50', '25.00', 2],
    ]);
    expect(r2025.townships.every((t) => t.previousTotalStars === null && t.rankMovement === null)).toBe(true);
    // The county is ranked among the city's counties of the same year: K2's 2025 round (5.00) leads.
    expect(r2025.county).toMatchObject({ totalStars: 15, averageStars: '1.88', rank: 2, previousRank: null });

    // One township of a round: its branches only, ranks restarting within it.
    const t1 = await ask({ townshipCode: T1, roundId: Y25 });
    expect(table(t1).map(([code, level, , , , rank]) => [code, level, rank])).toEqual([
      [n(T1, 1), 3, 1],
      [n(T1, 2), 2, 2],
      [n(T1, 3), 1, 3],
      [n(T1, 4), 0, 4],
    ]);
  });

  it('flags withdrawn branches and counts them as branches at level 0', () => {
    const t22 = r2026.branches.find((b) => b.code === n(T2, 2));
    expect(t22).toEqual({
      code: n(T2, 2),
      name: '002村',
      townshipCode: T2,
      level: 0,
      stars: [],
      rank: 8,
      previousLevel: 2,
      movement: 'down',
      withdrawn: true,
    });
    // Township T2 has 4 branches: the withdrawn one is its only level 0, and the average divides by 4.
    expect(r2026.townships.find((t) => t.code === T2)).toMatchObject({
      branches: 4,
      levelCounts: counts(1, 0, 1, 1, 0, 1),
      averageStars: '2.50',
    });
    expect(r2026.branches.filter((b) => b.withdrawn).map((b) => b.code)).toEqual([n(T2, 2)]);
  });

  it('lowers the level and the township figures exactly when a star is revoked (latest event wins)', async () => {
    const revocation = revoke(Y26, n(T2, 1), 5, 'civility');
    // A 5-star award occurring before the revocation but arriving after it must not undo it.
    const stale = awardIn(Y26, n(T2, 1), 5, Date.parse(revocation.occurredAt) - 500);
    await published([revocation, stale]);

    const after = await ask();
    expect(after.branches.find((b) => b.code === n(T2, 1))).toEqual({
      code: n(T2, 1),
      name: '001村',
      townshipCode: T2,
      level: 3,
      stars: ['industry', 'ecology', 'safety'],
      rank: 2,
      previousLevel: 4,
      movement: 'down',
      withdrawn: false,
    });
    expect(table(after).map(([code, level, , , , rank]) => [code, level, rank])).toEqual([
      [n(T1, 1), 4, 1],
      [n(T1, 3), 3, 2],
      [n(T2, 1), 3, 2],
      [n(T2, 3), 3, 2],
      [n(T1, 2), 2, 5],
      [n(T2, 4), 2, 5],
      [n(T1, 4), 1, 7],
      [n(T2, 2), 0, 8],
    ]);
    // T2: 3 + 0 + 3 + 2 = 8 stars over 4 branches = 2.00, behind T1's 2.50: it falls from 1 to 2.
    expect(after.townships).toEqual<Aggregate[]>([
      r2026.townships[0]!,
      {
        code: T2,
        name: '乡镇002',
        branches: 4,
        levelCounts: counts(1, 0, 1, 2, 0, 0),
        totalStars: 8,
        starCounts: held(3, 3, 2, 0, 0),
        averageStars: '2.00',
        threeStarsOrMoreShare: '50.00',
        rank: 2,
        previousTotalStars: 9,
        previousRank: 1,
        rankMovement: 'down',
      },
    ]);
    // K: 18/8 = 2.25; still four branches at three stars or more.
    expect(after.county).toEqual<Aggregate>({
      ...r2026.county,
      levelCounts: counts(1, 1, 2, 3, 1, 0),
      totalStars: 18,
      starCounts: held(7, 6, 4, 1, 0),
      averageStars: '2.25',
    });
  });

  it('freezes a closed round: later awards, revocations and withdrawals change nothing in it', async () => {
    const before = await ask({ roundId: Y25 });
    const close = closed(Y25, K, 2025);
    await published([
      close,
      awardIn(Y25, n(T1, 4), 5),
      revoke(Y25, n(T1, 1), 3, 'safety'),
      withdraw(Y25, n(T1, 2)),
      // The 2026 round is still open: its award counts.
      awardIn(Y26, n(T1, 4), 2),
    ]);

    const frozen = await ask({ roundId: Y25 });
    expect(frozen).toEqual({ ...before, frozen: true, closedAt: close.occurredAt });
    const now = await ask();
    expect(now).toMatchObject({ round: { id: Y26 }, frozen: false, closedAt: null });
    // 2026 compares with the frozen 2025 figures.
    expect(table(now).filter(([code]) => code === n(T1, 1) || code === n(T1, 4))).toEqual([
      [n(T1, 1), 4, 3, 'up', false, 1],
      [n(T1, 4), 2, 0, 'up', false, 5],
    ]);
    expect(now.townships.find((t) => t.code === T1)).toMatchObject({ totalStars: 11, previousTotalStars: 6 });

    // A second close does not move the close time.
    await published([closed(Y25, K, 2025)]);
    expect((await ask({ roundId: Y25 })).closedAt).toBe(close.occurredAt);
  });

  it('rejects a round of another county and an unknown round', async () => {
    await expect(ask({ roundId: Z26 })).rejects.toMatchObject({ code: 'invalid' });
    await expect(ask({ roundId: `nope-${run}` })).rejects.toMatchObject({ code: 'not_found' });
    await expect(ask({ roundId: 'Not A Round' })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('rebuilds rounds and standings from the stream, the frozen round staying frozen', async () => {
    await svc!.stop();
    svc = undefined;
    const rows = async () => ({
      rounds: await db
        .selectFrom('rounds')
        .selectAll()
        .where('round_id', 'in', [Y25, Y26, Z25, Z26])
        .orderBy('round_id')
        .execute(),
      standings: await db
        .selectFrom('standings')
        .selectAll()
        .where('round_id', 'in', [Y25, Y26, Z25, Z26])
        .orderBy('round_id')
        .orderBy('branch_code')
        .execute(),
    });
    const live = await rows();
    expect(live.rounds).toHaveLength(4);
    expect(live.standings).toHaveLength(7 + 2 + 8 + 2);
    await rebuildRanking(db, nc, log);
    expect(await rows()).toEqual(live);

    svc = await startRankingService(env.serviceOptions);
    const [y25, y26] = [await ask({ roundId: Y25 }), await ask()];
    expect(y25.frozen).toBe(true);
    expect(table(y25).find(([code]) => code === n(T1, 4))).toEqual([n(T1, 4), 0, null, 'new', false, 7]);
    expect(y26.branches.find((b) => b.code === n(T1, 4))).toMatchObject({ level: 2, previousLevel: 0 });
  });
});

// ---- scope: rounds of some townships ----------------------------------------------------------------

/**
 * County S (U1: 3 branches, U2: 6, U3: 2) runs whole-county rounds W25, W26 and rounds of U1 and U2
 * P25, P26, each started after the whole-county round of its year:
 *
 *   branch  W25  P25  W26  P26
 *   U1-1    1    2    3    3
 *   U1-2    —    3    —    5
 *   U1-3    —    0    —    0
 *   U2-*    —    1    —    4, 2, 2, 2, 2, 2
 *   U3-1    5    —    5    —
 *   U3-2    4    —    5    —
 */
describe('ranking by round scope', () => {
  const { ev: sev } = eventFactory({
    idPrefix: `ranking-test/${run}/scope`,
    roundId: null,
    branchId: null,
    area: () => S,
    t0: Date.parse('2026-05-01T00:00:00.000Z'),
    stepMs: 1000,
  });
  const [W25, P25, W26, P26] = ['w25', 'p25', 'w26', 'p26'].map((r) => `${r}-${run}`) as [
    string,
    string,
    string,
    string,
  ];
  // P26's catalog lists a sixth star nobody holds; the others' starts list none (as before they did).
  const CATALOG_STARS = [...STARS, 'culture'].map((c) => ({ code: c, name: `${c}星` }));
  const started = (roundId: string, year: number, townshipCodes?: string[]) =>
    sev(
      'round.started',
      {
        title: `${year}年度`,
        year,
        countyCode: S,
        catalogs: [{ id: 'rural-default', version: 1, ...(roundId === P26 ? { stars: CATALOG_STARS } : {}) }],
        ...(townshipCodes ? { townshipCodes } : {}),
      },
      { roundId },
    );
  const awardIn = (roundId: string, code: string, level: number) =>
    sev(
      'branch.awarded',
      {
        level,
        stars: STARS.slice(0, level).map((c) => ({ code: c, name: c })),
        catalog: { id: 'rural-default', version: 1 },
      },
      { roundId, branchId: code },
    );
  const ask = (roundId?: string) =>
    callEndpoint(nc, 'ranking', 'standings', { countyCode: S, ...(roundId ? { roundId } : {}) });
  let p26: RankingResult;

  it('counts only the branches of the round’s townships, shares to two decimals', async () => {
    const events: FivestarEvent[] = [];
    for (const [t, count] of [
      [U1, 3],
      [U2, 6],
      [U3, 2],
    ] as const)
      for (let i = 1; i <= count; i++)
        events.push(sev('directory.branch_upserted', ruralBranch(br(t, i), t), { roundId: null }));
    // P25 names its townships out of order: the scope is a set.
    events.push(
      started(W25, 2025),
      started(P25, 2025, [U2, U1]),
      started(W26, 2026),
      started(P26, 2026, [U1, U2]),
    );
    events.push(awardIn(W25, br(U1, 1), 1), awardIn(W25, br(U3, 1), 5), awardIn(W25, br(U3, 2), 4));
    [2, 3, 0].forEach((level, i) => events.push(awardIn(P25, br(U1, i + 1), level)));
    for (let i = 1; i <= 6; i++) events.push(awardIn(P25, br(U2, i), 1));
    events.push(awardIn(W26, br(U1, 1), 3), awardIn(W26, br(U3, 1), 5), awardIn(W26, br(U3, 2), 5));
    [3, 5, 0].forEach((level, i) => events.push(awardIn(P26, br(U1, i + 1), level)));
    [4, 2, 2, 2, 2, 2].forEach((level, i) => events.push(awardIn(P26, br(U2, i + 1), level)));
    await publish(events);
    await caughtUp(nc, env.durable);

    // P26 started last: the default. U3 is outside it, so neither its branches nor the township count.
    p26 = await ask();
    expect(p26).toMatchObject({ round: { id: P26 }, previousRound: { id: P25 }, stars: CATALOG_STARS });
    expect(p26.branches.map((b) => b.code).sort()).toEqual(
      [...[1, 2, 3].map((i) => br(U1, i)), ...[1, 2, 3, 4, 5, 6].map((i) => br(U2, i))].sort(),
    );
    // 2/3 = 66.666…% → 66.67; 1/6 = 16.666…% → 16.67; the county 3/9 = 33.333…% → 33.33.
    expect(p26.townships.map((t) => [t.code, t.branches, t.totalStars, t.threeStarsOrMoreShare])).toEqual([
      [U1, 3, 8, '66.67'],
      [U2, 6, 14, '16.67'],
    ]);
    // 22/9 = 2.444… → 2.44; P25 had 5 + 6 = 11 stars on the same nine branches.
    expect(p26.county).toEqual<Aggregate>({
      code: S,
      name: `县${S}`,
      branches: 9,
      levelCounts: counts(1, 0, 5, 1, 1, 1),
      totalStars: 22,
      starCounts: { ...held(8, 8, 3, 2, 1), culture: 0 },
      averageStars: '2.44',
      threeStarsOrMoreShare: '33.33',
      rank: 1,
      previousTotalStars: 11,
      previousRank: 1,
      rankMovement: 'same',
    });
    expect(p26.townships.map((t) => [t.code, t.previousTotalStars, t.starCounts])).toEqual([
      [U1, 5, { ...held(2, 2, 2, 1, 1), culture: 0 }],
      [U2, 6, { ...held(6, 6, 1, 1, 0), culture: 0 }],
    ]);

    // The whole county's round counts all eleven branches: 3 at three stars or more, 3/11 = 27.27%.
    const w26 = await ask(W26);
    expect(w26.county).toMatchObject({ branches: 11, totalStars: 13, threeStarsOrMoreShare: '27.27' });
    // Its start listed no stars: the ones held, by code (U3's two five-star branches and U1-1's three).
    expect(w26.stars.map((st) => st.code)).toEqual(['civility', 'ecology', 'industry', 'party', 'safety']);
    expect(w26.county.starCounts).toEqual(held(3, 3, 3, 2, 2));
    expect(w26.townships.map((t) => t.code)).toEqual([U3, U1, U2]);
  });

  it('compares with the last earlier round of the same scope, not the one started last', async () => {
    // P25 started after W25, but covers two townships only: W26 compares with W25.
    const w26 = await ask(W26);
    expect(w26).toMatchObject({ round: { id: W26 }, previousRound: { id: W25 } });
    expect(w26.county).toMatchObject({ totalStars: 13, previousTotalStars: 10 });
    expect(
      w26.branches
        .filter((b) => b.townshipCode === U3)
        .map((b) => [b.code, b.level, b.previousLevel, b.movement]),
    ).toEqual([
      [br(U3, 1), 5, 5, 'same'],
      [br(U3, 2), 5, 4, 'up'],
    ]);
    expect(w26.branches.find((b) => b.code === br(U1, 2))).toMatchObject({
      previousLevel: null,
      movement: 'new',
    });
    // P25's previous would be a round of U1 and U2 before 2025: there is none.
    expect((await ask(P25)).previousRound).toBeNull();
  });

  it('rebuilds the rounds with their scope', async () => {
    await svc!.stop();
    svc = undefined;
    const rows = () =>
      db.selectFrom('rounds').selectAll().where('county_code', '=', S).orderBy('round_id').execute();
    const live = await rows();
    expect(live.map((r) => [r.round_id, r.township_codes])).toEqual([
      [P25, [U1, U2]],
      [P26, [U1, U2]],
      [W25, null],
      [W26, null],
    ]);
    await rebuildRanking(db, nc, log);
    expect(await rows()).toEqual(live);
    svc = await startRankingService(env.serviceOptions);
    expect(await ask()).toEqual(p26);
  });
});
