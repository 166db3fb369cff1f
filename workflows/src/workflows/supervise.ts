import { condition } from '@temporalio/workflow';
import type { EscalationRung } from '@fivestar/contracts';
import { supervisionPlan } from '../rules/supervision-plan';

export interface SupervisionHooks {
  isDone(): boolean;
  onReminder(): Promise<void>;
  onOverdue(): Promise<void>;
  onEscalation(rung: EscalationRung): Promise<void>;
}

/**
 * Walks one deadline's supervision plan on Temporal timers, firing each milestone that is reached
 * before the work is done. Resolves as soon as the work is done.
 */
export async function supervise(
  deadlineMs: number,
  reminderBeforeSeconds: number,
  ladder: EscalationRung[],
  hooks: SupervisionHooks,
): Promise<void> {
  for (const m of supervisionPlan(Date.now(), deadlineMs, reminderBeforeSeconds, ladder)) {
    const wait = m.atMs - Date.now();
    if (wait > 0 && (await condition(hooks.isDone, wait))) return;
    if (hooks.isDone()) return;
    if (m.kind === 'reminder') await hooks.onReminder();
    else if (m.kind === 'overdue') await hooks.onOverdue();
    else await hooks.onEscalation(m.rung);
  }
  await condition(hooks.isDone);
}
