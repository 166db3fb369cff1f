import { z } from 'zod';
import { Actor, BranchType, DivisionCode } from './directory';
import { CampaignId } from './round';
import { BulletinItem, Period } from './monthly-ranking';
import { Aggregate, BulletinFormat, RankingStar, StarCounts } from './requests';

/**
 * Figures above the county (issue 12): a province's cities or a city's counties ranked over each county's
 * whole-county round of a campaign year, the monthly bulletins of cities and the province, and the list of
 * five-star branches (通报表扬名单). Answered by the ranking service.
 */

/** A province (2 digits) or a city (4 digits): the areas whose children are ranked here. */
export const AreaCode = z.string().regex(/^(\d{2}|\d{4})$/, '地区代码应为2位（省）或4位（市）数字');
export type AreaCode = z.infer<typeof AreaCode>;
/** What a bulletin is of: the province (2 digits), a city (4) or a county (6). */
export const BulletinAreaCode = DivisionCode;
export const CampaignYear = z.number().int('年度应为整数').min(2000, '年度过早').max(2100, '年度过晚');

export const AreaLevel = z.enum(['province', 'city']);
export type AreaLevel = z.infer<typeof AreaLevel>;

/** zh-CN labels of what area rankings print. */
export const AREA_LEVEL_LABELS: Record<AreaLevel, string> = { province: '省', city: '市' };
/** What an area's children are called, by the area's level. */
export const AREA_CHILD_LABELS: Record<AreaLevel, string> = { province: '市', city: '县（市、区）' };
/** The children holding the level's own units (docs/hierarchy.md): `xx00` in a province, `xxxx00` in a city. */
export const OWN_LEVEL_LABELS: Record<AreaLevel, string> = { province: '省直', city: '市直' };
export const LEVEL_LABELS = ['无星', '一星', '二星', '三星', '四星', '五星'] as const;
export const RANKED_BRANCH_TYPE_LABELS: Record<BranchType, string> = {
  rural: '村',
  urban: '社区',
  organ: '机关',
  enterprise: '企业',
};

/** Branches, levels, stars, 累计创星, 创建得分 and 三星以上占比 of a set of branches (decimals as strings). */
export const Figures = z.object({
  branches: z.number().int(),
  levelCounts: Aggregate.shape.levelCounts,
  /** Branches holding each star of the answer's `stars`, by code (0 included). */
  starCounts: StarCounts,
  /** 累计创星. */
  totalStars: z.number().int(),
  /** 创建得分: stars per branch, rounded half up to 2 places ("2.59"); "0.00" without branches. */
  averageStars: z.string(),
  /** 三星以上占比: percentage of branches at 3 stars or more, rounded half up to 2 places. */
  threeStarsOrMoreShare: z.string(),
});
export type Figures = z.infer<typeof Figures>;

/** An area's figures in all and per branch type (村, 社区, 机关, 企业). */
export const AreaFigures = Figures.extend({
  code: z.string(),
  name: z.string(),
  byType: z.object({ rural: Figures, urban: Figures, organ: Figures, enterprise: Figures }),
});
export type AreaFigures = z.infer<typeof AreaFigures>;
/** A child ranked by 创建得分 (equal published scores share a rank). */
export const RankedArea = AreaFigures.extend({ rank: z.number().int() });
export type RankedArea = z.infer<typeof RankedArea>;

/** Where a county's figures come from: its latest whole-county round of the year; null: none (no stars). */
export const AreaSource = z.object({
  countyCode: z.string(),
  countyName: z.string(),
  roundId: z.string().nullable(),
  roundTitle: z.string().nullable(),
});
export type AreaSource = z.infer<typeof AreaSource>;

export const AreaRankingRequest = z.object({
  code: AreaCode,
  year: CampaignYear,
  /** Only rounds started under this campaign. */
  campaignId: CampaignId.optional(),
});
export type AreaRankingRequest = z.input<typeof AreaRankingRequest>;
export const AreaRankingResult = z.object({
  code: z.string(),
  name: z.string(),
  level: AreaLevel,
  year: z.number().int(),
  campaignId: z.string().nullable(),
  /** The stars tallied: the source rounds' catalogs' stars in order, then any other star held. */
  stars: z.array(RankingStar),
  area: AreaFigures,
  /** Cities of the province, or counties of the city (its own level `xxxx00` as 市直), best first. */
  children: z.array(RankedArea),
  /** Every county of the area with a branch, by code. */
  sources: z.array(AreaSource),
});
export type AreaRankingResult = z.infer<typeof AreaRankingResult>;

