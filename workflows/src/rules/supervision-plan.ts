import type { EscalationRung } from '@fivestar/contracts';

export type Milestone =
  | { kind: 'reminder'; atMs: number }
  | { kind: 'overdue'; atMs: number }
  | { kind: 'escalation'; atMs: number; rung: EscalationRung };

/**
 * The supervision timeline of one deadline: a reminder `reminderBeforeSeconds` ahead (skipped when that
 * is not after `openedAtMs`), overdue at the deadline, then each escalation rung after it. Sorted by time;
 * ties keep that order (overdue before a rung at +0).
 */
export function supervisionPlan(
  openedAtMs: number,
  deadlineMs: number,
  reminderBeforeSeconds: number,
  ladder: EscalationRung[],
): Milestone[] {
  const plan: Milestone[] = [];
  const reminderAt = deadlineMs - reminderBeforeSeconds * 1000;
  if (reminderBeforeSeconds > 0 && reminderAt > openedAtMs) plan.push({ kind: 'reminder', atMs: reminderAt });
  plan.push({ kind: 'overdue', atMs: deadlineMs });
  for (const rung of ladder)
    plan.push({ kind: 'escalation', atMs: deadlineMs + rung.afterSeconds * 1000, rung });
  return plan.sort((a, b) => a.atMs - b.atMs);
}
