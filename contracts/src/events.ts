import { z } from 'zod';
import { HumanStep, Step } from './cycle';
import { Actor, Branch, CandidateGroup, JurisdictionCode } from './directory';
import { EscalationLevel, SpotCheckDraw } from './round';

/**
 * A unit of human work that a task ledger tracks. `key` is deterministic (workflow id + step + attempt),
 * so an event that opens work and the one that closes it agree without coordination.
 */
export const WorkItem = z.object({
  key: z.string().min(1),
  kind: z.enum([
    'step',
    'rectification_evidence',
    'rectification_verify',
    'extension_decision',
    'revocation_decision',
  ]),
  title: z.string().min(1),
  group: CandidateGroup,
  deadline: z.iso.datetime(),
  /**
   * The one star the work concerns, when it does: a rectification whose finding names a star, its
   * extension approvals, a revocation decision. Absent for step work (a branch aims at several stars)
   * and in events published before the field existed.
   */
  star: z.string().nullable().optional(),
  /**
   * What the work is about beyond its kind and step, for lists that name the village apart: a
   * rectification's or a revocation's finding. Absent for step work and in events published before it.
   */
  subject: z.string().nullable().optional(),
  /**
   * The deadline or its supervision was counted in a year the working-day calendar did not hold yet, as
   * Monday–Friday (暂按工作日计算); `work.replanned` follows once the year is loaded. Absent: false.
   */
  provisional: z.boolean().optional(),
});
export type WorkItem = z.infer<typeof WorkItem>;

const StepRef = { step: HumanStep, attempt: z.number().int().positive() };

/** What supervision events say about the late work: its key, title, deadline and the group told. */
const Supervised = {
  workKey: z.string(),
  title: z.string(),
  deadline: z.iso.datetime(),
  group: CandidateGroup,
};

/** Which supervised work an urge or extension is about: a branch step's attempt, or a finding. */
const WorkRef = {
  step: HumanStep.optional(),
  attempt: z.number().int().positive().optional(),
  findingId: z.string().optional(),
};

const Finding = z.object({ findingId: z.string().min(1), title: z.string().min(1) });

