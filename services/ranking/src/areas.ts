import {
  AREA_CHILD_LABELS,
  AREA_LEVEL_LABELS,
  BranchType,
  RANKED_BRANCH_TYPE_LABELS,
  type AreaFigures,
  type AreaLevel,
  type AreaRankingResult,
  type FiveStarListResult,
} from '@fivestar/contracts';
import type { ParsedRequestOf, ResultOf } from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import {
  areaFiguresOf,
  childName,
  childOf,
  rankChildren,
  starsOf,
  type LevelTally,
  type StarTally,
} from './area-figures';
import type { RankingDB } from './db';
import {
  documentOf,
  figureCells,
  FIGURE_HEADERS,
  heading,
  htmlPage,
  htmlTable,
  levelTable,
  paragraph,
  starTable,
  xlsxBook,
  type Table,
} from './documents';
import { wholeCountyRounds, type RoundInfo } from './periods';
import { asRoundInfo } from './queries';

/**
 * Rankings above the county (issue 12): a province's cities or a city's counties, each county read from
 * its latest whole-county round of the year (wholeCountyRounds), and the area's five-star branches.
 */

export const levelOf = (code: string): AreaLevel => (code.length === 2 ? 'province' : 'city');

/** What an area ranking reads: its counties (with a branch) and their names, and each one's round. */
interface AreaSources {
  level: AreaLevel;
  /** By county code. */
  counties: Array<{ code: string; name: string; cityName: string | null; provinceName: string | null }>;
  /** Each county's round (by county code); a county without one has no stars this year. */
  rounds: Map<string, RoundInfo>;
}

async function sourcesOf(
  db: Kysely<RankingDB>,
  req: { code: string; year: number; campaignId?: string | undefined },
): Promise<AreaSources> {
  const prefix = `${req.code}%`;
  const [rounds, counties] = await Promise.all([
    db
      .selectFrom('rounds')
      .selectAll()
      .where('year', '=', req.year)
      .where('county_code', 'like', prefix)
      .execute(),
    db
      .selectFrom('branches')
      .select((eb) => [
        'county_code as code',
        eb.fn.max('county_name').as('name'),
        eb.fn.max('city_name').as('cityName'),
        eb.fn.max('province_name').as('provinceName'),
      ])
      .where('county_code', 'like', prefix)
      .groupBy('county_code')
      .orderBy('county_code')
      .execute(),
  ]);
  return {
    level: levelOf(req.code),
    counties,
    rounds: wholeCountyRounds(rounds.map(asRoundInfo), req.year, req.campaignId),
  };
}

/** The counties' codes and their rounds' ids, as two arrays PostgreSQL unnests side by side. */
function roundArrays(src: AreaSources): [string[], string[]] {
  const entries = [...src.rounds];
  return [entries.map(([county]) => county), entries.map(([, r]) => r.id)];
}

/**
 * The area's branches counted per child, type, level and stars held, in one pass (few distinct groups:
 * stars come in few combinations): each branch at its level in its county's round (0 without a standing
 * there, withdrawn, or without a round).
 */
async function tallies(
  db: Kysely<RankingDB>,
  code: string,
  src: AreaSources,
): Promise<{ levels: LevelTally[]; held: StarTally[] }> {
  const [counties, rounds] = roundArrays(src);
  const child = src.level === 'province' ? sql`left(br.county_code, 4)` : sql`br.county_code`;
  const { rows } = await sql<{ child: string; type: BranchType; level: number; stars: string[]; n: number }>`
    SELECT ${child} AS child, br.type, coalesce(s.level, 0) AS level, coalesce(s.stars, '{}') AS stars,
           count(*)::int AS n
    FROM branches br
    LEFT JOIN unnest(${counties}::text[], ${rounds}::text[]) AS src(county_code, round_id)
      ON src.county_code = br.county_code
    LEFT JOIN standings s ON s.round_id = src.round_id AND s.branch_code = br.code
    WHERE br.county_code LIKE ${`${code}%`}
    GROUP BY 1, 2, 3, 4`.execute(db);
  const levels = rows.map((r) => ({ child: r.child, type: r.type, level: r.level, branches: r.n }));
  const held = rows.flatMap((r) =>
    r.stars.map((star) => ({ child: r.child, type: r.type, star, branches: r.n })),
  );
  return { levels, held };
}

