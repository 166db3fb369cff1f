import {
  addWorkingDays,
  beijingDate,
  beijingEndOfDay,
  subtractWorkingDays,
  withWeekdayFallback,
  type WorkCalendar,
} from './calendar';
import { CORE_STEPS, type HumanStep } from './cycle';
import type {
  ChainTemplate,
  DueIn,
  Duration,
  EscalationRung,
  RoundSchedule,
  UncoveredYearPolicy,
} from './round';

/** The deadline and supervision milestones of one piece of work, as instants (epoch ms). */
export interface SupervisionTimes {
  deadlineMs: number;
  /** null: no reminder (none configured, or it would fall before the work opened). */
  reminderAtMs: number | null;
  rungs: { rung: EscalationRung; atMs: number }[];
  /**
   * Years these times were counted in as plain Monday–Friday because the calendar did not hold them yet
   * (the round's `weekdays-provisional` policy): planned again once they are loaded. Absent: none.
   */
  provisionalYears?: number[];
}

/** When work opened at `fromMs` is due: a span later (working days end at 23:59:59.999 Beijing), or a date. */
export function dueAt(calendar: WorkCalendar, fromMs: number, due: DueIn): number {
  if ('until' in due) return beijingEndOfDay(due.until);
  if ('seconds' in due) return fromMs + due.seconds * 1000;
  return due.workingDays === 0
    ? beijingEndOfDay(beijingDate(fromMs))
    : addWorkingDays(calendar, fromMs, due.workingDays);
}

/** `d` after a deadline (escalation rungs); zero is the deadline itself. */
export function after(calendar: WorkCalendar, deadlineMs: number, d: Duration): number {
  if ('seconds' in d) return deadlineMs + d.seconds * 1000;
  return d.workingDays === 0 ? deadlineMs : addWorkingDays(calendar, deadlineMs, d.workingDays);
}

/** `d` before a deadline (reminders): the start of the working day that many working days earlier. */
export function before(calendar: WorkCalendar, deadlineMs: number, d: Duration): number | null {
  if ('seconds' in d) return d.seconds === 0 ? null : deadlineMs - d.seconds * 1000;
  return d.workingDays === 0 ? null : subtractWorkingDays(calendar, deadlineMs, d.workingDays);
}

export function planTimes(
  calendar: WorkCalendar,
  openedAtMs: number,
  deadlineMs: number,
  reminderBefore: Duration,
  ladder: EscalationRung[],
): SupervisionTimes {
  const reminder = before(calendar, deadlineMs, reminderBefore);
  return {
    deadlineMs,
    reminderAtMs: reminder !== null && reminder > openedAtMs ? reminder : null,
    rungs: ladder.map((rung) => ({ rung, atMs: after(calendar, deadlineMs, rung.after) })),
  };
}

/** What one piece of work is planned from: when it opened, when it is due, and the round's supervision. */
export interface PlanRequest {
  openedAtMs: number;
  /** Either when the work is due from its opening, or an explicit deadline (an approved extension). */
  due: DueIn | { atMs: number };
  reminderBefore: Duration;
  escalation: EscalationRung[];
  /** Absent (plans of rounds started before the policy existed): `refuse`, an uncovered year throws. */
  uncoveredYear?: UncoveredYearPolicy;
}

/**
 * The deadline and milestones of one piece of work by `calendar`. An uncovered year throws
 * CalendarNotCoveredError, unless the policy is `weekdays-provisional`: then it is counted Monday–Friday
 * and listed in `provisionalYears`.
 */
export function planSupervisionTimes(calendar: WorkCalendar, req: PlanRequest): SupervisionTimes {
  const provisional = req.uncoveredYear === 'weekdays-provisional';
  const fallback = provisional ? withWeekdayFallback(calendar) : null;
  const cal = fallback?.calendar ?? calendar;
  const deadlineMs = 'atMs' in req.due ? req.due.atMs : dueAt(cal, req.openedAtMs, req.due);
  const times = planTimes(cal, req.openedAtMs, deadlineMs, req.reminderBefore, req.escalation);
  const years = fallback?.provisionalYears() ?? [];
  return years.length ? { ...times, provisionalYears: years } : times;
}

/** Where a round's schedule reaches: each stage with the latest instant it may need a calendar for. */
export interface ScheduleReach {
  /** The start request's field, as an API error names it (`schedule.steps.COUNTY_PRE_REVIEW`, `chain.cityRecheck.due`). */
  field: string;
  step: HumanStep | 'PUBLIC_NOTICE' | 'RECTIFICATION';
  deadlineMs: number;
  /** The last escalation rung of the stage (its supervision ends there). */
  lastMilestoneMs: number;
  /** Uncovered years this stage's dates were counted in (as Monday–Friday). */
  uncoveredYears: number[];
}

/**
 * The whole schedule of a round started at `startMs`, on the assumption that every step takes its full
 * time (each opens at the previous one's deadline): the dates a start must check against the calendar.
 * Uncovered years never throw here; each stage lists the ones it reached. A chain's 市复核 and 省抽查 count
 * as if every branch went through them.
 */
export function scheduleReach(
  calendar: WorkCalendar,
  startMs: number,
  schedule: RoundSchedule,
  chain?: ChainTemplate,
): ScheduleReach[] {
  const core = CORE_STEPS.map((step) => ({
    field: `schedule.steps.${step}`,
    step,
    due: schedule.steps[step],
  }));
  const above = [
    ...(chain?.cityRecheck
      ? [{ field: 'chain.cityRecheck.due', step: 'CITY_RECHECK' as const, due: chain.cityRecheck.due }]
      : []),
    ...(chain?.provinceSpotCheck
      ? [
          {
            field: 'chain.provinceSpotCheck.due',
            step: 'PROVINCE_SPOT_CHECK' as const,
            due: chain.provinceSpotCheck.due,
          },
        ]
      : []),
  ];
  const stages: { field: string; step: ScheduleReach['step']; due: DueIn }[] = [
    ...core.slice(0, -1),
    ...above,
    ...core.slice(-1),
    ...(schedule.publicNotice
      ? [{ field: 'schedule.publicNotice', step: 'PUBLIC_NOTICE' as const, due: schedule.publicNotice }]
      : []),
    { field: 'schedule.rectification', step: 'RECTIFICATION', due: schedule.rectification },
  ];
  const reach: ScheduleReach[] = [];
  let openedAtMs = startMs;
  for (const stage of stages) {
    const times = planSupervisionTimes(calendar, {
      openedAtMs,
      due: stage.due,
      reminderBefore: schedule.reminderBefore,
      escalation: schedule.escalation,
      uncoveredYear: 'weekdays-provisional',
    });
    reach.push({
      field: stage.field,
      step: stage.step,
      deadlineMs: times.deadlineMs,
      lastMilestoneMs: Math.max(times.deadlineMs, ...times.rungs.map((r) => r.atMs)),
      uncoveredYears: times.provisionalYears ?? [],
    });
    // A fixed date already past does not pull the next step back before this one opened.
    openedAtMs = Math.max(openedAtMs, times.deadlineMs);
  }
  return reach;
}
