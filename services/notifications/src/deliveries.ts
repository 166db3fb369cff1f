import type { Logger } from '@fivestar/platform';
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  LoggingChannel,
  WebhookChannel,
  type AddressTarget,
  type Channel,
  type WebhookTarget,
} from './channels';
import type { NotificationsDB } from './db';
import type { NoticeDraft } from './notices';
import { NOTHING_ALLOWED, WebhookTargetRefused, type WebhookAllowList } from './webhook-targets';

/** How the delivery worker polls and retries. Tests pass short delays. */
export interface DeliveryOptions {
  /** Pause between polls when nothing was due (ms). */
  pollMs: number;
  /** Delay after the first failed attempt; doubles with each further failure (ms). */
  baseDelayMs: number;
  /** Upper bound of the delay (ms). */
  maxDelayMs: number;
  /** Attempts before a delivery is dead (kept in the dead-letter list for an admin to retry). */
  maxAttempts: number;
  /** Timeout of one POST (ms). */
  timeoutMs: number;
  /** Deliveries claimed per poll. */
  batch: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  pollMs: 1000,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  maxAttempts: 8,
  timeoutMs: 5000,
  batch: 20,
};

/** The wait before attempt `attempts + 1` after `attempts` failures: base, 2×base, 4×base, … capped. */
export function backoffMs(
  attempts: number,
  opts: Pick<DeliveryOptions, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const n = Math.max(1, attempts);
  return Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.min(n - 1, 30));
}

/** The channels deliveries go out by. */
export interface DeliveryChannels {
  webhook: Channel<WebhookTarget>;
  email: Channel<AddressTarget>;
  sms: Channel<AddressTarget>;
}

/** Email and SMS: the logging adapters unless others are given (tests pass recording ones). */
export type UserChannels = Pick<DeliveryChannels, 'email' | 'sms'>;
export const loggingUserChannels = (log: Logger): UserChannels => ({
  email: new LoggingChannel('email', log),
  sms: new LoggingChannel('sms', log),
});

/**
 * Records, inside the handler's transaction, one delivery per active webhook whose jurisdiction
 * contains one of the notice's groups, and one per recipient and channel they chose to hear this kind
 * on at once (email / SMS, to the address they gave). The (event, webhook) and (event, user, channel)
 * keys make a second arrival of the event a no-op.
 */
export async function enqueueDeliveries(
  trx: Transaction<NotificationsDB>,
  eventId: string,
  draft: NoticeDraft,
): Promise<void> {
  await enqueueWebhookDeliveries(trx, eventId, draft);
  await enqueueUserDeliveries(trx, eventId);
}

/**
 * The email / SMS the recipients of the notices of `eventId` asked to have at once for their kind (the
 * address they gave); (event, user, channel) is unique, so each user is sent a notice once.
 */
export async function enqueueUserDeliveries(
  trx: Transaction<NotificationsDB>,
  eventId: string,
): Promise<void> {
  await sql`
    INSERT INTO deliveries (event_id, channel, user_id, address, kind, title, body, next_attempt_at)
    SELECT n.event_id, c.channel, n.user_id, c.address, n.kind, n.title, n.body, now()
    FROM notices n
    JOIN preferences p ON p.user_id = n.user_id
    CROSS JOIN LATERAL jsonb_array_elements_text(p.kinds -> n.kind -> 'channels') AS ch(channel)
    CROSS JOIN LATERAL (SELECT ch.channel,
                          CASE ch.channel WHEN 'email' THEN p.email ELSE p.mobile END AS address) c
    WHERE n.event_id = ${eventId} AND p.kinds -> n.kind ->> 'mode' = 'immediate' AND c.address IS NOT NULL
    ON CONFLICT (event_id, user_id, channel) DO NOTHING`.execute(trx);
}

