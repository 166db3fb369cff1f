import { condition } from '@temporalio/workflow';
import type { EscalationRung } from '@fivestar/contracts';
import type { SupervisionTimes } from '@fivestar/contracts';
import { supervisionPlan } from '../rules/supervision-plan';

export interface SupervisionHooks {
  /** The milestones in force; an approved extension replaces them. */
  times(): SupervisionTimes;
  /** Changes whenever the times are replaced, so the walk starts over from the new ones. */
  version(): number;
  isDone(): boolean;
  onReminder(): Promise<void>;
  onOverdue(): Promise<void>;
  onEscalation(rung: EscalationRung): Promise<void>;
  /** After the last rung, while the work is still not done (the round's policy for unsigned work). */
  onExhausted?(): Promise<void>;
}

/**
 * Walks a deadline's supervision plan on Temporal timers, firing each milestone reached before the work
 * is done. When the deadline moves (always into the future), the walk restarts on the new plan.
 * Resolves as soon as the work is done.
 */
export async function supervise(hooks: SupervisionHooks): Promise<void> {
  for (;;) {
    const version = hooks.version();
    const moved = () => hooks.isDone() || hooks.version() !== version;
    let restart = false;
    for (const m of supervisionPlan(hooks.times())) {
      const wait = m.atMs - Date.now();
      if (wait > 0) await condition(moved, wait);
      if (hooks.isDone()) return;
      if (hooks.version() !== version) {
        restart = true;
        break;
      }
      if (m.kind === 'reminder') await hooks.onReminder();
      else if (m.kind === 'overdue') await hooks.onOverdue();
      else await hooks.onEscalation(m.rung);
    }
    if (restart) continue;
    if (hooks.onExhausted && !hooks.isDone()) await hooks.onExhausted();
    await condition(moved);
    if (hooks.isDone()) return;
  }
}
