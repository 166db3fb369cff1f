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
 */
export class Emitter {
  constructor(
    private readonly ctx: EventContext,
    private seq = 0,
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
    await publishEvent(event);
  }
}
