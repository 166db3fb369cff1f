import type { JetStreamClient } from '@nats-io/jetstream';
import { eventSubject, FivestarEventSchema, type FivestarEvent } from '@fivestar/contracts';

/**
 * Publishes one event with its deterministic id as the NATS message id: the stream drops a repeat
 * inside its duplicate window, and consumers drop one after it (processed-event ids).
 */
export async function publishEvent(
  js: JetStreamClient,
  event: FivestarEvent,
): Promise<{ seq: number; duplicate: boolean }> {
  const valid = FivestarEventSchema.parse(event);
  const ack = await js.publish(eventSubject(valid.type), JSON.stringify(valid), { msgID: valid.id });
  return { seq: ack.seq, duplicate: ack.duplicate };
}
