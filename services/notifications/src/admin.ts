import { randomUUID } from 'node:crypto';
import { within, type Delivery, type Viewer, type Webhook } from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf, type ResultOf } from '@fivestar/platform';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DeliveriesTable, NotificationsDB, WebhooksTable } from './db';
import { eventFields, isoOrNull } from './rows';
import {
  assertWebhookTarget,
  NOTHING_ALLOWED,
  systemResolver,
  WebhookTargetRefused,
  type Resolver,
  type WebhookAllowList,
} from './webhook-targets';

/** Webhooks and deliveries are system configuration: administrators only, each over its own area. */
function requireAdmin(viewer: Viewer): void {
  if (viewer.role !== 'admin') throw new RequestError('forbidden', '需要角色：admin');
}

function toWebhook(row: Selectable<WebhooksTable>): Webhook {
  return { id: row.id, jurisdiction: row.jurisdiction, kind: row.kind, url: row.url, active: row.active };
}

function toDelivery(row: Selectable<DeliveriesTable>): Delivery {
  return {
    ...eventFields(row),
    channel: row.channel,
    webhookId: row.webhook_id,
    userId: row.user_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    lastError: row.last_error,
    sentAt: isoOrNull(row.sent_at),
  };
}

export async function listWebhooks(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'webhooks'>,
): Promise<ResultOf<'notifications', 'webhooks'>> {
  requireAdmin(req.viewer);
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('jurisdiction', 'like', `${req.viewer.jurisdiction}%`)
    .orderBy('jurisdiction')
    .orderBy('id')
    .execute();
  return { items: rows.map(toWebhook) };
}

/**
 * Creates a webhook (new id) or replaces the one named, both inside the administrator's jurisdiction
 * (else `forbidden`); it hears events applied from then on. Its URL must resolve to public addresses
 * only, or to what `allow` (WEBHOOK_ALLOWED_HOSTS) allows: else `invalid`, which the API answers as a
 * 400 naming `body.url` (the only part of the request this service judges).
 */
export async function upsertWebhook(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'upsertWebhook'>,
  allow: WebhookAllowList = NOTHING_ALLOWED,
  resolve: Resolver = systemResolver,
): Promise<ResultOf<'notifications', 'upsertWebhook'>> {
  requireAdmin(req.viewer);
  const w = req.webhook;
  if (!within(req.viewer.jurisdiction, w.jurisdiction))
    throw new RequestError('forbidden', `${w.jurisdiction} 不在您的管辖范围内`);
  try {
    await assertWebhookTarget(w.url, allow, resolve);
  } catch (err) {
    if (err instanceof WebhookTargetRefused) throw new RequestError('invalid', err.detail);
    throw err;
  }
  const row = await db
    .insertInto('webhooks')
    .values({
      id: w.id ?? randomUUID(),
      jurisdiction: w.jurisdiction,
      kind: w.kind,
      url: w.url,
      active: w.active,
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet((eb) => ({
          jurisdiction: eb.ref('excluded.jurisdiction'),
          kind: eb.ref('excluded.kind'),
          url: eb.ref('excluded.url'),
          active: eb.ref('excluded.active'),
          updated_at: sql<string>`now()`,
        }))
        // Another county's webhook is never taken over by naming its id.
        .where('webhooks.jurisdiction', 'like', `${req.viewer.jurisdiction}%`),
    )
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new RequestError('forbidden', `webhook ${w.id} 不在您的管辖范围内`);
  return toWebhook(row);
}

/** Deliveries inside `jurisdiction`: to its webhooks or to its users (others are invisible). */
function deliveriesWithin(db: Kysely<NotificationsDB>, jurisdiction: string) {
  const inside = `${jurisdiction}%`;
  return db
    .selectFrom('deliveries')
    .leftJoin('webhooks', 'webhooks.id', 'deliveries.webhook_id')
    .leftJoin('recipients', 'recipients.user_id', 'deliveries.user_id')
    .where((eb) =>
      eb.or([eb('webhooks.jurisdiction', 'like', inside), eb('recipients.jurisdiction', 'like', inside)]),
    );
}

/**
 * Deliveries newest first, optionally of one status (`dead` is the dead-letter list) or of one event
 * (the delivery status of a notice, per webhook).
 */
export async function listDeliveries(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'deliveries'>,
): Promise<ResultOf<'notifications', 'deliveries'>> {
  requireAdmin(req.viewer);
  let q = deliveriesWithin(db, req.viewer.jurisdiction)
    .selectAll('deliveries')
    .orderBy('deliveries.id', 'desc')
    .limit(req.limit);
  if (req.status) q = q.where('deliveries.status', '=', req.status);
  if (req.eventId) q = q.where('deliveries.event_id', '=', req.eventId);
  return { items: (await q.execute()).map(toDelivery) };
}

/**
 * Puts a dead (or failed) delivery back in the queue, due now, with a fresh count of attempts. A sent
 * delivery is never sent again (`conflict`).
 */
export async function retryDelivery(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'retryDelivery'>,
): Promise<ResultOf<'notifications', 'retryDelivery'>> {
  requireAdmin(req.viewer);
  const visible = deliveriesWithin(db, req.viewer.jurisdiction).where('deliveries.id', '=', req.id);
  const row = await db
    .updateTable('deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql<string>`now()` })
    .where('id', 'in', visible.select('deliveries.id'))
    .where('status', 'in', ['dead', 'failed'])
    .returningAll()
    .executeTakeFirst();
  if (row) return toDelivery(row);
  const exists = await visible.select('deliveries.status').executeTakeFirst();
  if (!exists) throw new RequestError('not_found', `没有该投递记录：${req.id}`);
  throw new RequestError('conflict', `投递状态为 ${exists.status}，无需重试`);
}
