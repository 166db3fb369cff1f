import type { EscalationRung } from '@fivestar/contracts';
import type { SupervisionTimes } from '@fivestar/contracts';

export type Milestone =
  | { kind: 'reminder'; atMs: number }
  | { kind: 'overdue'; atMs: number }
  | { kind: 'escalation'; atMs: number; rung: EscalationRung };

/**
 * The supervision timeline of one deadline, in time order: the reminder, overdue at the deadline, then
 * each escalation rung. Ties keep that order (overdue before a rung at +0).
 */
export function supervisionPlan(times: SupervisionTimes): Milestone[] {
  const plan: Milestone[] = [];
  if (times.reminderAtMs !== null) plan.push({ kind: 'reminder', atMs: times.reminderAtMs });
  plan.push({ kind: 'overdue', atMs: times.deadlineMs });
  for (const { rung, atMs } of times.rungs) plan.push({ kind: 'escalation', atMs, rung });
  return plan.sort((a, b) => a.atMs - b.atMs);
}
