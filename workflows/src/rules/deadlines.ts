import {
  addWorkingDays,
  beijingDate,
  beijingEndOfDay,
  subtractWorkingDays,
  type DueIn,
  type Duration,
  type EscalationRung,
  type WorkCalendar,
} from '@fivestar/contracts';

/** The deadline and supervision milestones of one piece of work, as instants (epoch ms). */
export interface SupervisionTimes {
  deadlineMs: number;
  /** null: no reminder (none configured, or it would fall before the work opened). */
  reminderAtMs: number | null;
  rungs: { rung: EscalationRung; atMs: number }[];
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
