import {
  createDb,
  rebuildFromStream,
  startReadModelService,
  type Logger,
  type NatsConnection,
  type ReadModelOptions,
  type Stoppable,
} from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import { SCHEMA, type NotificationsDB, type NotificationsTables } from './db';
import { handleEvent, handleEventWithoutDeliveries, truncateModel } from './handlers';
import { listDeliveries, listWebhooks, retryDelivery, upsertWebhook } from './admin';
import { startDeliveryWorker, type DeliveryOptions } from './deliveries';
import { inbox, markRead } from './queries';

export interface NotificationsServiceOptions extends ReadModelOptions {
  /** Webhook delivery worker settings (defaults: DEFAULT_DELIVERY_OPTIONS); tests pass short delays. */
  delivery?: Partial<DeliveryOptions>;
}

/**
 * Runs the durable event consumer, the endpoints (inbox, markRead, and the admin's webhooks and
 * deliveries) and the webhook delivery worker until `stop()`.
 */
export async function startNotificationsService(opts: NotificationsServiceOptions): Promise<Stoppable> {
  const readModel = await startReadModelService<NotificationsTables, 'notifications'>(
    {
      service: 'notifications',
      schema: SCHEMA,
      handle: handleEvent,
      endpoints: (db) => ({
        inbox: (req) => inbox(db, req),
        markRead: (req) => markRead(db, req),
        webhooks: (req) => listWebhooks(db, req),
        upsertWebhook: (req) => upsertWebhook(db, req),
        deliveries: (req) => listDeliveries(db, req),
        retryDelivery: (req) => retryDelivery(db, req),
      }),
    },
    opts,
  );
  // The worker holds a row lock while it posts: a pool of its own keeps it off the consumer's.
  const db = createDb<NotificationsDB>(opts.config.databaseUrl, SCHEMA, 2);
  const worker = startDeliveryWorker(
    db,
    opts.log.child({ service: 'notifications', worker: 'delivery' }),
    opts.delivery,
  );
  return {
    async stop() {
      await readModel.stop();
      await worker.stop();
      await db.destroy();
    },
  };
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
    handle: handleEventWithoutDeliveries,
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
