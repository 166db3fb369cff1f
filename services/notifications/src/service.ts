import {
  connectNats,
  createDb,
  rebuildFromStream,
  runConsumer,
  serveEndpoints,
  type Config,
  type Logger,
  type NatsConnection,
} from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import { SCHEMA, type NotificationsDB, type NotificationsTables } from './db';
import { handleEvent, truncateModel } from './handlers';
import { inbox, markRead } from './queries';

export const SERVICE_NAME = 'notifications';

export interface NotificationsServiceOptions {
  config: Config;
  log: Logger;
  /** Durable consumer name; tests pass their own so they never share acks with a running service. */
  durable?: string;
}

/** Runs the durable event consumer and the `inbox` / `markRead` endpoints until `stop()`. */
export async function startNotificationsService(
  opts: NotificationsServiceOptions,
): Promise<{ stop(): Promise<void> }> {
  const log = opts.log.child({ service: SERVICE_NAME });
  const db = createDb<NotificationsDB>(opts.config.databaseUrl, SCHEMA);
  const nc = await connectNats(opts.config.natsUrl, `fivestar-${SERVICE_NAME}`);
  const stops: Array<() => Promise<void>> = [() => nc.close(), () => db.destroy()];
  const stop = async () => {
    for (const s of stops.splice(0)) await s();
  };
  try {
    const consumer = await runConsumer<NotificationsTables>({
      nc,
      db,
      durable: opts.durable ?? SERVICE_NAME,
      handle: handleEvent,
      log,
    });
    stops.unshift(() => consumer.stop());
    const endpoints = await serveEndpoints(
      nc,
      'notifications',
      { inbox: (req) => inbox(db, req), markRead: (req) => markRead(db, req) },
      log,
    );
    stops.unshift(() => endpoints.stop());
    // Return only once the server has our subscriptions: a request right after start finds a responder.
    await nc.flush();
  } catch (err) {
    await stop();
    throw err;
  }
  log.info('notifications service started');
  return { stop };
}

/**
 * Rebuilds the model from the stream (stop the service first). Read marks are a person's action, not
 * an event, so they are carried over by (event_id, user_id); notice ids are renumbered.
 */
export async function rebuildNotifications(
  db: Kysely<NotificationsDB>,
  nc: NatsConnection,
  log: Logger,
): Promise<{ applied: number }> {
  const reads = await db
    .selectFrom('notices')
    .select(['event_id', 'user_id', 'read_at'])
    .where('read_at', 'is not', null)
    .execute();
  const result = await rebuildFromStream<NotificationsTables>({
    nc,
    db,
    handle: handleEvent,
    truncate: truncateModel,
    log,
  });
  for (let i = 0; i < reads.length; i += 5000) {
    const chunk = reads.slice(i, i + 5000);
    await sql`
      UPDATE notices n SET read_at = r.read_at
      FROM unnest(${chunk.map((r) => r.event_id)}::text[], ${chunk.map((r) => r.user_id)}::text[],
                  ${chunk.map((r) => r.read_at)}::timestamptz[]) AS r(event_id, user_id, read_at)
      WHERE n.event_id = r.event_id AND n.user_id = r.user_id`.execute(db);
  }
  return result;
}
