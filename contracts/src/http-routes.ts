import { z } from 'zod';
import { sha256Hex } from './digest';
import { Catalog } from './catalog';
import { HumanStep } from './cycle';
import { BranchType, CountyCode, JurisdictionCode, TownshipCode } from './directory';
import { TasksQuery } from './http';
import { Period } from './monthly-ranking';
import { AreaCode, BulletinAreaCode, CampaignYear } from './area-ranking';
import { ApiTokenInfo, UserInfo } from './identity';
import {
  IsoWeek,
  LedgerResult,
  LedgerRow,
  Light,
  ListTasksResult,
  RoundProgressRequest,
  Task,
  TaskView,
} from './requests';
import { CampaignId, CatalogPick, RoundId } from './round';
import { StarCode } from './task-star';

/**
 * Path, query and body schemas of the HTTP routes that have no counterpart on NATS, and the problem
 * (RFC 9457) every error answer carries. The routes' own declarations (services/api/src/<context>/routes.ts) name them.
 */

/** Every HTTP error answer (application/problem+json); `errors` names each offending field. */
export const HttpProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type HttpProblem = z.infer<typeof HttpProblem>;

// Identity: the caller's own account.
export const PasswordChanged = z.object({ revokedSessions: z.number().int() });
export const ApiTokenList = z.object({ items: z.array(ApiTokenInfo) });
export const UserList = z.object({ items: z.array(UserInfo) });

/** POST /rounds: the round's workflow and the catalog versions it pinned. */
export const RoundStarted = z.object({
  roundId: RoundId,
  workflowId: z.string(),
  catalogs: z.array(CatalogPick),
  /**
   * Years the schedule reaches that the calendar does not hold yet, counted Monday–Friday under the
   * round's `weekdays-provisional` policy (暂按工作日计算) until loaded; empty: none.
   */
  provisionalYears: z.array(z.number().int()),
});
export type RoundStarted = z.infer<typeof RoundStarted>;

/** GET /rounds/:roundId/progress: optional county / township narrowing. */
export const RoundProgressQuery = RoundProgressRequest.pick({ countyCode: true, townshipCode: true });

// Tasks. Task keys contain slashes, so they travel in the body or the query, never in the path.
const TaskKey = z.string().min(1, '缺少任务编号').max(500);
const TaskNote = z.string().max(500, '备注不能超过500字').optional();
const TaskUserId = z.string().min(1, '缺少用户').max(100);
export const TaskListQuery = TasksQuery.extend({
  view: TaskView.optional(),
  step: HumanStep.optional(),
  townshipCode: TownshipCode.optional(),
  light: Light.optional(),
  star: StarCode.optional(),
});
export const TaskKeyBody = z.object({ key: TaskKey, note: TaskNote });
export const TaskTargetBody = TaskKeyBody.extend({ userId: TaskUserId });
export const TaskCcBody = TaskKeyBody.extend({ userIds: z.array(TaskUserId).min(1).max(50) });
export const TaskBulkBody = z.object({ keys: z.array(TaskKey).min(1).max(200), note: TaskNote });
export const TaskHistoryQuery = z.object({ key: TaskKey });
/** GET /tasks: the ledger's rows with the branch's name from the API's directory (null: no branch). */
export const TaskRow = Task.extend({ branchName: z.string().nullable() });
export type TaskRow = z.infer<typeof TaskRow>;
export const TaskPage = ListTasksResult.extend({ items: z.array(TaskRow) });
export type TaskPage = z.infer<typeof TaskPage>;

// The ledger report. `scope` defaults to the caller's jurisdiction.
const LedgerRoundId = z.string().min(1, '缺少轮次').max(200);
export const LedgerQuery = z.object({
  scope: JurisdictionCode.optional(),
  roundId: LedgerRoundId.optional(),
  format: z.enum(['json', 'xlsx', 'csv']).default('json'),
});
const LedgerScope = z.object({ scope: JurisdictionCode.optional(), roundId: LedgerRoundId.optional() });
/** The body may be left out: the caller's whole jurisdiction. */
export const LedgerSnapshotBody = LedgerScope.default({});
export const LedgerSummaryQuery = LedgerScope.extend({ week: IsoWeek.optional() });
/** GET /ledger (JSON): the ledger's rows with the branch's name from the API's directory (null: no branch). */
export const LedgerReportRow = LedgerRow.extend({ branchName: z.string().nullable() });
export type LedgerReportRow = z.infer<typeof LedgerReportRow>;
export const LedgerReport = LedgerResult.extend({ rows: z.array(LedgerReportRow) });
export type LedgerReport = z.infer<typeof LedgerReport>;

