import { z } from 'zod';
import { CountyCode, DivisionCode, ProvinceCode } from './directory';
import { CampaignId, CatalogPick, ChainTemplate, RoundSchedule } from './round';

/**
 * The province's yearly campaign (年度创建, docs/hierarchy.md): what every county's round of the year runs
 * under — the catalogs pinned when it opened and the schedule (with its working-day calendar).
 */

const Year = z.number().int().min(2022, '年度须在2022至2100之间').max(2100, '年度须在2022至2100之间');

export const OpenCampaignRequest = z.object({
  provinceCode: ProvinceCode,
  year: Year,
  title: z.string().trim().min(1, '名称不能为空').max(100, '名称至多100字'),
  schedule: RoundSchedule.optional(),
  /** Catalog versions to pin instead of those in force, at most one per branch type. */
  catalogs: z.array(CatalogPick).min(1, '至少选择一个目录').max(4, '每类支部只能选一个目录').optional(),
  /** The chain above the county (市复核, 省抽查, naming by level); omitted: today's chain. */
  chain: ChainTemplate.optional(),
});
export type OpenCampaignRequest = z.infer<typeof OpenCampaignRequest>;

/** What a campaign fixes for its rounds. */
export const CampaignSettings = z.object({
  /**
   * Drawn when the campaign opens and part of each county's round id: workflow ids outlive a database
   * restored or rebuilt, and Temporal never reuses a closed branch's id, so a campaign opened again
   * must not name its rounds as an earlier opening did.
   */
  roundKey: z.string().regex(/^[0-9a-f]{4}$/),
  schedule: RoundSchedule,
  catalogs: z.array(CatalogPick),
  chain: ChainTemplate.optional(),
});
export type CampaignSettings = z.infer<typeof CampaignSettings>;

export const CampaignView = z.object({
  campaignId: CampaignId,
  provinceCode: ProvinceCode,
  year: z.number().int(),
  title: z.string(),
  catalogs: z.array(CatalogPick),
  schedule: RoundSchedule,
  /** null: today's chain. */
  chain: ChainTemplate.nullable(),
  openedBy: z.string(),
  openedAt: z.iso.datetime(),
  /** The counties of the province and how many have a round under the campaign. */
  counties: z.object({ total: z.number().int(), withRound: z.number().int() }),
});
export type CampaignView = z.infer<typeof CampaignView>;
export const CampaignList = z.object({ items: z.array(CampaignView) });
export type CampaignList = z.infer<typeof CampaignList>;
export const CampaignPath = z.object({ campaignId: CampaignId });
/** GET /campaigns/:campaignId/progress: the area (the province, a city or a county); default the province. */
export const CampaignProgressQuery = z.object({
  code: DivisionCode.optional(),
});

/** POST /campaigns/:campaignId/rounds: the province starts the counties' rounds (those listed, or all without one). */
export const StartCampaignRoundsRequest = z.object({
  countyCodes: z.array(CountyCode).min(1).max(1000).optional(),
});
export type StartCampaignRoundsRequest = z.infer<typeof StartCampaignRoundsRequest>;

export const CampaignRoundsStarted = z.object({
  campaignId: CampaignId,
  started: z.array(z.object({ countyCode: z.string(), roundId: z.string() })),
  /** Counties that had a round under the campaign already. */
  skipped: z.array(z.object({ countyCode: z.string(), roundId: z.string() })),
});
export type CampaignRoundsStarted = z.infer<typeof CampaignRoundsStarted>;

/** The round id of a county's round under a campaign: one per county and campaign (`41-2026-411099-3f9a`). */
export const campaignRoundId = (campaignId: string, roundKey: string, countyCode: string) =>
  `${campaignId}-${countyCode}-${roundKey}`;
