import type { Aggregate, BranchStanding } from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf, type ResultOf } from '@fivestar/platform';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { RankingDB } from './db';
import { rankDesc, scaledDecimal } from './rank';

/**
 * Every directory branch of the area with its current level: the latest award across rounds (a
 * branch never awarded is level 0). The round filter is a later issue; round_id is stored for it.
 */
function branchLevels(where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    SELECT br.code, br.name, br.township_code, br.township_name, br.county_code, br.county_name,
           coalesce(l.level, 0) AS level, coalesce(l.stars, '{}') AS stars
    FROM branches br
    LEFT JOIN LATERAL (
      SELECT s.level, s.stars FROM standings s
      WHERE s.branch_code = br.code
      ORDER BY s.awarded_at DESC, s.round_id DESC
      LIMIT 1
    ) l ON true
    ${where}`;
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
  average_stars: string;
  share: string;
}

/**
 * Figures per county or per township, computed by PostgreSQL in exact numeric: 创建得分 rounded half
 * up to 2 places, 三星以上占比 as a percentage to 1 place. Areas come from the directory's branches.
 */
async function aggregates(
  db: Kysely<RankingDB>,
  by: 'county' | 'township',
  where: RawBuilder<unknown>,
): Promise<Array<Omit<Aggregate, 'rank'>>> {
  const code = sql.ref(by === 'county' ? 'county_code' : 'township_code');
  const name = sql.ref(by === 'county' ? 'county_name' : 'township_name');
  const { rows } = await sql<AggregateRow>`
    WITH b AS (${branchLevels(where)})
    SELECT ${code} AS code, max(${name}) AS name, count(*)::int AS branches,
           count(*) FILTER (WHERE level = 0)::int AS l0, count(*) FILTER (WHERE level = 1)::int AS l1,
           count(*) FILTER (WHERE level = 2)::int AS l2, count(*) FILTER (WHERE level = 3)::int AS l3,
           count(*) FILTER (WHERE level = 4)::int AS l4, count(*) FILTER (WHERE level = 5)::int AS l5,
           sum(level)::int AS total_stars,
           round(sum(level)::numeric / count(*), 2)::text AS average_stars,
           round(100 * count(*) FILTER (WHERE level >= 3)::numeric / count(*), 1)::text AS share
    FROM b GROUP BY 1 ORDER BY 1`.execute(db);
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    branches: r.branches,
    levelCounts: { 0: r.l0, 1: r.l1, 2: r.l2, 3: r.l3, 4: r.l4, 5: r.l5 },
    totalStars: r.total_stars,
    averageStars: r.average_stars,
    threeStarsOrMoreShare: r.share,
  }));
}

function emptyAggregate(code: string): Omit<Aggregate, 'rank'> {
  return {
    code,
    name: '',
    branches: 0,
    levelCounts: { 0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
    totalStars: 0,
    averageStars: '0.00',
    threeStarsOrMoreShare: '0.0',
  };
}

/**
 * Areas are ranked by the published 创建得分 (2 places), so two areas showing the same score share a
 * rank — the bulletin never shows equal scores with different ranks.
 */
function rankAreas(areas: Array<Omit<Aggregate, 'rank'>>): Aggregate[] {
  return rankDesc(areas, (a) => scaledDecimal(a.averageStars, 2));
}

/**
 * County figures, its townships ranked, and branch standings. The county is ranked among the counties of
 * its city (same first four code digits), as a city's bulletin ranks them.
 */
export async function standings(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'standings'>,
): Promise<ResultOf<'ranking', 'standings'>> {
  const { countyCode, townshipCode } = req;
  if (townshipCode && !townshipCode.startsWith(countyCode))
    throw new RequestError('invalid', `乡镇 ${townshipCode} 不属于县 ${countyCode}`);

  const counties = await aggregates(
    db,
    'county',
    sql`WHERE br.county_code LIKE ${`${countyCode.slice(0, 4)}%`}`,
  );
  if (!counties.some((c) => c.code === countyCode)) counties.push(emptyAggregate(countyCode));
  const county = rankAreas(counties).find((c) => c.code === countyCode)!;

  const townships = rankAreas(await aggregates(db, 'township', sql`WHERE br.county_code = ${countyCode}`));

  const area = townshipCode
    ? sql`WHERE br.county_code = ${countyCode} AND br.township_code = ${townshipCode}`
    : sql`WHERE br.county_code = ${countyCode}`;
  const { rows } = await sql<{
    code: string;
    name: string;
    township_code: string;
    level: number;
    stars: string[];
  }>`
    SELECT code, name, township_code, level, stars FROM (${branchLevels(area)}) b
    ORDER BY level DESC, code`.execute(db);
  const branches: BranchStanding[] = rankDesc(
    rows.map((r) => ({
      code: r.code,
      name: r.name,
      townshipCode: r.township_code,
      level: r.level,
      stars: r.stars,
    })),
    (b) => b.level,
  );
  return { county, townships, branches };
}
