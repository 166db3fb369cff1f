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
import { startDeliveryWorker, type DeliveryOptions, type UserChannels } from './deliveries';
import { sendDigests } from './digests';
import { preferences, setPreferences } from './preferences';
import { archive, inbox, markRead } from './queries';
import { parseWebhookAllowList, webhookAllowListFromEnv } from './webhook-targets';

export interface NotificationsServiceOptions extends ReadModelOptions {
  /** Delivery worker settings (defaults: DEFAULT_DELIVERY_OPTIONS); tests pass short delays. */
  delivery?: Partial<DeliveryOptions>;
  /** Email and SMS adapters (default: the logging ones); tests pass recording ones. */
  userChannels?: UserChannels;
  /**
   * Hosts, addresses and CIDRs webhooks may reach although private, loopback, … (docs/security.md,
   * Webhook targets); default `WEBHOOK_ALLOWED_HOSTS`, else none. Tests posting to 127.0.0.1 allow it.
   */
  webhookAllowedHosts?: readonly string[];
}

/**
 * Runs the durable event consumer, the endpoints (inbox, markRead, archive, preferences, the daily
 * digest, and the admin's webhooks and deliveries) and the delivery worker until `stop()`.
 */
export async function startNotificationsService(opts: NotificationsServiceOptions): Promise<Stoppable> {
  const allow = opts.webhookAllowedHosts
    ? parseWebhookAllowList(opts.webhookAllowedHosts)
    : webhookAllowListFromEnv();
  const readModel = await startReadModelService<NotificationsTables, 'notifications'>(
    {
      service: 'notifications',
      schema: SCHEMA,
      handle: handleEvent,
      endpoints: (db) => ({
        inbox: (req) => inbox(db, req),
        markRead: (req) => markRead(db, req),
        archive: (req) => archive(db, req),
        preferences: (req) => preferences(db, req),
        setPreferences: (req) => setPreferences(db, req),
        sendDigests: (req) => sendDigests(db, req),
        webhooks: (req) => listWebhooks(db, req),
        upsertWebhook: (req) => upsertWebhook(db, req, allow),
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
    opts.userChannels,
    allow,
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
 * Rebuilds the model from the stream (stop the service first). Read and archive marks are a person's
 * actions, not events, so they are carried over by (event_id, user_id); notice ids are renumbered.
 * Preferences (user settings) and webhooks are not touched; no email, SMS or webhook is sent again.
 */
export async function rebuildNotifications(
  db: Kysely<NotificationsDB>,
  nc: NatsConnection,
  log: Logger,
): Promise<{ applied: number }> {
  const marks = await db
    .selectFrom('notices')
    .select(['event_id', 'user_id', 'read_at', 'archived_at'])
    .where((eb) => eb.or([eb('read_at', 'is not', null), eb('archived_at', 'is not', null)]))
    .execute();
  const result = await rebuildFromStream<NotificationsTables>({
    nc,
    db,
    handle: handleEventWithoutDeliveries,
    truncate: truncateModel,
    log,
  });
  for (let i = 0; i < marks.length; i += 5000) {
    const chunk = marks.slice(i, i + 5000);
    await sql`
      UPDATE notices n SET read_at = m.read_at, archived_at = m.archived_at
      FROM unnest(${chunk.map((m) => m.event_id)}::text[], ${chunk.map((m) => m.user_id)}::text[],
                  ${chunk.map((m) => m.read_at)}::timestamptz[],
                  ${chunk.map((m) => m.archived_at)}::timestamptz[])
        AS m(event_id, user_id, read_at, archived_at)
      WHERE n.event_id = m.event_id AND n.user_id = m.user_id`.execute(db);
  }
  return result;
}