async function enqueueWebhookDeliveries(
  trx: Transaction<NotificationsDB>,
  eventId: string,
  draft: NoticeDraft,
): Promise<void> {
  const areas = draft.groups.map((g) => g.jurisdiction);
  await trx
    .insertInto('deliveries')
    .columns(['event_id', 'webhook_id', 'kind', 'title', 'body', 'next_attempt_at'])
    .expression((eb) =>
      eb
        .selectFrom('webhooks')
        .select([
          sql<string>`${eventId}::text`.as('event_id'),
          'id',
          sql<string>`${draft.kind}::text`.as('kind'),
          sql<string>`${draft.title}::text`.as('title'),
          sql<string>`${draft.body}::text`.as('body'),
          sql<string>`now()`.as('next_attempt_at'),
        ])
        .where('active', '=', true)
        .where(
          sql<boolean>`EXISTS (SELECT 1 FROM unnest(${areas}::text[]) a WHERE starts_with(a, jurisdiction))`,
        ),
    )
    .onConflict((oc) => oc.columns(['event_id', 'webhook_id']).doNothing())
    .execute();
}

/**
 * Claims the due deliveries (`FOR UPDATE SKIP LOCKED`, so several workers never post the same row),
 * posts each, and records the outcome in the same transaction. Returns how many were attempted.
 */
export async function deliverDue(
  db: Kysely<NotificationsDB>,
  channels: DeliveryChannels,
  opts: DeliveryOptions,
  log: Logger,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('deliveries as d')
      .leftJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select([
        'd.id',
        'd.event_id',
        'd.channel',
        'd.address',
        'd.kind',
        'd.title',
        'd.body',
        'd.attempts',
        'w.kind as webhook_kind',
        'w.url',
      ])
      .where('d.status', 'in', ['pending', 'failed'])
      .where('d.next_attempt_at', '<=', sql<Date>`now()`)
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(opts.batch)
      .forUpdate('d')
      .skipLocked()
      .execute();
    for (const d of due) {
      const attempts = d.attempts + 1;
      try {
        const notice = { eventId: d.event_id, kind: d.kind, title: d.title, body: d.body };
        // The table's check constraint guarantees the target columns of each channel.
        if (d.channel === 'webhook')
          await channels.webhook.deliver(notice, { kind: d.webhook_kind!, url: d.url! });
        else await channels[d.channel].deliver(notice, { address: d.address! });
        await trx
          .updateTable('deliveries')
          .set({ status: 'sent', attempts, sent_at: sql<string>`now()`, next_attempt_at: null })
          .where('id', '=', d.id)
          .execute();
        log.info({ deliveryId: d.id, eventId: d.event_id, channel: d.channel, attempts }, 'delivered');
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        // A target that may not be posted to (webhook-targets.ts) stays refused: dead at once, no retries.
        const refused = err instanceof WebhookTargetRefused;
        const dead = refused || attempts >= opts.maxAttempts;
        const delay = backoffMs(attempts, opts);
        await trx
          .updateTable('deliveries')
          .set({
            status: dead ? 'dead' : 'failed',
            attempts,
            last_error: error.slice(0, 1000),
            next_attempt_at: dead ? null : sql<string>`now() + make_interval(secs => ${delay / 1000})`,
          })
          .where('id', '=', d.id)
          .execute();
        log.warn(
          { deliveryId: d.id, eventId: d.event_id, channel: d.channel, attempts, dead, error },
          refused ? 'delivery refused' : 'delivery failed',
        );
      }
    }
    return due.length;
  });
}

/**
 * Runs `deliverDue` until stopped: at once again after a full batch, else after `pollMs`. Webhooks
 * post only to public addresses and to what `webhookAllowList` allows (WEBHOOK_ALLOWED_HOSTS).
 */
export function startDeliveryWorker(
  db: Kysely<NotificationsDB>,
  log: Logger,
  options: Partial<DeliveryOptions> = {},
  userChannels: UserChannels = loggingUserChannels(log),
  webhookAllowList: WebhookAllowList = NOTHING_ALLOWED,
): { stop(): Promise<void> } {
  const opts = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
  const channels = { webhook: new WebhookChannel(opts.timeoutMs, webhookAllowList), ...userChannels };
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let n = 0;
      try {
        n = await deliverDue(db, channels, opts, log);
      } catch (err) {
        log.error({ err }, 'delivery poll failed');
      }
      if (n < opts.batch && !stopped) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, opts.pollMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
