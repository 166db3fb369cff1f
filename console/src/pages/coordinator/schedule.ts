import {
  beijingDate,
  CN_MAINLAND_CALENDAR,
  DEFAULT_SCHEDULE,
  CORE_STEPS,
  scheduleReach,
  WorkCalendar,
  type CalendarView,
  type Duration,
  type EscalationLevel,
  type CoreStep,
  type ObservationRule,
  type Role,
  type RoundSchedule,
  type Scope,
  type ScheduleReach,
  type UncoveredYearPolicy,
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
  steps: Record<CoreStep, number>;
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
  /** Deadlines in a year the calendar does not hold yet: refused, or counted Monday–Friday for now. */
  uncoveredYear: UncoveredYearPolicy;
}

const days = (d: Duration | { until: string } | null): number =>
  d && 'workingDays' in d ? d.workingDays : 0;

export function defaultScheduleForm(): ScheduleForm {
  const s = DEFAULT_SCHEDULE;
  return {
    steps: Object.fromEntries(CORE_STEPS.map((step) => [step, days(s.steps[step])])) as Record<
      CoreStep,
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
    // The form's default: a round started late in the year goes on into the next one.
    uncoveredYear: 'weekdays-provisional',
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
      CORE_STEPS.map((step) => [step, wd(form.steps[step])]),
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
    uncoveredYear: form.uncoveredYear,
  };
}

/** A stage's latest due date, and the uncovered years its dates (deadline and supervision) reach. */
export interface DuePreview {
  /** The request's field that names it (`schedule.steps.SELF_CHECK`, `schedule.rectification`). */
  field: string;
  step: ScheduleReach['step'];
  due: string;
  uncoveredYears: number[];
}

/**
 * The latest due date of each stage if every step before it takes its full time, starting `fromMs`:
 * the contracts' scheduleReach, as the API checks a start (an uncovered year counted Monday–Friday and
 * listed, never thrown), with the calendar in force (`calendarOfView`) or the bundled one.
 */
export function previewDueDates(
  form: ScheduleForm,
  fromMs: number,
  calendar: WorkCalendar = CN_MAINLAND_CALENDAR,
): DuePreview[] {
  return scheduleReach(calendar, fromMs, toSchedule(form)).map((r) => ({
    field: r.field,
    step: r.step,
    due: beijingDate(r.deadlineMs),
    uncoveredYears: r.uncoveredYears,
  }));
}

/** Under the `refuse` policy, what the API would refuse: a message per stage reaching an uncovered year. */
export function uncoveredRefusals(
  form: ScheduleForm,
  preview: DuePreview[],
  message: (years: string) => string,
): Record<string, string> {
  if (form.uncoveredYear !== 'refuse') return {};
  return Object.fromEntries(
    preview
      .filter((p) => p.uncoveredYears.length)
      .map((p) => [p.field, message(p.uncoveredYears.join('、'))]),
  );
}

/** GET /api/calendars/:id as the contracts' WorkCalendar (null when it does not parse). */
export function calendarOfView(view: CalendarView): WorkCalendar | null {
  const years = Object.fromEntries(
    view.years.map((y) => [String(y.year).padStart(4, '0'), { holidays: y.holidays, workdays: y.workdays }]),
  );
  const parsed = WorkCalendar.safeParse({ id: view.id, years });
  return parsed.success ? parsed.data : null;
}
