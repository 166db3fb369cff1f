import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Actor, EventData, EventType, FivestarEvent } from '@fivestar/contracts';
import type { Activities } from '../activities';

const { publishEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface EventContext {
  roundId: string | null;
  branchId: string | null;
  jurisdiction: string;
}

/**
 * Emits events with deterministic ids (`<workflow id>#<sequence>`): a replayed or retried emission
 * carries the same id, so JetStream and the consumers drop the repeat.
 *
 * `ordered` (workflows under the `answer-on-accept` patch): an emission is queued, published after the one
 * before it, and not waited for, so neither an Update's answer nor the branch's next step waits on the
 * event bus; the workflow waits for `idle()` before it ends. Without it (histories recorded before the
 * patch) each emission is its own activity at once and is waited for, as those histories expect.
 */
export class Emitter {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: EventContext,
    private seq = 0,
    readonly ordered = false,
  ) {}

  get sequence(): number {
    return this.seq;
  }

  async emit<T extends EventType>(type: T, data: EventData<T>, actor: Actor | null = null): Promise<void> {
    this.seq += 1;
    const event = {
      id: `${workflowInfo().workflowId}#${this.seq}`,
      type,
      version: 1 as const,
      occurredAt: new Date().toISOString(),
      roundId: this.ctx.roundId,
      branchId: this.ctx.branchId,
      jurisdiction: this.ctx.jurisdiction,
      actor,
      data,
    } as FivestarEvent;
    // Awaited exactly as before the patch: recorded histories depend on when the caller resumes.
    if (!this.ordered) {
      await publishEvent(event);
      return;
    }
    this.tail = this.tail.then(() => publishEvent(event));
  }

  /** Resolves once everything emitted so far is published (a workflow waits for it before it ends). */
  idle(): Promise<void> {
    return this.tail;
  }
}
