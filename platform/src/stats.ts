import { jetstreamManager, type ConsumerInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  EVENT_STREAM,
  type ConsumerStats,
  type HandlerCounters,
  type ReadModelServiceName,
  type ServiceStats,
} from '@fivestar/contracts';
import type { Kysely } from 'kysely';
import type { ConsumerTables, RunningConsumer } from './consumer';

/** A consumer's JetStream info (only fields nats-server 2.9 has) with the runner's counters. */
export function toConsumerStats(
  info: ConsumerInfo,
  streamLastSeq: number,
  handler: HandlerCounters,
): ConsumerStats {
  return {
    durable: info.name,
    streamLastSeq,
    delivered: { consumerSeq: info.delivered.consumer_seq, streamSeq: info.delivered.stream_seq },
    ackFloor: { consumerSeq: info.ack_floor.consumer_seq, streamSeq: info.ack_floor.stream_seq },
    lag: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    handler,
  };
}

/** The dead-letter table: how many rows, and the latest one's error. */
async function deadLetters(db: Kysely<ConsumerTables>): Promise<ServiceStats['deadLetters']> {
  const { total } = await db
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom('dead_letters')
    .select(['event_id', 'error', 'created_at'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    total: Number(total),
    lastError: last
      ? { eventId: last.event_id, message: last.error, at: last.created_at.toISOString() }
      : null,
  };
}

export interface StatsSource {
  service: ReadModelServiceName;
  nc: NatsConnection;
  db: Kysely<ConsumerTables>;
  consumers: RunningConsumer[];
  startedAt: Date;
}

/** What `fivestar.svc.<service>.stats` answers: consumer positions and lag, counters, dead letters. */
export async function serviceStats(src: StatsSource): Promise<ServiceStats> {
  const jsm = await jetstreamManager(src.nc);
  const lastSeq = (await jsm.streams.info(EVENT_STREAM)).state.last_seq;
  const consumers = await Promise.all(
    src.consumers.map(async (c) =>
      toConsumerStats(await jsm.consumers.info(EVENT_STREAM, c.durable), lastSeq, c.counters()),
    ),
  );
  return {
    service: src.service,
    startedAt: src.startedAt.toISOString(),
    uptimeSeconds: process.uptime(),
    consumers,
    deadLetters: await deadLetters(src.db),
  };
}
