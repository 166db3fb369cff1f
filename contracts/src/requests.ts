import { z } from 'zod';
import { HumanStep, Role } from './cycle';
import { Branch, CandidateGroup, CountyCode, JurisdictionCode, TownshipCode } from './directory';
import { EscalationLevel } from './round';
import { WorkItem } from './events';

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
  status: z.enum(['open', 'done']),
  deadline: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  light: Light,
  escalationLevel: EscalationLevel.nullable(),
  urgedAt: z.string().nullable(),
  urgeCount: z.number().int(),
});
export type Task = z.infer<typeof Task>;

export const ListTasksRequest = z.object({
  viewer: Viewer,
  status: z.enum(['open', 'done', 'all']).default('open'),
  roundId: z.string().optional(),
  branchId: z.string().optional(),
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
  'award_published',
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
});
export type Notice = z.infer<typeof Notice>;

export const InboxRequest = z.object({
  viewer: Viewer,
  unreadOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(200).default(50),
});
export type InboxRequest = z.input<typeof InboxRequest>;
export const InboxResult = z.object({ unread: z.number().int(), items: z.array(Notice) });
export type InboxResult = z.infer<typeof InboxResult>;

export const MarkReadRequest = z.object({ viewer: Viewer, ids: z.array(z.string()).min(1).max(500) });
export type MarkReadRequest = z.input<typeof MarkReadRequest>;
export const MarkReadResult = z.object({ updated: z.number().int() });

/** Exact figures travel as decimal strings, never binary floats. */
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
  averageStars: z.string(),
  threeStarsOrMoreShare: z.string(),
  rank: z.number().int(),
});
export type Aggregate = z.infer<typeof Aggregate>;

export const BranchStanding = z.object({
  code: z.string(),
  name: z.string(),
  townshipCode: z.string(),
  level: z.number().int(),
  stars: z.array(z.string()),
  rank: z.number().int(),
});
export type BranchStanding = z.infer<typeof BranchStanding>;

export const RankingRequest = z.object({ countyCode: CountyCode, townshipCode: TownshipCode.optional() });
export type RankingRequest = z.input<typeof RankingRequest>;
export const RankingResult = z.object({
  county: Aggregate,
  townships: z.array(Aggregate),
  branches: z.array(BranchStanding),
});
export type RankingResult = z.infer<typeof RankingResult>;

export const BranchPageRequest = z.object({
  countyCode: CountyCode,
  after: z.string().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type BranchPageRequest = z.input<typeof BranchPageRequest>;
export const BranchPageResult = z.object({ branches: z.array(Branch), next: z.string().nullable() });
export type BranchPageResult = z.infer<typeof BranchPageResult>;

/** The endpoints each service answers on `fivestar.svc.<service>.<endpoint>`. */
export const ENDPOINTS = {
  tasks: { list: { request: ListTasksRequest, result: ListTasksResult } },
  notifications: {
    inbox: { request: InboxRequest, result: InboxResult },
    markRead: { request: MarkReadRequest, result: MarkReadResult },
  },
  ranking: { standings: { request: RankingRequest, result: RankingResult } },
  directory: { branches: { request: BranchPageRequest, result: BranchPageResult } },
} as const;
