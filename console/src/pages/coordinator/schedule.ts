import {
  addWorkingDays,
  beijingDate,
  CN_MAINLAND_CALENDAR,
  DEFAULT_SCHEDULE,
  HUMAN_STEPS,
  type Duration,
  type HumanStep,
  type ObservationRule,
  type RoundSchedule,
} from '@fivestar/contracts';

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
  };
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