// Rankings above the county, monthly ranking snapshots and bulletins.
const AreaYear = z.coerce.number().pipe(CampaignYear);
/** GET /rankings/areas and /rankings/areas/five-star. */
export const AreaRankingQuery = z.object({
  code: AreaCode,
  year: AreaYear,
  campaignId: CampaignId.optional(),
  format: z.enum(['json', 'html', 'xlsx']).default('json'),
});
/** GET /bulletins/:code/:period: a county's bulletin (6 digits), a city's (4) or the province's (2). */
export const BulletinPath = z.object({ code: BulletinAreaCode, period: Period });
/**
 * POST /bulletins/snapshot: a county's month (`countyCode`, as before, or a 6-digit `code`), a city's or
 * the province's (`code`); `roundId` picks a county's round, `year` and `campaignId` an area's rounds.
 */
export const BulletinSnapshotBody = z
  .object({
    code: BulletinAreaCode.optional(),
    countyCode: CountyCode.optional(),
    period: Period,
    roundId: RoundId.optional(),
    year: AreaYear.optional(),
    campaignId: CampaignId.optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.code === undefined) === (b.countyCode === undefined))
      ctx.addIssue({ code: 'custom', path: ['code'], message: '请给出 code 或 countyCode 之一' });
    const county = (b.code ?? b.countyCode ?? '').length === 6;
    if (county && b.year !== undefined)
      ctx.addIssue({ code: 'custom', path: ['year'], message: '县的快照按轮次生成，请用 roundId' });
    if (county && b.campaignId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['campaignId'], message: '县的快照按轮次生成，请用 roundId' });
    if (!county && b.roundId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['roundId'], message: '市、省的快照按年度和创建活动生成' });
  });
export const BulletinQuery = z.object({ format: z.enum(['json', 'html', 'xlsx']).default('json') });

// Catalogs.
export const CatalogPath = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, '目录标识应为1到40位小写字母、数字或连字符'),
  version: z.coerce
    .number()
    .int('版本号必须是正整数')
    .positive('版本号必须是正整数')
    .max(2_147_483_647, '版本号过大'),
});
export const CatalogExportQuery = z.object({ format: z.enum(['json', 'xlsx']).default('json') });
export const CatalogTemplateQuery = z.object({ branchType: BranchType });
/** `?dryRun=true`: an import checked in full (and answered row by row) but not stored. */
export const DryRunQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** One stored catalog version, without its body. */
export const CatalogVersionInfo = z.object({
  version: z.number().int(),
  title: z.string(),
  example: z.boolean(),
  digest: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type CatalogVersionInfo = z.infer<typeof CatalogVersionInfo>;
/** GET /catalogs: each catalog id with its versions (newest first) and whether a round started now pins it. */
export const CatalogSummary = z.object({
  id: z.string(),
  branchType: BranchType,
  latest: CatalogVersionInfo,
  versions: z.array(CatalogVersionInfo),
  inForce: z.boolean(),
});
export type CatalogSummary = z.infer<typeof CatalogSummary>;
export const CatalogList = z.object({ items: z.array(CatalogSummary) });
export type CatalogList = z.infer<typeof CatalogList>;
/** POST /catalogs/import?dryRun=true: what importing would do (`created`: it would be a new version). */
export const CatalogDryRun = z.object({
  dryRun: z.literal(true),
  outcome: z.enum(['created', 'unchanged', 'conflict']),
  id: z.string(),
  version: z.number().int(),
  digest: z.string().optional(),
  message: z.string().optional(),
  catalog: Catalog,
});
export type CatalogDryRun = z.infer<typeof CatalogDryRun>;
/** POST /catalogs/import: stored as a new version (201) or the same as stored (200). */
export const CatalogImported = z.object({
  id: z.string(),
  version: z.number().int(),
  digest: z.string(),
  status: z.enum(['created', 'unchanged']),
});
export type CatalogImported = z.infer<typeof CatalogImported>;

// Evidence files.
export const EvidenceUploadQuery = z.object({
  filename: z
    .string({ error: '请用查询参数 filename 给出文件名' })
    .trim()
    .min(1, '文件名不能为空')
    .max(200, '文件名至多200字')
    // eslint-disable-next-line no-control-regex
    .regex(/^[^/\\\u0000-\u001f\u007f]+$/, '文件名不能含有斜杠或控制字符')
    .refine((f) => f !== '.' && f !== '..', '文件名无效'),
});
export const EvidencePath = z.object({
  sha256: sha256Hex(),
});

/** A notice delivery (webhook post, email, SMS) by its number. */
export const DeliveryPath = z.object({ id: z.string().regex(/^\d{1,18}$/, '投递编号应为数字') });
