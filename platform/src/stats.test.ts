import type { ConsumerInfo } from '@nats-io/jetstream';
import { toConsumerStats } from './stats';

describe('toConsumerStats', () => {
  it('maps the 2.9 consumer info fields and keeps the counters', () => {
    const info = {
      name: 'tasks',
      delivered: { consumer_seq: 12, stream_seq: 40, last_active: 0 },
      ack_floor: { consumer_seq: 10, stream_seq: 38, last_active: 0 },
      num_pending: 5,
      num_ack_pending: 2,
      num_redelivered: 1,
      num_waiting: 1,
    } as unknown as ConsumerInfo;
    const handler = { applied: 9, duplicates: 1, failedAttempts: 2, deadLettered: 1 };
    expect(toConsumerStats(info, 45, handler)).toEqual({
      durable: 'tasks',
      streamLastSeq: 45,
      delivered: { consumerSeq: 12, streamSeq: 40 },
      ackFloor: { consumerSeq: 10, streamSeq: 38 },
      lag: 5,
      ackPending: 2,
      redelivered: 1,
      handler,
    });
  });
});