/** Payload schemas by event type. Adding a type means adding it here; consumers validate against it. */
export const EVENT_DATA = {
  'round.started': z.object({
    title: z.string(),
    year: z.number().int(),
    countyCode: z.string(),
    catalogs: z.array(
      z.object({
        id: z.string(),
        version: z.number().int(),
        /** The catalog's stars, in its order (for the rankings' per-star tallies); absent in older events. */
        stars: z.array(z.object({ code: z.string(), name: z.string() })).optional(),
      }),
    ),
    /** The townships the round covers (its scope); absent: the whole county. */
    townshipCodes: z.array(z.string()).min(1).optional(),
    /** The province's campaign (年度创建) the round runs under; absent: a county's own round of older events. */
    campaignId: z.string().optional(),
  }),
  'round.page_launched': z.object({
    page: z.number().int().nonnegative(),
    started: z.number().int().nonnegative(),
  }),
  /** A coordinator closed the round: its results are final (rankings freeze them). */
  'round.closed': z.object({ countyCode: z.string(), year: z.number().int() }),
  'branch.step_opened': z.object({ ...StepRef, work: WorkItem }),
  'branch.step_signed': z.object({
    ...StepRef,
    closes: z.string(),
    decision: z.enum(['submitted', 'approved', 'observed', 'awarded']),
  }),
  'branch.step_returned': z.object({
    ...StepRef,
    closes: z.string(),
    toStep: HumanStep,
    reasons: z.array(z.string().min(1)).min(1),
  }),
  'branch.step_reminder': z.object({ ...StepRef, ...Supervised }),
  'branch.step_overdue': z.object({ ...StepRef, ...Supervised }),
  /** `group` is who the escalation notice goes to (the ladder rung's level), not who owes the work. */
  'branch.step_escalated': z.object({ ...StepRef, ...Supervised, level: EscalationLevel }),
  /** The round's policy for a step left unsigned (e.g. no self-check → not participating this year). */
  'branch.withdrawn': z.object({ ...StepRef, closes: z.string(), reason: z.string().min(1) }),
  /** 催办: a person above the work urges whoever owes it; rate-limited per work item. */
  'work.urged': z.object({ ...WorkRef, ...Supervised, note: z.string().max(500).optional() }),
  /** 延期申请: `work` is the approval task for the level above; `workKey` the work to extend. */
  'work.extension_requested': z.object({
    ...WorkRef,
    workKey: z.string(),
    title: z.string(),
    currentDeadline: z.iso.datetime(),
    requestedDeadline: z.iso.datetime(),
    reasons: z.array(z.string().min(1)).min(1),
    work: WorkItem,
  }),
  /** When approved, `deadline` is the work's new deadline and its supervision starts over from it. */
  'work.extension_decided': z.object({
    ...WorkRef,
    closes: z.string(),
    workKey: z.string(),
    title: z.string(),
    approved: z.boolean(),
    reasons: z.array(z.string().min(1)).default([]),
    deadline: z.iso.datetime(),
    /** Who asked: they are told the answer. */
    group: CandidateGroup,
  }),
  /**
   * The work's deadline and supervision planned again (a calendar year it was counted in provisionally
   * was loaded): one event per work item whose plan changed, `deadline` the new one.
   */
  'work.replanned': z.object({
    ...WorkRef,
    ...Supervised,
    previousDeadline: z.iso.datetime(),
    provisional: z.boolean(),
  }),
  'branch.awarded': z.object({
    level: z.number().int().min(0).max(5),
    stars: z.array(z.object({ code: z.string(), name: z.string() })),
    catalog: z.object({ id: z.string(), version: z.number().int() }),
  }),
  /** 省抽查: whether the branch was drawn (and why), each time it is put forward under a chain with a spot-check. */
  'branch.spot_check_drawn': SpotCheckDraw.extend({ seed: z.string() }),
  /** 公示: the award is on public notice until `until`; objections may send the branch back. */
  'branch.notice_started': z.object({ until: z.iso.datetime(), level: z.number().int().min(0).max(5) }),
  'branch.objection_upheld': z.object({ toStep: HumanStep, reasons: z.array(z.string().min(1)).min(1) }),
  /** 摘星 proposed at the last rung of a failing rectification; `work` is the coordinator's decision. */
  'branch.revocation_proposed': z.object({
    findingId: z.string(),
    star: z.string().nullable(),
    work: WorkItem,
  }),
  'branch.revocation_decided': z.object({
    findingId: z.string(),
    closes: z.string(),
    confirmed: z.boolean(),
    reasons: z.array(z.string().min(1)).default([]),
  }),
  /** A confirmed revocation: the star is gone and the level lowered (the capstone may fall with it). */
  'branch.star_revoked': z.object({
    findingId: z.string(),
    revoked: z.array(z.object({ code: z.string(), name: z.string() })).min(1),
    level: z.number().int().min(0).max(5),
    stars: z.array(z.object({ code: z.string(), name: z.string() })),
  }),
  'branch.closed': z.object({ step: Step, level: z.number().int().min(0).max(5) }),
  'rectification.opened': z.object({ ...Finding.shape, work: WorkItem }),
  'rectification.evidence_submitted': z.object({
    findingId: z.string(),
    closes: z.string(),
    description: z.string(),
    work: WorkItem,
  }),
  'rectification.rejected': z.object({
    findingId: z.string(),
    closes: z.string(),
    reasons: z.array(z.string().min(1)).min(1),
    work: WorkItem,
  }),
  'rectification.reminder': z.object({ findingId: z.string(), ...Supervised }),
  'rectification.overdue': z.object({ findingId: z.string(), ...Supervised }),
  'rectification.escalated': z.object({ findingId: z.string(), ...Supervised, level: EscalationLevel }),
  'rectification.closed': z.object({ findingId: z.string(), closes: z.string() }),
  'directory.branch_upserted': z.object({
    branch: Branch,
    townshipName: z.string(),
    countyName: z.string(),
    /** The names of the branch's city and province where the directory holds them (docs/hierarchy.md). */
    cityName: z.string().optional(),
    provinceName: z.string().optional(),
  }),
  'directory.user_upserted': z.object({
    userId: z.string(),
    name: z.string(),
    role: Actor.shape.role,
    jurisdiction: JurisdictionCode,
    active: z.boolean(),
  }),
  /**
   * An activity of a branch's (or a rectification's) workflow kept failing: published once, at the
   * attempt the worker alerts at, so the branch shows 系统处理异常 and administrators hear of it once.
   */
  'system.activity_failing': z.object({
    workflowId: z.string(),
    activityId: z.string(),
    activityType: z.string(),
    attempt: z.number().int().positive(),
    message: z.string(),
    /** What the failure waits on, when known: a calendar year not loaded yet. */
    calendar: z.object({ calendarId: z.string(), year: z.number().int() }).nullable(),
  }),
  /** The failing activity succeeded at last (the cause was fixed): the alert is over. */
  'system.activity_recovered': z.object({
    workflowId: z.string(),
    activityId: z.string(),
    activityType: z.string(),
    attempt: z.number().int().positive(),
  }),
  /** A monthly ranking bulletin (通报) was published; id `bulletin/<code>/<period>`. */
  'ranking.bulletin_published': z.object({
    bulletinId: z.string(),
    /** The county's code, or the city's or province's for theirs (docs/hierarchy.md). */
    countyCode: z.string(),
    roundId: z.string().nullable(),
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    title: z.string(),
    url: z.string(),
  }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

const EnvelopeBase = z.object({
  /** Deterministic: the producing workflow's id plus a sequence; also the NATS message id. */
  id: z.string().min(1).max(300),
  version: z.literal(1),
  occurredAt: z.iso.datetime(),
  roundId: z.string().nullable(),
  branchId: z.string().nullable(),
  /** Code path of the subject of the event (a branch's 12-digit code, a township's 9, a county's 6). */
  jurisdiction: JurisdictionCode,
  actor: Actor.nullable(),
});

type EnvelopeOf<T extends EventType> = z.infer<typeof EnvelopeBase> & { type: T; data: EventData<T> };
export type FivestarEvent = { [T in EventType]: EnvelopeOf<T> }[EventType];

const envelopeSchemas = EVENT_TYPES.map((type) =>
  EnvelopeBase.extend({ type: z.literal(type), data: EVENT_DATA[type] }),
) as unknown as [z.ZodType<FivestarEvent>, ...z.ZodType<FivestarEvent>[]];

/** Validates any event; consumers parse with this before acting. */
export const FivestarEventSchema: z.ZodType<FivestarEvent> = z.union(envelopeSchemas);

export function parseEvent(raw: unknown): FivestarEvent {
  return FivestarEventSchema.parse(raw);
}

export type EventOf<T extends EventType> = Extract<FivestarEvent, { type: T }>;
