import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { EVENT_STREAM, EVENT_SUBJECTS } from '@fivestar/contracts';
import type { Logger } from './logger';

export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({ servers: url, name, maxReconnectAttempts: -1 });
}

const NANOS_PER_SECOND = 1_000_000_000;
/** Long enough that a retried publish activity (minutes of backoff) is still deduplicated. */
export const DUPLICATE_WINDOW_SECONDS = 2 * 60 * 60;

/** Creates or updates the event stream (idempotent). Only nats-server 2.9 features. */
export async function ensureEventStream(nc: NatsConnection, log: Logger): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: EVENT_STREAM,
    subjects: [EVENT_SUBJECTS],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: DUPLICATE_WINDOW_SECONDS * NANOS_PER_SECOND,
    num_replicas: 1,
  };
  try {
    await jsm.streams.info(EVENT_STREAM);
    await jsm.streams.update(EVENT_STREAM, config);
    log.info({ stream: EVENT_STREAM }, 'stream up to date');
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add(config);
    log.info({ stream: EVENT_STREAM }, 'stream created');
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && /not found/i.test(err.message);
}

export function jetstreamClient(nc: NatsConnection): JetStreamClient {
  return jetstream(nc);
}

export type { NatsConnection, JetStreamClient };
