import type { WebhookKind } from '@fivestar/contracts';
import type { Logger } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import type { NoticeKind, NotificationsDB } from './db';

/** What a channel delivers: one notice as produced for one event, or a daily digest. */
export interface OutgoingNotice {
  /** The event; for a digest `digest/<day>`. */
  eventId: string;
  /** null for a digest (it sums up several kinds). */
  kind: NoticeKind | null;
  title: string;
  body: string;
}

/**
 * A way of telling someone. `deliver` resolves when the channel has accepted the notice and rejects
 * (with a message worth showing an admin) when it has not; retrying is the caller's business.
 */
export interface Channel<Target> {
  readonly name: string;
  deliver(notice: OutgoingNotice, target: Target): Promise<void>;
}

// ---- inbox ----------------------------------------------------------------------------------------

export interface InboxTarget {
  userId: string;
  roundId: string | null;
  branchId: string | null;
  workKey: string | null;
  createdAt: string;
}

/**
 * The inbox as a channel: one notice row for one user, idempotent by (event, user). The event handler
 * fans out to whole groups with one set-based insert of the same rows (handlers.ts); this is the
 * per-user form of it.
 */
export class InboxChannel implements Channel<InboxTarget> {
  readonly name = 'inbox';
  constructor(private readonly db: Kysely<NotificationsDB>) {}

  async deliver(notice: OutgoingNotice, target: InboxTarget): Promise<void> {
    // The inbox holds the notices themselves; a digest only sums them up.
    if (notice.kind === null) throw new Error('a digest is not an inbox notice');
    await this.db
      .insertInto('notices')
      .values({
        event_id: notice.eventId,
        user_id: target.userId,
        kind: notice.kind,
        title: notice.title,
        body: notice.body,
        round_id: target.roundId,
        branch_id: target.branchId,
        work_key: target.workKey,
        escalation_level: null,
        created_at: target.createdAt,
      })
      .onConflict((oc) => oc.columns(['event_id', 'user_id']).doNothing())
      .execute();
  }
}

// ---- webhook (WeCom / DingTalk group robots) ------------------------------------------------------

export interface WebhookTarget {
  kind: WebhookKind;
  url: string;
}

/** The JSON a group robot expects: WeCom `markdown.content`, DingTalk `markdown.title` + `markdown.text`. */
export function webhookPayload(kind: WebhookKind, notice: OutgoingNotice): unknown {
  const text = `### ${notice.title}\n${notice.body}`;
  if (kind === 'wecom') return { msgtype: 'markdown', markdown: { content: text } };
  return { msgtype: 'markdown', markdown: { title: notice.title, text } };
}

/**
 * Posts to a group robot with a timeout. A non-2xx answer fails; so does a 200 whose JSON carries a
 * non-zero `errcode` (how both robots report errors such as a bad key or rate limiting).
 */
export class WebhookChannel implements Channel<WebhookTarget> {
  readonly name = 'webhook';
  constructor(private readonly timeoutMs = 5000) {}

  async deliver(notice: OutgoingNotice, target: WebhookTarget): Promise<void> {
    let res: Response;
    try {
      res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookPayload(target.kind, notice)),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const e = err as Error;
      throw new Error(e.name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : String(e.message));
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    let errcode: unknown = 0;
    try {
      errcode = (JSON.parse(text) as { errcode?: unknown }).errcode ?? 0;
    } catch {
      errcode = 0;
    }
    if (errcode !== 0) throw new Error(`robot answered errcode ${String(errcode)}: ${text.slice(0, 200)}`);
  }
}

// ---- email / SMS ----------------------------------------------------------------------------------

/** An address: an email address for email, a phone number for SMS. */
export interface AddressTarget {
  address: string;
}

/**
 * Email and SMS adapters: no provider is wired in; these log what would be sent, so a provider can be
 * dropped in behind the same interface.
 */
export class LoggingChannel implements Channel<AddressTarget> {
  constructor(
    readonly name: 'email' | 'sms',
    private readonly log: Logger,
  ) {}

  deliver(notice: OutgoingNotice, target: AddressTarget): Promise<void> {
    this.log.info(
      { channel: this.name, to: target.address, eventId: notice.eventId, title: notice.title },
      `${this.name} notice (logged, not sent)`,
    );
    return Promise.resolve();
  }
}
