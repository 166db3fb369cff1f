import {
  addWorkingDays,
  beijingDate,
  CN_MAINLAND_CALENDAR,
  DEFAULT_SCHEDULE,
  HUMAN_STEPS,
  type Duration,
  type EscalationLevel,
  type HumanStep,
  type ObservationRule,
  type Role,
  type RoundSchedule,
  type Scope,
} from '@fivestar/contracts';

/** One rung of the escalation ladder as the form edits it: a rung left off is not in the schedule. */
export interface LadderRung {
  level: EscalationLevel;
  enabled: boolean;
  /** Working days after the deadline. */
  days: number;
  role: Role;
  scope: Scope;
}

/** The start-round form counts every span in working days; the rest of the schedule is the default's. */
export interface ScheduleForm {
  steps: Record<HumanStep, number>;
  rectification: number;
  /** 0: no reminder. */
  reminderBefore: number;
  /** 0: the award is published at once (no 公示). */
  publicNotice: number;
  unsignedSelfCheck: 'wait' | 'withdraw';
  observationRule: ObservationRule['rule'];
  quorum: number;
  escalation: LadderRung[];
  /** 摘星: the last rung of a failing rectification proposes revoking a star. */
  proposeRevocation: boolean;
  /** 支部过硬星 only with every other star. */
  capstoneRequiresAllOthers: boolean;
}

const days = (d: Duration | { until: string } | null): number =>
  d && 'workingDays' in d ? d.workingDays : 0;

export function defaultScheduleForm(): ScheduleForm {
  const s = DEFAULT_SCHEDULE;
  return {
    steps: Object.fromEntries(HUMAN_STEPS.map((step) => [step, days(s.steps[step])])) as Record<
      HumanStep,
      number
    >,
    rectification: days(s.rectification),
    reminderBefore: days(s.reminderBefore),
    publicNotice: days(s.publicNotice),
    unsignedSelfCheck: s.unsignedPolicy.SELF_CHECK,
    observationRule: s.observation.rule,
    quorum: s.observation.quorum,
    escalation: s.escalation.map((r) => ({
      level: r.level,
      enabled: true,
      days: days(r.after),
      ...r.notify,
    })),
    proposeRevocation: s.revocation.proposeAtLastRung,
    capstoneRequiresAllOthers: s.award.capstoneRequiresAllOthers,
  };
}

/** Where a rung's problems land in the request: its place among the rungs left on (null when off). */
export function rungIndex(ladder: LadderRung[], row: number): number | null {
  return ladder[row]!.enabled ? ladder.slice(0, row).filter((r) => r.enabled).length : null;
}

export function toSchedule(form: ScheduleForm): RoundSchedule {
  const wd = (workingDays: number) => ({ workingDays });
  return {
    ...DEFAULT_SCHEDULE,
    steps: Object.fromEntries(
      HUMAN_STEPS.map((step) => [step, wd(form.steps[step])]),
    ) as RoundSchedule['steps'],
    rectification: wd(form.rectification),
    reminderBefore: wd(form.reminderBefore),
    publicNotice: form.publicNotice > 0 ? wd(form.publicNotice) : null,
    unsignedPolicy: { SELF_CHECK: form.unsignedSelfCheck },
    observation: { ...DEFAULT_SCHEDULE.observation, rule: form.observationRule, quorum: form.quorum },
    escalation: form.escalation
      .filter((r) => r.enabled)
      .map((r) => ({ level: r.level, after: wd(r.days), notify: { role: r.role, scope: r.scope } })),
    revocation: { proposeAtLastRung: form.proposeRevocation },
    award: { capstoneRequiresAllOthers: form.capstoneRequiresAllOthers },
  };
}

export type DuePreview = { step: HumanStep; due: string } | { step: HumanStep; error: string };

/**
 * The latest due date of each step if every step before it takes its full time, starting `fromMs`:
 * the same working-day arithmetic the workflow's deadline activity uses.
 */
export function previewDueDates(form: ScheduleForm, fromMs: number): DuePreview[] {
  let at = fromMs;
  return HUMAN_STEPS.map((step) => {
    try {
      at = addWorkingDays(CN_MAINLAND_CALENDAR, at, form.steps[step]);
      return { step, due: beijingDate(at) };
    } catch (e) {
      // The calendar's message is bilingual ("中文 / English"): the Chinese half.
      return { step, error: (e as Error).message.split('/ working')[0]! };
    }
  });
}
