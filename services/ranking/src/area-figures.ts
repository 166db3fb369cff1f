import {
  BranchType,
  OWN_LEVEL_LABELS,
  type AreaFigures,
  type AreaLevel,
  type Figures,
  type RankedArea,
  type RankingStar,
} from '@fivestar/contracts';
import { rankDesc, scaledDecimal } from './rank';

/**
 * The figures of rankings above the county, from branch counts: pure, so they are unit-tested by hand.
 * Decimals are computed on integers and rounded half up, as PostgreSQL's numeric does for the county's.
 */

/** How many branches of `type` in `child` are at `level`. */
export interface LevelTally {
  child: string;
  type: BranchType;
  level: number;
  branches: number;
}
/** How many branches of `type` in `child` hold `star`. */
export interface StarTally {
  child: string;
  type: BranchType;
  star: string;
  branches: number;
}

/** numerator × scale / denominator to 2 places, rounded half up ("0.00" over no denominator). */
export function decimal(numerator: number, denominator: number, scale = 1): string {
  if (denominator === 0) return '0.00';
  // round(n × scale × 100 / d) half up, in integers: floor((2 × n × scale × 100 + d) / 2d).
  const hundredths = Math.floor((2 * numerator * scale * 100 + denominator) / (2 * denominator));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** 累计创星, 创建得分 and 三星以上占比 of branches counted per level (index 0–5) and per star. */
export function figuresOf(
  levels: readonly number[],
  held: Readonly<Record<string, number>>,
  stars: readonly RankingStar[],
): Figures {
  const count = (l: number) => levels[l] ?? 0;
  const branches = [0, 1, 2, 3, 4, 5].reduce((n, l) => n + count(l), 0);
  const totalStars = [1, 2, 3, 4, 5].reduce((n, l) => n + l * count(l), 0);
  return {
    branches,
    levelCounts: { 0: count(0), 1: count(1), 2: count(2), 3: count(3), 4: count(4), 5: count(5) },
    starCounts: Object.fromEntries(stars.map((s) => [s.code, held[s.code] ?? 0])),
    totalStars,
    averageStars: decimal(totalStars, branches),
    threeStarsOrMoreShare: decimal(count(3) + count(4) + count(5), branches, 100),
  };
}

/** The figures of the tallies given (those of one child, or of all), in all and per branch type. */
export function areaFiguresOf(
  code: string,
  name: string,
  levels: readonly LevelTally[],
  held: readonly StarTally[],
  stars: readonly RankingStar[],
): AreaFigures {
  const of = (keep: (t: { type: BranchType }) => boolean): Figures => {
    const perLevel = [0, 0, 0, 0, 0, 0];
    for (const t of levels) if (keep(t)) perLevel[t.level] = (perLevel[t.level] ?? 0) + t.branches;
    const perStar: Record<string, number> = {};
    for (const t of held) if (keep(t)) perStar[t.star] = (perStar[t.star] ?? 0) + t.branches;
    return figuresOf(perLevel, perStar, stars);
  };
  const byType = Object.fromEntries(
    BranchType.options.map((type) => [type, of((t) => t.type === type)]),
  ) as AreaFigures['byType'];
  return { code, name, ...of(() => true), byType };
}

/** The child an area ranks a county under: its city in a province, itself in a city. */
export const childOf = (level: AreaLevel, countyCode: string): string =>
  level === 'province' ? countyCode.slice(0, 4) : countyCode;

/** A child's name: the level's own units (`xx00` in a province, `xxxx00` in a city) as 省直 / 市直. */
export function childName(level: AreaLevel, areaCode: string, child: string, name: string | null): string {
  if (child === `${areaCode}00`) return OWN_LEVEL_LABELS[level];
  return name ?? child;
}

/**
 * The stars tallied: every source round's catalogs' stars in the order met (rounds by county code), then
 * any other star held, by code.
 */
export function starsOf(
  listed: ReadonlyArray<readonly RankingStar[] | null>,
  held: readonly StarTally[],
): RankingStar[] {
  const stars = new Map<string, string>();
  for (const s of listed.flatMap((l) => l ?? [])) if (!stars.has(s.code)) stars.set(s.code, s.name);
  for (const code of [...new Set(held.map((t) => t.star))].sort())
    if (!stars.has(code)) stars.set(code, code);
  return [...stars].map(([code, name]) => ({ code, name }));
}

/** Children by 创建得分 as published (2 places): equal scores share a rank; ties keep code order. */
export function rankChildren(children: readonly AreaFigures[]): RankedArea[] {
  const byCode = [...children].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return rankDesc(byCode, (c) => scaledDecimal(c.averageStars, 2));
}
