import { z } from 'zod';
import { Role, Scope } from './cycle';
import { CountyCode } from './directory';

export const EscalationLevel = z.enum(['blue', 'yellow', 'red']);
export type EscalationLevel = z.infer<typeof EscalationLevel>;

export const ESCALATION_LABELS: Record<EscalationLevel, string> = {
  blue: '蓝色督办单',
  yellow: '黄色督办单（挂牌督办）',
  red: '红色督办单',
};

/** One rung of the escalation ladder: `afterSeconds` past the deadline, notify `role` at `scope`. */
export const EscalationRung = z.object({
  level: EscalationLevel,
  afterSeconds: z.number().int().nonnegative(),
  notify: z.object({ role: Role, scope: Scope }),
});
export type EscalationRung = z.infer<typeof EscalationRung>;

const Seconds = z.number().int().positive();

/**
 * A round's schedule. Every duration is an input (seconds) so a real round uses days and a test uses
 * seconds; working-day calendars are layered on top of this by the rules engine.
 */
export const RoundSchedule = z.object({
  stepSeconds: z.object({
    SELF_CHECK: Seconds,
    TOWNSHIP_REVIEW: Seconds,
    COUNTY_PRE_REVIEW: Seconds,
    ON_SITE_OBSERVATION: Seconds,
    AWARD: Seconds,
  }),
  rectificationSeconds: Seconds,
  reminderBeforeSeconds: z.number().int().nonnegative(),
  /** Least time between two urges (催办) of the same work item. */
  urgeIntervalSeconds: z.number().int().positive().default(86_400),
  /**
   * What happens to a step still unsigned after the last escalation rung: `wait` keeps waiting;
   * `withdraw` (self-check only) records the branch as not participating this round.
   */
  unsignedPolicy: z
    .object({ SELF_CHECK: z.enum(['wait', 'withdraw']).default('withdraw') })
    .default({ SELF_CHECK: 'withdraw' }),
  /** Rungs in increasing `afterSeconds`. */
  escalation: z
    .array(EscalationRung)
    .min(1)
    .refine((rs) => rs.every((r, i) => i === 0 || r.afterSeconds > rs[i - 1]!.afterSeconds), {
      message: '督办层级的时限必须递增',
    }),
});
export type RoundSchedule = z.infer<typeof RoundSchedule>;

const DAY = 86_400;
/** A realistic default: two weeks per step, reminders three days ahead, a three-rung ladder. */
export const DEFAULT_SCHEDULE: RoundSchedule = {
  stepSeconds: {
    SELF_CHECK: 14 * DAY,
    TOWNSHIP_REVIEW: 14 * DAY,
    COUNTY_PRE_REVIEW: 14 * DAY,
    ON_SITE_OBSERVATION: 30 * DAY,
    AWARD: 14 * DAY,
  },
  rectificationSeconds: 30 * DAY,
  reminderBeforeSeconds: 3 * DAY,
  urgeIntervalSeconds: DAY,
  unsignedPolicy: { SELF_CHECK: 'withdraw' },
  escalation: [
    { level: 'blue', afterSeconds: 0, notify: { role: 'township_reviewer', scope: 'township' } },
    { level: 'yellow', afterSeconds: 5 * DAY, notify: { role: 'coordinator', scope: 'county' } },
    { level: 'red', afterSeconds: 10 * DAY, notify: { role: 'county_reviewer', scope: 'county' } },
  ],
};

export const RoundId = z
  .string()
  .regex(/^[a-z0-9-]{3,40}$/, '轮次编号只能包含小写字母、数字和连字符（3–40位）');

export const StartRoundRequest = z.object({
  roundId: RoundId,
  countyCode: CountyCode,
  year: z.number().int().min(2022).max(2100),
  title: z.string().min(1).max(100),
  schedule: RoundSchedule.default(DEFAULT_SCHEDULE),
  /** Branches started per launcher page (the round continues-as-new between pages). */
  pageSize: z.number().int().min(1).max(1000).default(200),
  /** Launcher pages per workflow run before it continues as new. */
  pagesPerRun: z.number().int().min(1).max(100).default(10),
});
export type StartRoundRequest = z.infer<typeof StartRoundRequest>;
