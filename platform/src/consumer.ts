import {
  AckPolicy,
  DeliverPolicy,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  EVENT_STREAM,
  EVENT_SUBJECTS,
  parseEvent,
  type FivestarEvent,
  type HandlerCounters,
} from '@fivestar/contracts';
import { sql, type Generated, type Kysely, type Transaction } from 'kysely';
import { ZodError } from 'zod';
import { jetstreamClient } from './nats';
import type { Logger } from './logger';

/** Tables every consuming service has (see `createConsumerTables`). */
export interface ConsumerTables {
  processed_events: { event_id: string; stream_seq: string; processed_at: Generated<Date> };
  dead_letters: {
    id: Generated<string>;
    stream_seq: string;
    subject: string;
    event_id: string | null;
    error: string;
    payload: string;
    created_at: Generated<Date>;
  };
}

export type EventHandler<DB> = (trx: Transaction<DB & ConsumerTables>, event: FivestarEvent) => Promise<void>;

/** For a service's first migration: the processed-event ledger and the dead-letter list. */
export async function createConsumerTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('processed_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('stream_seq', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('stream_seq', 'bigint', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

/**
 * Applies one event exactly once: its id is recorded in the same transaction as the handler's effect,
 * so a redelivered or replayed event changes nothing. Returns false when it had been applied before.
 */
export async function applyOnce<DB>(
  db: Kysely<DB & ConsumerTables>,
  event: FivestarEvent,
  streamSeq: number,
  handle: EventHandler<DB>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const t = trx as unknown as Transaction<ConsumerTables>;
    const inserted = await t
      .insertInto('processed_events')
      .values({ event_id: event.id, stream_seq: String(streamSeq) })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!inserted) return false;
    await handle(trx, event);
    return true;
  });
}

async function recordDeadLetter(db: Kysely<ConsumerTables>, msg: JsMsg, error: string): Promise<void> {
  let eventId: string | null = null;
  try {
    const raw = msg.json<{ id?: unknown }>();
    eventId = typeof raw.id === 'string' ? raw.id : null;
  } catch {
    eventId = null;
  }
  await db
    .insertInto('dead_letters')
    .values({
      stream_seq: String(msg.seq),
      subject: msg.subject,
      event_id: eventId,
      error,
      payload: msg.string(),
    })
    .execute();
}

export interface ConsumerOptions<DB> {
  nc: NatsConnection;
  db: Kysely<DB & ConsumerTables>;
  durable: string;
  handle: EventHandler<DB>;
  log: Logger;
  /** Deliveries before a failing (not poison) message is parked in the dead-letter list. */
  maxDeliver?: number;
}

export interface RunningConsumer {
  durable: string;
  /** What the runner has counted since it started (a copy). */
  counters(): HandlerCounters;
  stop(): Promise<void>;
}

/** Ensures the durable consumer exists (idempotent). Explicit ack; bounded redelivery. */
export async function ensureDurable(nc: NatsConnection, durable: string, maxDeliver: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(EVENT_STREAM, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: EVENT_SUBJECTS,
    max_deliver: maxDeliver,
    ack_wait: 30 * 1_000_000_000,
    max_ack_pending: 1000,
  });
}

/**
 * Runs a durable consumer: validates each event against contracts, applies it once, acks. A message
 * that fails validation is poison: recorded in dead_letters and acked, so the consumer keeps going.
 * A handler failure is retried with backoff; on the last allowed delivery it is dead-lettered too.
 */
export async function runConsumer<DB>(opts: ConsumerOptions<DB>): Promise<RunningConsumer> {
  const maxDeliver = opts.maxDeliver ?? 8;
  await ensureDurable(opts.nc, opts.durable, maxDeliver);
  const consumer = await jetstreamClient(opts.nc).consumers.get(EVENT_STREAM, opts.durable);
  const dl = opts.db as unknown as Kysely<ConsumerTables>;
  const log = opts.log.child({ consumer: opts.durable });
  const counted: HandlerCounters = { applied: 0, duplicates: 0, failedAttempts: 0, deadLettered: 0 };

  /** Handles one message; never throws (a failure is a nak with backoff, then the dead-letter list). */
  async function handle(msg: JsMsg): Promise<void> {
    let event: FivestarEvent;
    try {
      event = parseEvent(msg.json());
    } catch (err) {
      const error = err instanceof ZodError ? JSON.stringify(err.issues) : String(err);
      log.warn({ seq: msg.seq, subject: msg.subject, error }, 'poison message dead-lettered');
      await recordDeadLetter(dl, msg, error);
      counted.deadLettered++;
      msg.ack();
      return;
    }
    try {
      const applied = await applyOnce(opts.db, event, msg.seq, opts.handle);
      log.debug({ eventId: event.id, type: event.type, applied }, 'event handled');
      counted[applied ? 'applied' : 'duplicates']++;
      msg.ack();
    } catch (err) {
      const deliveries = msg.info.deliveryCount;
      log.error({ eventId: event.id, type: event.type, deliveries, err }, 'event handler failed');
      counted.failedAttempts++;
      if (deliveries >= maxDeliver) {
        await recordDeadLetter(dl, msg, String(err));
        counted.deadLettered++;
        msg.ack();
      } else {
        msg.nak(Math.min(30_000, 500 * 2 ** deliveries));
      }
    }
  }

  // The pull iterator can end under load or a server hiccup (missed heartbeats); a consumer that
  // silently stopped would leave its read model stale, so it resumes until stop() is called.
  let stopped = false;
  let messages: ConsumerMessages | null = null;
  const loop = (async () => {
    while (!stopped) {
      try {
        messages = await consumer.consume({ max_messages: 100 });
        for await (const msg of messages) {
          try {
            await handle(msg);
          } catch (err) {
            log.error({ err, seq: msg.seq }, 'message not settled; it will be redelivered');
          }
        }
      } catch (err) {
        log.warn({ err }, 'event consumption interrupted; resuming');
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();

  return {
    durable: opts.durable,
    counters: () => ({ ...counted }),
    async stop() {
      stopped = true;
      await messages?.close();
      await loop;
    },
  };
}

/**
 * Rebuilds a read model from the stream: empties it (and the processed-event ledger), then applies
 * every stored event in order with an ordered (ephemeral) consumer, up to the stream's last sequence.
 */
export async function rebuildFromStream<DB>(opts: {
  nc: NatsConnection;
  db: Kysely<DB & ConsumerTables>;
  handle: EventHandler<DB>;
  truncate: (trx: Transaction<DB & ConsumerTables>) => Promise<void>;
  log: Logger;
}): Promise<{ applied: number }> {
  await opts.db.transaction().execute(async (trx) => {
    await opts.truncate(trx);
    await (trx as unknown as Transaction<ConsumerTables>).deleteFrom('processed_events').execute();
  });
  const jsm = await jetstreamManager(opts.nc);
  const last = (await jsm.streams.info(EVENT_STREAM)).state.last_seq;
  let applied = 0;
  if (last === 0) return { applied };
  const consumer = await jetstreamClient(opts.nc).consumers.get(EVENT_STREAM);
  const messages = await consumer.consume();
  for await (const msg of messages) {
    try {
      if (await applyOnce(opts.db, parseEvent(msg.json()), msg.seq, opts.handle)) applied++;
    } catch (err) {
      opts.log.warn({ seq: msg.seq, err: String(err) }, 'rebuild skipped an invalid event');
    }
    if (msg.seq >= last) break;
  }
  await messages.close();
  opts.log.info({ applied, lastSeq: last }, 'read model rebuilt');
  return { applied };
}
