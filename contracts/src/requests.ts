import { z } from 'zod';
import { HumanStep, Role, Step } from './cycle';
import {
  Actor,
  Branch,
  CandidateGroup,
  CountyCode,
  DivisionCode,
  JurisdictionCode,
  TownshipCode,
} from './directory';
import { EscalationLevel, RoundId } from './round';
import { WorkItem } from './events';
import { BulletinItem, Period } from './monthly-ranking';
import { StarCode } from './task-star';

/** Every NATS request/reply answer is one of these two shapes. */
export type Reply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

/** Who is asking: services scope reads by it (the API has authenticated the user). */
export const Viewer = z.object({ userId: z.string().min(1), role: Role, jurisdiction: JurisdictionCode });
export type Viewer = z.infer<typeof Viewer>;

export const Light = z.enum(['green', 'yellow', 'red']);
export type Light = z.infer<typeof Light>;

export const Task = z.object({
  key: z.string(),
  kind: WorkItem.shape.kind,
  title: z.string(),
  group: CandidateGroup,
  roundId: z.string().nullable(),
  branchId: z.string().nullable(),
  step: HumanStep.nullable(),
  findingId: z.string().nullable(),
  /** The star the task concerns (WorkItem.star); null for step work and when none was named. */
  star: z.string().nullable(),
  /** What the task is about beyond its kind (WorkItem.subject): a finding's title; null for step work. */
  subject: z.string().nullable(),
  status: z.enum(['open', 'done']),
  deadline: z.string(),
  /** The deadline counted in a year the calendar did not hold yet, as Monday–Friday (暂按工作日计算). */
  provisional: z.boolean(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  light: Light,
  escalationLevel: EscalationLevel.nullable(),
  urgedAt: z.string().nullable(),
  urgeCount: z.number().int(),
  /** Who has claimed the task (认领), or holds it by reassignment or delegation; null when unclaimed. */
  assignee: z.object({ userId: z.string(), name: z.string() }).nullable(),
  /** The owner who delegated it (委派) to the assignee and gets it back on return; null otherwise. */
  delegatedBy: z.object({ userId: z.string(), name: z.string() }).nullable(),
});
export type Task = z.infer<typeof Task>;

/**
 * Ledger views: `todo` (open, my group, unclaimed or mine), `done` (my group's closed tasks), `overdue`
 * (open and overdue, my group), `cc` (copied to me, whatever the group). Without a view the list is the
 * group's tasks by `status`.
 */
export const TaskView = z.enum(['todo', 'done', 'overdue', 'cc']);
export type TaskView = z.infer<typeof TaskView>;

export const ListTasksRequest = z.object({
  viewer: Viewer,
  status: z.enum(['open', 'done', 'all']).default('open'),
  roundId: z.string().optional(),
  branchId: z.string().optional(),
  /** A view replaces `status` (see TaskView). */
  view: TaskView.optional(),
  step: HumanStep.optional(),
  townshipCode: TownshipCode.optional(),
  light: Light.optional(),
  /** Tasks concerning this star (Task.star). */
  star: StarCode.optional(),
  limit: z.number().int().min(1).max(500).default(50),
  /** Opaque cursor from the previous page. */
  cursor: z.string().optional(),
});
export type ListTasksRequest = z.input<typeof ListTasksRequest>;
export const ListTasksResult = z.object({ items: z.array(Task), nextCursor: z.string().nullable() });
export type ListTasksResult = z.infer<typeof ListTasksResult>;

export const NOTICE_KINDS = [
  'step_opened',
  'reminder',
  'overdue',
  'escalation',
  'urge',
  'extension_requested',
  'extension_decided',
  'withdrawn',
  'public_notice',
  'revocation_proposed',
  'star_revoked',
  'award_published',
  'bulletin',
  /** A work's deadline counted again after a calendar year was loaded (work.replanned). */
  'deadline_replanned',
  /** To administrators: branches whose processing keeps failing (system.activity_failing). */
  'system_fault',
] as const;
export const NoticeKind = z.enum(NOTICE_KINDS);
export type NoticeKind = z.infer<typeof NoticeKind>;

export const Notice = z.object({
  id: z.string(),
  eventId: z.string(),
  kind: NoticeKind,
  title: z.string(),
  body: z.string(),
  roundId: z.string().nullable(),
  branchId: z.string().nullable(),
  workKey: z.string().nullable(),
  escalationLevel: EscalationLevel.nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
});
export type Notice = z.infer<typeof Notice>;

export const InboxRequest = z.object({
  viewer: Viewer,
  unreadOnly: z.boolean().default(false),
  /** false: the inbox (archived notices left out); true: the archive. */
  archived: z.boolean().default(false),
  limit: z.number().int().min(1).max(200).default(50),
});
export type InboxRequest = z.input<typeof InboxRequest>;
export const InboxResult = z.object({ unread: z.number().int(), items: z.array(Notice) });
export type InboxResult = z.infer<typeof InboxResult>;

export const MarkReadRequest = z.object({ viewer: Viewer, ids: z.array(z.string()).min(1).max(500) });
export type MarkReadRequest = z.input<typeof MarkReadRequest>;
export const MarkReadResult = z.object({ updated: z.number().int() });

/** 升星: how a branch's level or an area's rank compares with the same county's previous round. */
export const Movement = z.enum(['up', 'down', 'same', 'new']);
export type Movement = z.infer<typeof Movement>;

/**
 * Exact figures travel as decimal strings, never binary floats. The `previous*` fields and
 * `rankMovement` compare with the previous round (see RankingResult.previousRound); null without one.
 */
/** A star as rankings tally it: its code and name in the round's catalogs. */
export const RankingStar = z.object({ code: z.string(), name: z.string() });
export type RankingStar = z.infer<typeof RankingStar>;
export const StarCounts = z.record(z.string(), z.number().int().nonnegative()).default({});

export const Aggregate = z.object({
  code: z.string(),
  name: z.string(),
  branches: z.number().int(),
  levelCounts: z.object({
    0: z.number(),
    1: z.number(),
    2: z.number(),
    3: z.number(),
    4: z.number(),
    5: z.number(),
  }),
  totalStars: z.number().int(),
  /**
   * How many branches hold each star of the ranking's `stars`, by star code (0 included). Empty in
   * snapshots taken before tallies were kept.
   */
  starCounts: StarCounts,
  averageStars: z.string(),
  /** 三星以上占比: the percentage of branches at 3 stars or more, rounded half up to 2 places ("33.33"). */
  threeStarsOrMoreShare: z.string(),
  rank: z.number().int(),
  /** 累计创星 of the same branches in the previous round. */
  previousTotalStars: z.number().int().nullable(),
  /** Rank in the previous round, among the same areas. */
  previousRank: z.number().int().nullable(),
  /** ↑ up (a better rank than before), ↓ down, or the same. */
  rankMovement: z.enum(['up', 'down', 'same']).nullable(),
});
export type Aggregate = z.infer<typeof Aggregate>;

export const BranchStanding = z.object({
  code: z.string(),
  name: z.string(),
  townshipCode: z.string(),
  level: z.number().int(),
  stars: z.array(z.string()),
  rank: z.number().int(),
  /**
   * Its level in the previous round; null when there is no previous round or the branch had no standing
   * in it (never awarded, revoked or withdrawn there).
   */
  previousLevel: z.number().int().nullable(),
  /** `new` when previousLevel is null. */
  movement: Movement,
  /** Withdrawn from the round (not participating this year): counted as a branch at level 0. */
  withdrawn: z.boolean(),
});
export type BranchStanding = z.infer<typeof BranchStanding>;

/** A round as rankings know it (from `round.started`; `title` is null if only its close was seen). */
export const RankingRound = z.object({
  id: z.string(),
  countyCode: z.string(),
  year: z.number().int(),
  title: z.string().nullable(),
});
export type RankingRound = z.infer<typeof RankingRound>;

export const RankingRequest = z.object({
  countyCode: CountyCode,
  townshipCode: TownshipCode.optional(),
  /** Default: the county's round of the latest year; a county without rounds: each branch's latest award. */
  roundId: RoundId.optional(),
});
export type RankingRequest = z.input<typeof RankingRequest>;
export const RankingResult = z.object({
  /** The round the standings are of; null when the county has no round (latest award per branch). */
  round: RankingRound.nullable(),
  /**
   * The round of the same scope (the county's, of the whole county or of the same townships) with the
   * greatest year before this round's year; null if none.
   */
  previousRound: RankingRound.nullable(),
  /** The round is closed: its standings are final and later awards or revocations are ignored. */
  frozen: z.boolean(),
  closedAt: z.string().nullable(),
  /**
   * The stars tallied in `starCounts`: every star of the round's catalogs in catalog order, then any
   * other star a branch holds (named by its code). Empty in snapshots taken before tallies were kept.
   */
  stars: z.array(RankingStar).default([]),
  county: Aggregate,
  townships: z.array(Aggregate),
  branches: z.array(BranchStanding),
});
export type RankingResult = z.infer<typeof RankingResult>;

export const BranchPageRequest = z.object({
  countyCode: CountyCode,
  /** Only these townships' branches (a round of part of the county); absent: the whole county. */
  townshipCodes: z.array(TownshipCode).min(1).optional(),
  after: z.string().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type BranchPageRequest = z.input<typeof BranchPageRequest>;
export const BranchPageResult = z.object({ branches: z.array(Branch), next: z.string().nullable() });
export type BranchPageResult = z.infer<typeof BranchPageResult>;

/**
 * Round progress (进度): where the round's branches stand, by step, status and township. Scoped to the
 * viewer: only branches inside its jurisdiction count; `countyCode` / `townshipCode` narrow further and
 * must lie on the viewer's path (else `forbidden`).
 */
export const RoundProgressRequest = z.object({
  viewer: Viewer,
  roundId: z.string().min(1),
  countyCode: CountyCode.optional(),
  townshipCode: TownshipCode.optional(),
});
export type RoundProgressRequest = z.input<typeof RoundProgressRequest>;

/** Branches per step: every step is present (0 when none); withdrawn branches count at the step they left. */
export const StepCounts = z.record(Step, z.number().int().nonnegative());
export type StepCounts = z.infer<typeof StepCounts>;
export const ProgressStatusCounts = z.object({
  active: z.number().int().nonnegative(),
  closed: z.number().int().nonnegative(),
  withdrawn: z.number().int().nonnegative(),
});
export type ProgressStatusCounts = z.infer<typeof ProgressStatusCounts>;

export const TownshipProgress = z.object({
  townshipCode: TownshipCode,
  total: z.number().int().nonnegative(),
  byStep: StepCounts,
  byStatus: ProgressStatusCounts,
  /** Open step tasks of the township's branches past their deadline (or flagged overdue) now. */
  overdue: z.number().int().nonnegative(),
});
export type TownshipProgress = z.infer<typeof TownshipProgress>;

/** `total` = sum of `byStep` = sum of `byStatus`; townships ordered by code. */
export const RoundProgressResult = z.object({
  roundId: z.string(),
  total: z.number().int().nonnegative(),
  byStep: StepCounts,
  byStatus: ProgressStatusCounts,
  townships: z.array(TownshipProgress),
});
export type RoundProgressResult = z.infer<typeof RoundProgressResult>;

/**
 * Progress above the round (a campaign's, docs/hierarchy.md): where the branches of `roundIds` inside
 * `code` stand, by step and status, for the area and each of its children (a province's cities, a city's
 * counties, a county's townships). Scoped like a round's: the deeper of `code` and the viewer's
 * jurisdiction, a code off the viewer's path `forbidden`.
 */
export const AreaProgressRequest = z.object({
  viewer: Viewer,
  roundIds: z.array(z.string().min(1)).max(5000),
  code: DivisionCode,
});
export type AreaProgressRequest = z.input<typeof AreaProgressRequest>;

export const AreaProgress = z.object({
  code: z.string(),
  total: z.number().int().nonnegative(),
  byStep: StepCounts,
  byStatus: ProgressStatusCounts,
  /** Open step tasks past their deadline (or flagged overdue) now. */
  overdue: z.number().int().nonnegative(),
});
export type AreaProgress = z.infer<typeof AreaProgress>;
/** The area as a whole and its children by code; the figures as a round's (RoundProgressResult). */
export const AreaProgressResult = AreaProgress.extend({ children: z.array(AreaProgress) });
export type AreaProgressResult = z.infer<typeof AreaProgressResult>;

// ---- notifications: webhook channel and deliveries (admin) -------------------------------------

/** WeCom (企业微信) or DingTalk (钉钉) group robot: decides the JSON shape posted. */
export const WebhookKind = z.enum(['wecom', 'dingtalk']);
export type WebhookKind = z.infer<typeof WebhookKind>;

/** A group robot for a township or county: it hears every notice whose group lies inside `jurisdiction`. */
export const Webhook = z.object({
  id: z.string(),
  jurisdiction: z.union([CountyCode, TownshipCode]),
  kind: WebhookKind,
  url: z.url({ protocol: /^https?$/ }),
  active: z.boolean(),
});
export type Webhook = z.infer<typeof Webhook>;

export const WebhookBody = z.object({
  /** Omitted: a new webhook; given: replaces that webhook (created when missing). */
  id: z
    .string()
    .regex(/^[\w-]{1,64}$/, '编号只能包含字母、数字、下划线和短横线')
    .optional(),
  jurisdiction: Webhook.shape.jurisdiction,
  kind: WebhookKind,
  url: Webhook.shape.url,
  active: z.boolean().default(true),
});
export type WebhookBody = z.input<typeof WebhookBody>;

export const WebhooksRequest = z.object({ viewer: Viewer });
export type WebhooksRequest = z.input<typeof WebhooksRequest>;
export const WebhooksResult = z.object({ items: z.array(Webhook) });
export type WebhooksResult = z.infer<typeof WebhooksResult>;
export const UpsertWebhookRequest = z.object({ viewer: Viewer, webhook: WebhookBody });
export type UpsertWebhookRequest = z.input<typeof UpsertWebhookRequest>;

/** pending: due; failed: the last attempt failed, another is scheduled; dead: attempts exhausted. */
export const DeliveryStatus = z.enum(['pending', 'sent', 'failed', 'dead']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const Delivery = z.object({
  id: z.string(),
  /** The event; for a daily digest `digest/<day>`. */
  eventId: z.string(),
  /** `webhook`: to a group robot (`webhookId`); `email` / `sms`: to a user (`userId`). */
  channel: z.enum(['webhook', 'email', 'sms']),
  webhookId: z.string().nullable(),
  userId: z.string().nullable(),
  /** null for a daily digest (it sums up several kinds). */
  kind: NoticeKind.nullable(),
  title: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveriesQuery = z.object({
  status: DeliveryStatus.optional(),
  /** The deliveries of one event (notice): its delivery status per webhook. */
  eventId: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const DeliveriesRequest = z.object({
  viewer: Viewer,
  status: DeliveryStatus.optional(),
  eventId: z.string().min(1).max(500).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type DeliveriesRequest = z.input<typeof DeliveriesRequest>;
export const DeliveriesResult = z.object({ items: z.array(Delivery) });
export type DeliveriesResult = z.infer<typeof DeliveriesResult>;

export const RetryDeliveryRequest = z.object({ viewer: Viewer, id: z.string().regex(/^\d{1,18}$/) });
export type RetryDeliveryRequest = z.input<typeof RetryDeliveryRequest>;

// ---- tasks: ledger actions (认领, 退回认领, 转办, 委派, 抄送) -------------------------------------------

/** A user as the ledger records it: the API resolves it from its directory. */
export const TaskUser = z.object({ userId: z.string().min(1), name: z.string() });
export type TaskUser = z.infer<typeof TaskUser>;
/** A target user with role and jurisdiction, so the service can check it belongs to the task's group. */
export const TaskTarget = TaskUser.extend({ role: Role, jurisdiction: JurisdictionCode });
export type TaskTarget = z.infer<typeof TaskTarget>;

const TaskKey = z.string().min(1).max(500);
const Note = z.string().max(500).optional();
/** The acting viewer and its display name (recorded in the history). */
const Acting = { viewer: Viewer, name: z.string().max(100).default(''), key: TaskKey, note: Note };

export const ClaimTaskRequest = z.object(Acting);
export type ClaimTaskRequest = z.input<typeof ClaimTaskRequest>;
export const ReassignTaskRequest = z.object({ ...Acting, to: TaskTarget });
export type ReassignTaskRequest = z.input<typeof ReassignTaskRequest>;
export const CcTaskRequest = z.object({ ...Acting, to: z.array(TaskUser).min(1).max(50) });
export type CcTaskRequest = z.input<typeof CcTaskRequest>;
/** The task after the action. */
export const TaskActionResult = Task;

/** `deadline`: an approved extension moved the due date (from / to are the instants). */
export const TASK_ACTIONS = ['claim', 'unclaim', 'reassign', 'delegate', 'return', 'cc', 'deadline'] as const;
export const TaskAction = z.enum(TASK_ACTIONS);
export type TaskAction = z.infer<typeof TaskAction>;

export const TaskHistoryEntry = z.object({
  id: z.string(),
  key: z.string(),
  action: TaskAction,
  by: TaskUser,
  at: z.string(),
  /**
   * User ids: the assignee before and after (cc: the users added, comma-separated, in `to`); for
   * `deadline` the due dates before and after (ISO instants).
   */
  from: z.string().nullable(),
  to: z.string().nullable(),
  note: z.string().nullable(),
});
export type TaskHistoryEntry = z.infer<typeof TaskHistoryEntry>;
export const TaskHistoryRequest = z.object({ viewer: Viewer, key: TaskKey });
export type TaskHistoryRequest = z.input<typeof TaskHistoryRequest>;
export const TaskHistoryResult = z.object({ items: z.array(TaskHistoryEntry) });
export type TaskHistoryResult = z.infer<typeof TaskHistoryResult>;

export const BulkClaimRequest = z.object({
  viewer: Viewer,
  name: z.string().max(100).default(''),
  keys: z.array(TaskKey).min(1).max(200),
  note: Note,
});
export type BulkClaimRequest = z.input<typeof BulkClaimRequest>;
export const BulkItemResult = z.union([
  z.object({ key: z.string(), ok: z.literal(true) }),
  z.object({
    key: z.string(),
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type BulkItemResult = z.infer<typeof BulkItemResult>;
export const BulkClaimResult = z.object({ items: z.array(BulkItemResult) });
export type BulkClaimResult = z.infer<typeof BulkClaimResult>;

export const BulletinRequest = z.object({ countyCode: CountyCode, period: Period });
export type BulletinRequest = z.input<typeof BulletinRequest>;

/** A row of a bulletin: an area or a branch with its rank and level against the previous snapshot. */
export const BulletinTownship = z.object({
  code: z.string(),
  name: z.string(),
  branches: z.number().int(),
  levelCounts: Aggregate.shape.levelCounts,
  totalStars: z.number().int(),
  starCounts: StarCounts,
  averageStars: z.string(),
  threeStarsOrMoreShare: z.string(),
  rank: z.number().int(),
  previousRank: z.number().int().nullable(),
  /** ↑↓ of the rank against the previous period's snapshot; null without one (or a new township). */
  rankMovement: z.enum(['up', 'down', 'same']).nullable(),
  previousTotalStars: z.number().int().nullable(),
});
export type BulletinTownship = z.infer<typeof BulletinTownship>;
export const BulletinBranch = z.object({
  code: z.string(),
  name: z.string(),
  townshipCode: z.string(),
  level: z.number().int(),
  rank: z.number().int(),
  previousLevel: z.number().int().nullable(),
  previousRank: z.number().int().nullable(),
  levelMovement: Movement,
  rankMovement: z.enum(['up', 'down', 'same']).nullable(),
});
export type BulletinBranch = z.infer<typeof BulletinBranch>;
export const BulletinResult = z.object({
  countyCode: z.string(),
  countyName: z.string(),
  period: z.string(),
  /** The previous period that has a snapshot of the county (the latest before `period`); null if none. */
  previousPeriod: z.string().nullable(),
  roundId: z.string().nullable(),
  title: z.string(),
  takenAt: z.string(),
  /** The stars tallied in each area's `starCounts` (the snapshot's). */
  stars: z.array(RankingStar),
  county: BulletinTownship,
  townships: z.array(BulletinTownship),
  branches: z.array(BulletinBranch),
  /** When the overdue and escalated lists were read: the bulletin's building, not the snapshot's. */
  itemsAsOf: z.iso.datetime(),
  /** Every overdue item of the county (逾期事项), escalated ones included, the longest overdue first. */
  overdue: z.array(BulletinItem),
  /** The escalated ones (督办事项), red first, then by how long they have been at their level. */
  escalated: z.array(BulletinItem),
});
export type BulletinResult = z.infer<typeof BulletinResult>;

export const BulletinFormat = z.enum(['html', 'xlsx']);
export type BulletinFormat = z.infer<typeof BulletinFormat>;
export const BulletinDocumentRequest = BulletinRequest.extend({ format: BulletinFormat });
export type BulletinDocumentRequest = z.input<typeof BulletinDocumentRequest>;
export const BulletinDocumentResult = z.object({
  fileName: z.string(),
  contentType: z.string(),
  /** The document's bytes, base64. */
  base64: z.string(),
});
export type BulletinDocumentResult = z.infer<typeof BulletinDocumentResult>;

export const PublishBulletinRequest = BulletinRequest.extend({
  /** Who publishes (recorded as the event's actor). */
  actor: Actor.nullable().default(null),
});
export type PublishBulletinRequest = z.input<typeof PublishBulletinRequest>;
export const PublishBulletinResult = z.object({
  bulletinId: z.string(),
  eventId: z.string(),
  publishedAt: z.string(),
  /** Already published before: the stream dropped the repeat (same event id). */
  duplicate: z.boolean(),
});
export type PublishBulletinResult = z.infer<typeof PublishBulletinResult>;

// ---- tasks: the ledger report (台账), weekly snapshots and export --------------------------------------

/** ISO week, e.g. `2026-W48`. */
export const IsoWeek = z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, '周次格式应为YYYY-Www');
export type IsoWeek = z.infer<typeof IsoWeek>;

/**
 * The ledger of a scope (county, township or branch code, inside the viewer's jurisdiction, else
 * `forbidden`): every task, rectification items included, optionally of one round.
 */
export const LedgerRequest = z.object({
  viewer: Viewer,
  scope: JurisdictionCode,
  roundId: z.string().min(1).optional(),
});
export type LedgerRequest = z.input<typeof LedgerRequest>;

export const LedgerRow = z.object({
  key: z.string(),
  kind: WorkItem.shape.kind,
  title: z.string(),
  roundId: z.string().nullable(),
  branchId: z.string().nullable(),
  townshipCode: z.string().nullable(),
  step: HumanStep.nullable(),
  findingId: z.string().nullable(),
  group: CandidateGroup,
  status: z.enum(['open', 'done']),
  deadline: z.string(),
  provisional: z.boolean(),
  openedAt: z.string(),
  /** When it closed (for rectifications: the 销号 date). */
  closedAt: z.string().nullable(),
  light: Light,
  escalationLevel: EscalationLevel.nullable(),
  urgeCount: z.number().int(),
});
export type LedgerRow = z.infer<typeof LedgerRow>;
export const LedgerResult = z.object({
  scope: z.string(),
  roundId: z.string().nullable(),
  rows: z.array(LedgerRow),
});
export type LedgerResult = z.infer<typeof LedgerResult>;

const CountsBy = z.record(z.string(), z.number().int().nonnegative());
/** Counts of a scope's tasks at one instant. */
export const LedgerCounts = z.object({
  total: z.number().int().nonnegative(),
  byStatus: CountsBy,
  byLight: CountsBy,
  byEscalation: CountsBy,
  byKind: CountsBy,
});
export type LedgerCounts = z.infer<typeof LedgerCounts>;

export const LedgerSnapshot = z.object({
  scope: z.string(),
  roundId: z.string().nullable(),
  week: IsoWeek,
  takenAt: z.string(),
  counts: LedgerCounts,
});
export type LedgerSnapshot = z.infer<typeof LedgerSnapshot>;

/** Takes this week's snapshot of a scope (and round); once per scope, round and week (idempotent). */
export const TakeLedgerSnapshotRequest = LedgerRequest.extend({ week: IsoWeek.optional() });
export type TakeLedgerSnapshotRequest = z.input<typeof TakeLedgerSnapshotRequest>;

/** This week against last week: the two snapshots (null when missing) and current minus previous. */
export const LedgerSummaryRequest = LedgerRequest.extend({ week: IsoWeek.optional() });
export type LedgerSummaryRequest = z.input<typeof LedgerSummaryRequest>;
export const LedgerSummaryResult = z.object({
  scope: z.string(),
  roundId: z.string().nullable(),
  week: IsoWeek,
  previousWeek: IsoWeek,
  current: LedgerSnapshot.nullable(),
  previous: LedgerSnapshot.nullable(),
  deltas: LedgerCounts,
});
export type LedgerSummaryResult = z.infer<typeof LedgerSummaryResult>;

export const LedgerExportRequest = LedgerRequest.extend({
  format: z.enum(['xlsx', 'csv']),
  /** The scope's name for the title row (e.g. 示范县); the scope code when omitted. */
  scopeName: z.string().max(100).optional(),
});
export type LedgerExportRequest = z.input<typeof LedgerExportRequest>;
export const LedgerExportResult = z.object({
  filename: z.string(),
  contentType: z.string(),
  /** The file, base64. */
  base64: z.string(),
});
export type LedgerExportResult = z.infer<typeof LedgerExportResult>;
