import type { Aggregate, BranchStanding, RankingRound, RankingStar } from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf, type ResultOf } from '@fivestar/platform';
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { RankingDB, RoundsTable } from './db';
import {
  defaultRound,
  levelMovement,
  previousRound,
  rankMovement,
  sourcesFor,
  type RoundInfo,
  type Sources,
} from './periods';
import { rankDesc, scaledDecimal } from './rank';

/**
 * Every directory branch of the area (`area`, a condition on `br`) in the scope of its county's round,
 * with its level in the period `sources` describes (see Sources): a branch without a standing there is
 * level 0. `placed` tells whether it had a standing at all. A round of some townships counts theirs
 * only. Without a round, the latest standing in any round counts (by the time of the event that set it).
 */
function branchLevels(sources: Sources, area: RawBuilder<unknown>): RawBuilder<unknown> {
  const counties = [...sources.keys()];
  const rounds = [...sources.values()];
  return sql`
    SELECT br.code, br.name, br.township_code, br.township_name, br.county_code, br.county_name,
           coalesce(l.level, 0) AS level, coalesce(l.stars, '{}') AS stars,
           coalesce(l.withdrawn, false) AS withdrawn, l.level IS NOT NULL AS placed
    FROM branches br
    LEFT JOIN unnest(${counties}::text[], ${rounds}::text[]) AS src(county_code, round_id)
      ON src.county_code = br.county_code
    LEFT JOIN rounds scope ON scope.round_id = src.round_id
    LEFT JOIN LATERAL (
      SELECT s.level, s.stars, s.withdrawn FROM standings s
      WHERE s.branch_code = br.code AND (src.county_code IS NULL OR s.round_id = src.round_id)
      ORDER BY s.changed_at DESC, s.round_id DESC
      LIMIT 1
    ) l ON true
    WHERE ${area} AND (scope.township_codes IS NULL OR br.township_code = ANY(scope.township_codes))`;
}

interface AggregateRow {
  code: string;
  name: string;
  branches: number;
  l0: number;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  l5: number;
  total_stars: number;
  star_counts: Record<string, number>;
  average_stars: string;
  share: string;
}

/** An area's figures in one period, before ranking. */
type Figures = Omit<Aggregate, 'rank' | 'previousTotalStars' | 'previousRank' | 'rankMovement'>;

/**
 * Figures per county or per township, computed by PostgreSQL in exact numeric: 创建得分 rounded half
 * up to 2 places, 三星以上占比 as a percentage rounded half up to 2 places (as bulletins print it), and
 * per star the branches holding it. Areas come from the directory's branches; a withdrawn branch counts
 * as a branch at level 0.
 */
async function aggregates(
  db: Kysely<RankingDB>,
  by: 'county' | 'township',
  sources: Sources,
  area: RawBuilder<unknown>,
): Promise<Figures[]> {
  const code = sql.ref(by === 'county' ? 'county_code' : 'township_code');
  const name = sql.ref(by === 'county' ? 'county_name' : 'township_name');
  const { rows } = await sql<AggregateRow>`
    WITH b AS (${branchLevels(sources, area)}),
    held AS (SELECT ${code} AS area, star, count(*)::int AS n FROM b, unnest(b.stars) AS star GROUP BY 1, 2)
    SELECT ${code} AS code, max(${name}) AS name, count(*)::int AS branches,
           count(*) FILTER (WHERE level = 0)::int AS l0, count(*) FILTER (WHERE level = 1)::int AS l1,
           count(*) FILTER (WHERE level = 2)::int AS l2, count(*) FILTER (WHERE level = 3)::int AS l3,
           count(*) FILTER (WHERE level = 4)::int AS l4, count(*) FILTER (WHERE level = 5)::int AS l5,
           sum(level)::int AS total_stars,
           coalesce((SELECT jsonb_object_agg(h.star, h.n) FROM held h WHERE h.area = ${code}), '{}') AS star_counts,
           round(sum(level)::numeric / count(*), 2)::text AS average_stars,
           round(100 * count(*) FILTER (WHERE level >= 3)::numeric / count(*), 2)::text AS share
    FROM b GROUP BY 1 ORDER BY 1`.execute(db);
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    branches: r.branches,
    levelCounts: { 0: r.l0, 1: r.l1, 2: r.l2, 3: r.l3, 4: r.l4, 5: r.l5 },
    totalStars: r.total_stars,
    starCounts: r.star_counts,
    averageStars: r.average_stars,
    threeStarsOrMoreShare: r.share,
  }));
}