/** The area's name: the province's or city's as the directory sent it, else its code. */
function areaName(code: string, src: AreaSources): string {
  const names = src.counties.map((c) => (src.level === 'province' ? c.provinceName : c.cityName));
  return names.find((n) => n !== null) ?? code;
}

/** A province's cities or a city's counties ranked by 创建得分, with the area's figures. */
export async function areaRanking(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'areaRanking'>,
): Promise<ResultOf<'ranking', 'areaRanking'>> {
  const src = await sourcesOf(db, req);
  const { levels, held } = await tallies(db, req.code, src);
  const rounds = [...src.rounds.values()].sort((a, b) => (a.countyCode < b.countyCode ? -1 : 1));
  const stars = starsOf(
    rounds.map((r) => r.stars),
    held,
  );
  // A city's name from any of its counties' branches that carried it.
  const names = new Map<string, string | null>();
  for (const c of src.counties) {
    const child = childOf(src.level, c.code);
    if (!names.get(child)) names.set(child, src.level === 'province' ? c.cityName : c.name);
  }
  const children = [...names].map(([child, name]) =>
    areaFiguresOf(
      child,
      childName(src.level, req.code, child, name),
      levels.filter((t) => t.child === child),
      held.filter((t) => t.child === child),
      stars,
    ),
  );
  return {
    code: req.code,
    name: areaName(req.code, src),
    level: src.level,
    year: req.year,
    campaignId: req.campaignId ?? null,
    stars,
    area: areaFiguresOf(req.code, areaName(req.code, src), levels, held, stars),
    children: rankChildren(children),
    sources: src.counties.map((c) => {
      const round = src.rounds.get(c.code);
      return {
        countyCode: c.code,
        countyName: c.name,
        roundId: round?.id ?? null,
        roundTitle: round?.title ?? null,
      };
    }),
  };
}

// ---- the documents ----------------------------------------------------------------------------------

/** An area's figures with the name a table prints for it. */
export const totalRow = (r: { level: AreaLevel; area: AreaFigures }) => ({
  ...r.area,
  name: `全${AREA_LEVEL_LABELS[r.level]}`,
});

/** 分类型情况: per child (and for the area), each branch type it has branches of. */
export function typeTable(r: Pick<AreaRankingResult, 'level' | 'area' | 'children'>): Table {
  const rows = [...r.children, totalRow(r)].flatMap((c) =>
    BranchType.options
      .filter((type) => c.byType[type].branches > 0)
      .map((type) => [c.name, RANKED_BRANCH_TYPE_LABELS[type], ...figureCells(c.byType[type])]),
  );
  return { sheet: '分类型情况', headers: [AREA_CHILD_LABELS[r.level], '类型', ...FIGURE_HEADERS], rows };
}

/** 数据来源: the round each county is read from. */
export const sourceTable = (r: Pick<AreaRankingResult, 'sources'>): Table => ({
  sheet: '数据来源',
  headers: ['县（市、区）', '轮次'],
  rows: r.sources.map((s) => [s.countyName, s.roundTitle ?? s.roundId ?? '本年度无全县轮次']),
});

/** The tables an area's ranking and its bulletin share, after their first (the ranking itself). */
export const areaTables = (
  r: Pick<AreaRankingResult, 'level' | 'area' | 'children' | 'stars' | 'sources'>,
) => {
  const label = AREA_CHILD_LABELS[r.level];
  const all = [...r.children, totalRow(r)];
  return {
    levels: levelTable('星级分布', label, all),
    stars: starTable('各星创建情况', label, r.stars, all),
    types: typeTable(r),
    sources: sourceTable(r),
  };
};

/** The opening sentence of an area's documents. */
export const summary = (r: Pick<AreaRankingResult, 'level' | 'area'>, when: string): string =>
  `${when}，全${AREA_LEVEL_LABELS[r.level]}共 ${r.area.branches} 个支部，累计创星 ${r.area.totalStars} 颗，创建得分 ${r.area.averageStars}，三星以上占比 ${r.area.threeStarsOrMoreShare}%。`;

const rankingTitle = (r: AreaRankingResult) =>
  `${r.name}${r.year}年度五星支部创建${AREA_CHILD_LABELS[r.level]}排名`;

