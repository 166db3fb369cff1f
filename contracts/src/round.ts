import { z } from 'zod';
import { Role, Scope } from './cycle';
import { BranchCode, BranchType, CountyCode, TownshipCode } from './directory';
import { ROLE_SCOPES } from './identity';

export const EscalationLevel = z.enum(['blue', 'yellow', 'red']);
export type EscalationLevel = z.infer<typeof EscalationLevel>;

export const ESCALATION_LABELS: Record<EscalationLevel, string> = {
  blue: '蓝色督办单',
  yellow: '黄色督办单（挂牌督办）',
  red: '红色督办单',
};

/**
 * A span of time in a round's schedule: plain seconds (tests, or hours-long steps) or working days
 * counted with the Chinese holiday calendar (the real rounds).
 */
export const Duration = z.union([
  z.strictObject({
    seconds: z
      .number()
      .int()
      .nonnegative()
      .max(10 * 365 * 86_400),
  }),
  z.strictObject({ workingDays: z.number().int().nonnegative().max(500) }),
]);
export type Duration = z.infer<typeof Duration>;

/** When a step or a rectification is due: a span from when it opens, or a fixed date (end of that day, Beijing). */
export const DueIn = z.union([
  Duration,
  z.strictObject({ until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD') }),
]);
export type DueIn = z.infer<typeof DueIn>;

/**
 * One rung of the escalation ladder: `after` the deadline, notify `role` at `scope` over the branch — its
 * township, county, or above it the city's or the province's group (市级督办, 省级督办).
 */
export const EscalationRung = z.object({
  level: EscalationLevel,
  after: Duration,
  notify: z
    .object({ role: Role, scope: Scope })
    .refine((n) => ROLE_SCOPES[n.role].includes(n.scope), '该层级没有此角色，督办通知无人接收'),
});
export type EscalationRung = z.infer<typeof EscalationRung>;

const spanOf = (d: Duration): [unit: string, n: number] =>
  'seconds' in d ? ['seconds', d.seconds] : ['workingDays', d.workingDays];

/** How the on-site observation team's score sheets combine (see workflows/src/rules/observation.ts). */
export const ObservationRule = z.object({
  rule: z.enum(['mean', 'median', 'trimmed_mean']).default('mean'),
  /** Score sheets needed before the team lead may close the observation. */
  quorum: z.number().int().min(1).max(20).default(2),
  /** A sheet further than this from the combined score of a task is shown as an outlier. */
  outlierPoints: z.number().int().min(0).max(100).default(3),
});
export type ObservationRule = z.infer<typeof ObservationRule>;

/**
 * What a round does with a deadline that falls in a year the working-day calendar does not hold yet (the
 * State Council publishes next year's holidays in November or December): `weekdays-provisional` (the
 * default) — such days are counted Monday–Friday, marked 暂按工作日计算, and planned again by themselves
 * once the year is loaded; `refuse` — the start is refused with the step named, and a step that still
 * reaches such a year waits, visibly, until it is loaded (docs/calendar.md).
 */
export const UncoveredYearPolicy = z.enum(['refuse', 'weekdays-provisional']);
export type UncoveredYearPolicy = z.infer<typeof UncoveredYearPolicy>;

export const UNCOVERED_YEAR_LABELS: Record<UncoveredYearPolicy, string> = {
  refuse: '不予启动（须先加载该年日历）',
  'weekdays-provisional': '暂按工作日计算，日历加载后自动重排',
};

/** The working-day calendar a round counts in (the mainland one unless a test injects its own). */
export const CalendarId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, '日历标识只能包含小写字母、数字和连字符（至多40位）');
export const DEFAULT_CALENDAR_ID = 'cn-mainland';

/**
 * A round's schedule: every duration is an input, so a real round counts working days and a test
 * counts seconds. Deadlines are computed by an activity with the calendar in force (workflows stay
 * deterministic, and next year's holidays can be loaded while rounds run).
 */
export const RoundSchedule = z.object({
  /** The working-day calendar its deadlines are counted in. */
  calendar: CalendarId.default(DEFAULT_CALENDAR_ID),
  /** Years that calendar does not hold yet (see UncoveredYearPolicy). */
  uncoveredYear: UncoveredYearPolicy.default('weekdays-provisional'),
  steps: z.object({
    SELF_CHECK: DueIn,
    TOWNSHIP_REVIEW: DueIn,
    COUNTY_PRE_REVIEW: DueIn,
    ON_SITE_OBSERVATION: DueIn,
    AWARD: DueIn,
  }),
  rectification: DueIn,
  /** Reminder this long before a deadline (0: none). */
  reminderBefore: Duration,
  /** Least time between two urges (催办) of the same work item. */
  urgeIntervalSeconds: z.number().int().positive().default(86_400),
  /**
   * What happens to a step still unsigned after the last escalation rung: `wait` keeps waiting;
   * `withdraw` (self-check only) records the branch as not participating this round.
   */
  unsignedPolicy: z
    .object({ SELF_CHECK: z.enum(['wait', 'withdraw']).default('withdraw') })
    .default({ SELF_CHECK: 'withdraw' }),
  /** Rungs in one unit, strictly increasing. */
  escalation: z
    .array(EscalationRung)
    .min(1, '至少保留一级督办')
    .refine(
      (rs) =>
        rs.every((r, i) => {
          if (i === 0) return true;
          const [unit, n] = spanOf(r.after);
          const [prevUnit, prev] = spanOf(rs[i - 1]!.after);
          return unit === prevUnit && n > prev;
        }),
      { message: '督办层级须使用同一计时单位，且时限逐级递增' },
    ),
  observation: ObservationRule.default({ rule: 'mean', quorum: 2, outlierPoints: 3 }),
  /** 公示: how long an award stays on public notice before it is published (null: published at once). */
  publicNotice: Duration.nullable().default(null),
  /** At the last rung of a failing rectification, propose revoking a star (摘星) to the coordinator. */
  revocation: z.object({ proposeAtLastRung: z.boolean().default(true) }).default({ proposeAtLastRung: true }),
  /** 支部过硬星 only together with every other star (DOMAIN.md's capstone rule), as a flag. */
  award: z
    .object({ capstoneRequiresAllOthers: z.boolean().default(true) })
    .default({ capstoneRequiresAllOthers: true }),
});
export type RoundSchedule = z.infer<typeof RoundSchedule>;

const wd = (workingDays: number) => ({ workingDays });
/** A realistic default in working days: two weeks per step, reminders three days ahead, a three-rung ladder. */
export const DEFAULT_SCHEDULE: RoundSchedule = {
  calendar: DEFAULT_CALENDAR_ID,
  uncoveredYear: 'weekdays-provisional',
  steps: {
    SELF_CHECK: wd(10),
    TOWNSHIP_REVIEW: wd(10),
    COUNTY_PRE_REVIEW: wd(10),
    ON_SITE_OBSERVATION: wd(20),
    AWARD: wd(10),
  },
  rectification: wd(20),
  reminderBefore: wd(3),
  urgeIntervalSeconds: 86_400,
  unsignedPolicy: { SELF_CHECK: 'withdraw' },
  escalation: [
    { level: 'blue', after: wd(0), notify: { role: 'township_reviewer', scope: 'township' } },
    { level: 'yellow', after: wd(3), notify: { role: 'coordinator', scope: 'county' } },
    { level: 'red', after: wd(6), notify: { role: 'county_reviewer', scope: 'county' } },
  ],
  observation: { rule: 'mean', quorum: 2, outlierPoints: 3 },
  publicNotice: wd(5),
  revocation: { proposeAtLastRung: true },
  award: { capstoneRequiresAllOthers: true },
};

/** A star level a chain's thresholds name (一星 … 五星). */
const StarLevel = z.number().int('星级应为整数').min(1, '星级应在1至5之间').max(5, '星级应在1至5之间');

/** The levels above the county that may name (命名) a star level. */
export const NamingScope = z.enum(['city', 'province']);
export type NamingScope = z.infer<typeof NamingScope>;

/**
 * The chain of a round's steps above the county and who signs them (issue 12), set by the province per
 * campaign: plain data, passed through to the round and its branches. Omitted, every part is today's chain
 * (`DEFAULT_CHAIN`): county and city observers, no re-check, no spot-check, the county names every level.
 */
export const ChainTemplate = z.object({
  /** 现场观摩组: the levels whose observers score (the first owes the step's task). */
  observers: z
    .array(z.enum(['county', 'city']))
    .min(1, '至少指定一级观摩组')
    .max(2)
    .refine((s) => new Set(s).size === s.length, '观摩组层级重复')
    .default(['county', 'city']),
  /** 市复核: the city's reviewer re-checks a branch put forward after observation with `minStars` or more. */
  cityRecheck: z.object({ minStars: StarLevel, due: DueIn }).nullable().default(null),
  /**
   * 省抽查: the province's reviewer checks a sampled `share` of the branches put forward with `minStars` or
   * more. The draw is a pure function of `seed`, the round and the branch (docs/rounds.md), so anyone can
   * recompute it.
   */
  provinceSpotCheck: z
    .object({
      minStars: StarLevel,
      share: z.number().min(0, '抽查比例应在0至1之间').max(1, '抽查比例应在0至1之间'),
      seed: z.string().trim().min(1, '请填写抽查种子').max(64, '抽查种子至多64字'),
      due: DueIn,
    })
    .nullable()
    .default(null),
  /**
   * 命名权限: from `fromLevel` stars up, the coordinator (专班) of `scope` confirms the award and decides
   * objections in its 公示; below the first entry, the county's. Levels and scopes rise together.
   */
  naming: z
    .array(z.object({ fromLevel: StarLevel, scope: NamingScope }))
    .max(2)
    .refine(
      (ns) =>
        ns.every(
          (n, i) =>
            i === 0 ||
            (n.fromLevel > ns[i - 1]!.fromLevel &&
              NamingScope.options.indexOf(n.scope) > NamingScope.options.indexOf(ns[i - 1]!.scope)),
        ),
      '命名权限须按星级由低到高、层级由市到省排列',
    )
    .default([]),
});
export type ChainTemplate = z.infer<typeof ChainTemplate>;

/** Today's chain: what a round without a template runs. */
export const DEFAULT_CHAIN: ChainTemplate = {
  observers: ['county', 'city'],
  cityRecheck: null,
  provinceSpotCheck: null,
  naming: [],
};

/**
 * 省抽查's draw for one branch, as its state shows it: the stars it was put forward with, whether it was in
 * the pool (`minStars` or more), its draw in [0, 1) and the outcome. The seed is left out (everyone of the
 * county reads the state, and the seed would tell them the other branches' draws); the event
 * `branch.spot_check_drawn` and the history carry it.
 */
export const SpotCheckDraw = z.object({
  level: z.number().int().min(0).max(5),
  minStars: StarLevel,
  share: z.number().min(0).max(1),
  /** null: not in the pool, so not drawn. */
  draw: z.number().min(0).lt(1).nullable(),
  sampled: z.boolean(),
  reason: z.string().min(1),
});
export type SpotCheckDraw = z.infer<typeof SpotCheckDraw>;

/** The level whose coordinator names `level` stars under `chain`. */
export function namingScope(chain: ChainTemplate, level: number): 'county' | NamingScope {
  return chain.naming.filter((n) => level >= n.fromLevel).at(-1)?.scope ?? 'county';
}

/** A stored catalog version a round pins, by id and version (see GET /api/catalogs). */
/** A catalog version by id and number (the number within the stored int4, as Catalog.version). */
export const CatalogPick = z.object({
  id: z.string().min(1, '缺少目录标识').max(40),
  version: z.number().int().positive('版本号必须是正整数').max(2_147_483_647, '版本号过大'),
});
export type CatalogPick = z.infer<typeof CatalogPick>;

/** A province's campaign of a year: `<province>-<year>`, e.g. 41-2026 (docs/hierarchy.md). */
export const CampaignId = z.string().regex(/^\d{2}-\d{4}$/, '创建活动编号应为“省代码-年度”，如 41-2026');
export type CampaignId = z.infer<typeof CampaignId>;

export const RoundId = z
  .string()
  .regex(/^[a-z0-9-]{3,40}$/, '轮次编号只能包含小写字母、数字和连字符（3–40位）');

export const StartRoundRequest = z.object({
  roundId: RoundId,
  countyCode: CountyCode,
  year: z.number().int().min(2022, '年度须在2022至2100之间').max(2100, '年度须在2022至2100之间'),
  title: z.string().min(1, '轮次名称不能为空').max(100, '轮次名称至多100字'),
  schedule: RoundSchedule.default(DEFAULT_SCHEDULE),
  /** Branches started per launcher page (the round continues-as-new between pages). */
  pageSize: z.number().int().min(1).max(1000).default(200),
  /** Launcher pages per workflow run before it continues as new. */
  pagesPerRun: z.number().int().min(1).max(100).default(10),
  /**
   * Catalog versions to pin instead of the ones in force, at most one per branch type (the API checks
   * that each is stored and that no type repeats); a type left out keeps its catalog in force.
   */
  catalogs: z
    .array(CatalogPick)
    .min(1, '至少选择一个目录')
    .max(BranchType.options.length, '每类支部只能选一个目录')
    .optional(),
  /** Only these townships' branches take part (each must be a township of the county); omitted: all. */
  townshipCodes: z
    .array(TownshipCode)
    .min(1, '至少选择一个乡镇')
    .max(500, '乡镇至多500个')
    .superRefine((codes, ctx) =>
      codes.forEach((code, i) => {
        if (codes.indexOf(code) < i)
          ctx.addIssue({ code: 'custom', path: [i], message: `乡镇 ${code} 重复` });
      }),
    )
    .optional(),
  /**
   * The province's campaign the round runs under (docs/hierarchy.md): its catalogs and schedule are the
   * round's, so the request gives neither; the year must be the campaign's.
   */
  campaignId: CampaignId.optional(),
  /** The chain above the county (the campaign's template); omitted: today's chain. */
  chain: ChainTemplate.optional(),
});
export type StartRoundRequest = z.infer<typeof StartRoundRequest>;

/**
 * GET /counties/:countyCode/townships: the county's townships with their branch counts (the round form's
 * picker, the console's township filter and names).
 */
export const CountyTownships = z.object({
  countyCode: CountyCode,
  items: z.array(z.object({ code: TownshipCode, name: z.string(), branches: z.number().int() })),
});
export type CountyTownships = z.infer<typeof CountyTownships>;
/** GET /counties/:countyCode/branches: the county's branches, by code (names for codes, pickers). */
export const CountyBranches = z.object({
  countyCode: CountyCode,
  items: z.array(
    z.object({ code: BranchCode, name: z.string(), townshipCode: TownshipCode, type: BranchType }),
  ),
});
export type CountyBranches = z.infer<typeof CountyBranches>;
export const CountyPath = z.object({ countyCode: CountyCode });

/** The round launcher's progress (the round workflow's query and its continue-as-new carry-over). */
export const RoundProgress = z.object({
  /** The directory page to launch next (a branch code), null at the start. */
  cursor: z.string().nullable(),
  pages: z.number().int(),
  launched: z.number().int(),
  skipped: z.number().int(),
  launchDone: z.boolean(),
  closed: z.boolean(),
  eventSeq: z.number().int(),
  runs: z.number().int(),
});
export type RoundProgress = z.infer<typeof RoundProgress>;

/** GET /api/rounds/:roundId: the round, the catalog versions it pinned and its launcher's progress. */
export const RoundView = z.object({
  roundId: z.string(),
  countyCode: z.string(),
  year: z.number().int(),
  title: z.string(),
  catalogs: z.array(CatalogPick),
  /** The townships the round covers; null: the whole county. */
  townshipCodes: z.array(z.string()).nullable(),
  progress: RoundProgress,
});
export type RoundView = z.infer<typeof RoundView>;

/** One round of GET /api/rounds (the console's round pickers). */
export const RoundSummary = z.object({
  roundId: z.string(),
  title: z.string(),
  year: z.number().int(),
  countyCode: z.string(),
  /** The townships the round covers; null: the whole county. */
  townshipCodes: z.array(z.string()).nullable(),
  startedAt: z.string(),
  /** The province's campaign it runs under; null: the county's own round. */
  campaignId: z.string().nullable(),
});
export type RoundSummary = z.infer<typeof RoundSummary>;
/** GET /api/rounds: the rounds of the caller's county (a city's or the province's: all of theirs), newest first. */
export const RoundList = z.object({ items: z.array(RoundSummary) });
export type RoundList = z.infer<typeof RoundList>;