export const AreaDocumentRequest = AreaRankingRequest.extend({ format: BulletinFormat });
export type AreaDocumentRequest = z.input<typeof AreaDocumentRequest>;

/** A five-star branch as the list of the commended (通报表扬名单) names it. */
export const FiveStarBranch = z.object({
  code: z.string(),
  name: z.string(),
  type: BranchType,
  cityCode: z.string(),
  cityName: z.string(),
  countyCode: z.string(),
  countyName: z.string(),
  townshipCode: z.string(),
  townshipName: z.string(),
  roundId: z.string(),
  roundTitle: z.string().nullable(),
});
export type FiveStarBranch = z.infer<typeof FiveStarBranch>;
export const FiveStarListResult = z.object({
  code: z.string(),
  name: z.string(),
  year: z.number().int(),
  campaignId: z.string().nullable(),
  title: z.string(),
  /** By city, county, township and branch code. */
  branches: z.array(FiveStarBranch),
});
export type FiveStarListResult = z.infer<typeof FiveStarListResult>;

// ---- monthly bulletins of a city or the province ------------------------------------------------

export const TakeAreaSnapshotRequest = z.object({
  code: AreaCode,
  period: Period,
  /** Default: the period's year. */
  year: CampaignYear.optional(),
  campaignId: CampaignId.optional(),
});
export type TakeAreaSnapshotRequest = z.input<typeof TakeAreaSnapshotRequest>;
export const TakeAreaSnapshotResult = z.object({
  code: z.string(),
  period: z.string(),
  year: z.number().int(),
  campaignId: z.string().nullable(),
  takenAt: z.string(),
  /** The area's snapshot of the month existed and was replaced. */
  replaced: z.boolean(),
});
export type TakeAreaSnapshotResult = z.infer<typeof TakeAreaSnapshotResult>;

export const AreaBulletinRequest = z.object({ code: AreaCode, period: Period });
export type AreaBulletinRequest = z.input<typeof AreaBulletinRequest>;

/** A child as the bulletin shows it: against the previous month's snapshot of the same scope. */
export const AreaBulletinRow = RankedArea.extend({
  previousRank: z.number().int().nullable(),
  rankMovement: z.enum(['up', 'down', 'same']).nullable(),
  previousTotalStars: z.number().int().nullable(),
  /** Overdue items (逾期事项) of the child when the bulletin is built, escalated ones (督办) among them. */
  overdue: z.number().int(),
  escalated: z.number().int(),
});
export type AreaBulletinRow = z.infer<typeof AreaBulletinRow>;
export const AreaBulletinResult = z.object({
  code: z.string(),
  name: z.string(),
  level: AreaLevel,
  period: z.string(),
  /**
   * The latest earlier month with a snapshot of the same scope (the same year and campaign); null if
   * none.
   */
  previousPeriod: z.string().nullable(),
  year: z.number().int(),
  campaignId: z.string().nullable(),
  title: z.string(),
  takenAt: z.string(),
  stars: z.array(RankingStar),
  area: AreaFigures.extend({ previousTotalStars: z.number().int().nullable() }),
  children: z.array(AreaBulletinRow),
  sources: z.array(AreaSource),
  itemsAsOf: z.iso.datetime(),
  /** The area's escalated items (督办事项), red first; its overdue ones are counted per child. */
  escalated: z.array(BulletinItem),
});
export type AreaBulletinResult = z.infer<typeof AreaBulletinResult>;

export const AreaBulletinDocumentRequest = AreaBulletinRequest.extend({ format: BulletinFormat });
export type AreaBulletinDocumentRequest = z.input<typeof AreaBulletinDocumentRequest>;
export const PublishAreaBulletinRequest = AreaBulletinRequest.extend({
  actor: Actor.nullable().default(null),
});
export type PublishAreaBulletinRequest = z.input<typeof PublishAreaBulletinRequest>;