function emptyFigures(code: string): Figures {
  return {
    code,
    name: '',
    branches: 0,
    levelCounts: { 0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
    totalStars: 0,
    starCounts: {},
    averageStars: '0.00',
    threeStarsOrMoreShare: '0.00',
  };
}

/**
 * The stars a ranking tallies: the round's catalogs' in their order, then any other star held in the
 * county (a round whose start did not list its stars, or none), by code.
 */
function tallied(round: RoundInfo | null, county: Figures): RankingStar[] {
  const stars = [...(round?.stars ?? [])];
  const listed = new Set(stars.map((s) => s.code));
  for (const code of Object.keys(county.starCounts).sort())
    if (!listed.has(code)) stars.push({ code, name: code });
  return stars;
}

/** An area's tallies of exactly `stars`, in their order (0 for a star nobody holds). */
const withStars = <A extends Figures>(area: A, stars: readonly RankingStar[]): A => ({
  ...area,
  starCounts: Object.fromEntries(stars.map((s) => [s.code, area.starCounts[s.code] ?? 0])),
});

/**
 * Areas are ranked by the published 创建得分 (2 places), so two areas showing the same score share a
 * rank — the bulletin never shows equal scores with different ranks.
 */
function rankAreas(areas: Figures[]): Array<Figures & { rank: number }> {
  return rankDesc(areas, (a) => scaledDecimal(a.averageStars, 2));
}

/** Ranks the areas and sets each one's previous 累计创星 and rank (null without a previous period). */
function rankWithPrevious(current: Figures[], previous: Figures[] | null): Aggregate[] {
  const before = new Map(previous ? rankAreas(previous).map((a) => [a.code, a]) : []);
  return rankAreas(current).map((a) => {
    const p = before.get(a.code);
    return {
      ...a,
      previousTotalStars: p?.totalStars ?? null,
      previousRank: p?.rank ?? null,
      rankMovement: p ? rankMovement(a.rank, p.rank) : null,
    };
  });
}

/** Counties of the city, with `countyCode` answered with zeros when it has no branch. */
async function cityCounties(db: Kysely<RankingDB>, countyCode: string, sources: Sources): Promise<Figures[]> {
  const counties = await aggregates(
    db,
    'county',
    sources,
    sql`br.county_code LIKE ${`${countyCode.slice(0, 4)}%`}`,
  );
  if (!counties.some((c) => c.code === countyCode)) counties.push(emptyFigures(countyCode));
  return counties;
}

/** A `rounds` row as the choices of periods.ts take it. */
export const asRoundInfo = (r: Selectable<RoundsTable>): RoundInfo => ({
  id: r.round_id,
  countyCode: r.county_code,
  year: r.year,
  title: r.title,
  townshipCodes: r.township_codes,
  stars: r.stars,
  campaignId: r.campaign_id,
  startedAt: r.started_at,
  closedAt: r.closed_at,
});

/** The rounds of the city's counties (a handful a year each). */
async function cityRounds(db: Kysely<RankingDB>, countyCode: string): Promise<RoundInfo[]> {
  const rows = await db
    .selectFrom('rounds')
    .selectAll()
    .where('county_code', 'like', `${countyCode.slice(0, 4)}%`)
    .execute();
  return rows.map(asRoundInfo);
}

/** The round asked for (it must be the county's), else the county's default; null: the county has none. */
async function chooseRound(
  db: Kysely<RankingDB>,
  rounds: RoundInfo[],
  countyCode: string,
  roundId: string | undefined,
): Promise<RoundInfo | null> {
  if (roundId === undefined) return defaultRound(rounds, countyCode);
  const round = rounds.find((r) => r.id === roundId);
  if (round?.countyCode === countyCode) return round;
  const elsewhere =
    round ??
    (await db.selectFrom('rounds').select('round_id').where('round_id', '=', roundId).executeTakeFirst());
  if (elsewhere) throw new RequestError('invalid', `轮次 ${roundId} 不属于县 ${countyCode}`);
  throw new RequestError('not_found', `没有轮次 ${roundId}`);
}

const asRankingRound = (r: RoundInfo): RankingRound => ({
  id: r.id,
  countyCode: r.countyCode,
  year: r.year,
  title: r.title,
});

/**
 * County figures, its townships ranked, and branch standings, all of one round of the county (see
 * `periods.ts`), with 升星 against its previous round. The county is ranked among the counties of its
 * city (same first four code digits), as a city's bulletin ranks them.
 */
export async function standings(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'standings'>,
): Promise<ResultOf<'ranking', 'standings'>> {
  const { countyCode, townshipCode } = req;
  if (townshipCode && !townshipCode.startsWith(countyCode))
    throw new RequestError('invalid', `乡镇 ${townshipCode} 不属于县 ${countyCode}`);

  const rounds = await cityRounds(db, countyCode);
  const round = await chooseRound(db, rounds, countyCode, req.roundId);
  const previous = round && previousRound(rounds, round);
  const now = sourcesFor(rounds, countyCode, round);
  const before = previous && sourcesFor(rounds, countyCode, previous);

  const ranked = rankWithPrevious(
    await cityCounties(db, countyCode, now),
    before && (await cityCounties(db, countyCode, before)),
  ).find((c) => c.code === countyCode)!;
  const stars = tallied(round, ranked);
  const county = withStars(ranked, stars);

  const inCounty = sql`br.county_code = ${countyCode}`;
  const townships = rankWithPrevious(
    await aggregates(db, 'township', now, inCounty),
    before && (await aggregates(db, 'township', before, inCounty)),
  ).map((t) => withStars(t, stars));

  const area = townshipCode
    ? sql`br.county_code = ${countyCode} AND br.township_code = ${townshipCode}`
    : inCounty;
  const { rows } = await sql<{
    code: string;
    name: string;
    township_code: string;
    level: number;
    stars: string[];
    withdrawn: boolean;
    previous_level: number | null;
  }>`
    SELECT b.code, b.name, b.township_code, b.level, b.stars, b.withdrawn,
           ${before ? sql`p.level` : sql`NULL::int`} AS previous_level
    FROM (${branchLevels(now, area)}) b
    ${before ? sql`LEFT JOIN (${branchLevels(before, area)}) p ON p.code = b.code AND p.placed` : sql``}
    ORDER BY b.level DESC, b.code`.execute(db);
  const branches: BranchStanding[] = rankDesc(
    rows.map((r) => ({
      code: r.code,
      name: r.name,
      townshipCode: r.township_code,
      level: r.level,
      stars: r.stars,
      previousLevel: r.previous_level,
      movement: levelMovement(r.level, r.previous_level),
      withdrawn: r.withdrawn,
    })),
    (b) => b.level,
  );

  return {
    round: round && asRankingRound(round),
    previousRound: previous && asRankingRound(previous),
    frozen: Boolean(round?.closedAt),
    closedAt: round?.closedAt?.toISOString() ?? null,
    stars,
    county,
    townships,
    branches,
  };
}
