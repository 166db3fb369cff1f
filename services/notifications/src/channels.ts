import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookKind } from '@fivestar/contracts';
import type { Logger } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import type { NoticeKind, NotificationsDB } from './db';
import {
  checkWebhookTarget,
  NOTHING_ALLOWED,
  pinnedLookup,
  systemResolver,
  WebhookTargetRefused,
  type CheckedTarget,
  type Resolver,
  type WebhookAllowList,
} from './webhook-targets';

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

/** Of a robot's answer, only this much is read (enough for its JSON, or to quote an error page). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** `promise`, or a rejection once `signal` aborts (DNS cannot be cancelled, but need not be waited for). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** POSTs JSON to a checked target, connecting only to its checked addresses; answers status and text. */
function postJson(
  target: CheckedTarget,
  body: unknown,
  signal: AbortSignal,
): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        lookup: pinnedLookup(target.addresses),
        // A fresh connection each time: no pooled socket outlives the check it was made under.
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Posts to a group robot with a timeout. The target is checked first (webhook-targets.ts): one that
 * resolves to a private, loopback, … address not allowed by WEBHOOK_ALLOWED_HOSTS is refused with
 * WebhookTargetRefused (the worker dead-letters it at once), and the request connects to exactly the
 * addresses checked. A non-2xx answer fails (redirects are not followed); so does a 200 whose JSON
 * carries a non-zero `errcode` (how both robots report errors such as a bad key or rate limiting).
 */
export class WebhookChannel implements Channel<WebhookTarget> {
  readonly name = 'webhook';
  constructor(
    private readonly timeoutMs = 5000,
    private readonly allow: WebhookAllowList = NOTHING_ALLOWED,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  async deliver(notice: OutgoingNotice, target: WebhookTarget): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    let answer: { status: number; text: string };
    try {
      const checked = await abortable(checkWebhookTarget(target.url, this.allow, this.resolve), abort.signal);
      answer = await postJson(checked, webhookPayload(target.kind, notice), abort.signal);
    } catch (err) {
      if (err instanceof WebhookTargetRefused) throw err;
      if (abort.signal.aborted) throw new Error(`timed out after ${this.timeoutMs} ms`);
      throw new Error((err as Error).message);
    } finally {
      clearTimeout(timer);
    }
    const { status, text } = answer;
    if (status < 200 || status > 299) throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
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