function rankingTables(r: AreaRankingResult) {
  return {
    ranking: {
      sheet: `${AREA_CHILD_LABELS[r.level]}排名`,
      headers: ['排名', AREA_CHILD_LABELS[r.level], ...FIGURE_HEADERS],
      rows: r.children.map((c) => [String(c.rank), c.name, ...figureCells(c)]),
    },
    ...areaTables(r),
  };
}

export function areaRankingHtml(r: AreaRankingResult): string {
  const t = rankingTables(r);
  return htmlPage(rankingTitle(r), [
    paragraph(summary(r, `${r.year}年度`)),
    heading(`一、${t.ranking.headers[1]}排名`),
    htmlTable(t.ranking),
    heading('二、星级分布'),
    htmlTable(t.levels),
    paragraph('各星创建情况（获得该星的支部数）：'),
    htmlTable(t.stars),
    heading('三、分类型情况'),
    htmlTable(t.types),
    heading('四、数据来源'),
    htmlTable(t.sources),
  ]);
}

export async function areaRankingDocument(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'areaRankingDocument'>,
): Promise<ResultOf<'ranking', 'areaRankingDocument'>> {
  const r = await areaRanking(db, req);
  return documentOf(
    `ranking-${r.code}-${r.year}`,
    req.format,
    () => areaRankingHtml(r),
    () => xlsxBook(rankingTitle(r), Object.values(rankingTables(r))),
  );
}

// ---- 通报表扬名单 -------------------------------------------------------------------------------------

/** Every five-star branch of the area in its county's round of the year, by code (city, county, township). */
export async function fiveStarList(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'fiveStarList'>,
): Promise<ResultOf<'ranking', 'fiveStarList'>> {
  const src = await sourcesOf(db, req);
  const [counties, rounds] = roundArrays(src);
  const { rows } = await sql<{
    code: string;
    name: string;
    type: BranchType;
    township_code: string;
    township_name: string;
    county_code: string;
    county_name: string;
    city_name: string | null;
    round_id: string;
  }>`
    SELECT br.code, br.name, br.type, br.township_code, br.township_name, br.county_code, br.county_name,
           br.city_name, s.round_id
    FROM branches br
    JOIN unnest(${counties}::text[], ${rounds}::text[]) AS src(county_code, round_id)
      ON src.county_code = br.county_code
    JOIN standings s ON s.round_id = src.round_id AND s.branch_code = br.code
    WHERE br.county_code LIKE ${`${req.code}%`} AND s.level = 5
    ORDER BY br.code`.execute(db);
  const name = areaName(req.code, src);
  return {
    code: req.code,
    name,
    year: req.year,
    campaignId: req.campaignId ?? null,
    title: `${name}${req.year}年度五星支部通报表扬名单`,
    branches: rows.map((r) => {
      const cityCode = r.county_code.slice(0, 4);
      return {
        code: r.code,
        name: r.name,
        type: r.type,
        cityCode,
        cityName: childName('province', r.county_code.slice(0, 2), cityCode, r.city_name),
        countyCode: r.county_code,
        countyName: r.county_name,
        townshipCode: r.township_code,
        townshipName: r.township_name,
        roundId: r.round_id,
        roundTitle: src.rounds.get(r.county_code)?.title ?? null,
      };
    }),
  };
}

function fiveStarTable(l: FiveStarListResult): Table {
  return {
    sheet: '五星支部名单',
    headers: ['序号', '市', '县（市、区）', '乡镇（街道）', '支部', '类型', '轮次'],
    rows: l.branches.map((b, i) => [
      String(i + 1),
      b.cityName,
      b.countyName,
      b.townshipName,
      b.name,
      RANKED_BRANCH_TYPE_LABELS[b.type],
      b.roundTitle ?? b.roundId,
    ]),
  };
}

export function fiveStarListHtml(l: FiveStarListResult): string {
  return htmlPage(l.title, [
    paragraph(`${l.year}年度，${l.name}共有五星支部 ${l.branches.length} 个，予以通报表扬。`),
    htmlTable(fiveStarTable(l)),
  ]);
}

export async function fiveStarListDocument(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'fiveStarListDocument'>,
): Promise<ResultOf<'ranking', 'fiveStarListDocument'>> {
  const l = await fiveStarList(db, req);
  return documentOf(
    `five-star-${l.code}-${l.year}`,
    req.format,
    () => fiveStarListHtml(l),
    () => xlsxBook(l.title, [fiveStarTable(l)]),
  );
}
