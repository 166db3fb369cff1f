/*
 * Bounded sign-offs (POST …/branches/:code/…): each is sent with an Idempotency-Key, one per user intent,
 * and the same key again when the same submission is sent again, so the server never does it twice.
 *
 *   200 → the answer.
 *   202 {status:'accepted', location} → taken and recorded; GET `location` every POLL_EVERY_MS (202 while
 *         pending, then the answer or a refusal) for POLL_FOR_MS, then "still processing" (not an error).
 *   503 (Retry-After), no answer within REQUEST_TIMEOUT_MS, or no connection → not taken: the caller may
 *         send it again (same body, same key), not before Retry-After.
 *
 * Pure apart from the transport it is given (api.ts gives the real one; tests give a fake).
 */

export const REQUEST_TIMEOUT_MS = 20_000;
export const POLL_EVERY_MS = 2_000;
export const POLL_FOR_MS = 60_000;
/** A Retry-After longer than this is not waited for in full before a retry. */
const MAX_RETRY_WAIT_MS = 30_000;

/** An answer of the server (a refusal is thrown by the transport), or a request that was not taken. */
export type Sent =
  | { kind: 'answered'; status: number; body: unknown; location: string | null }
  | { kind: 'not-taken'; retryAfterMs: number };

export interface CommandTransport {
  post(path: string, body: unknown, idempotencyKey: string): Promise<Sent>;
  get(location: string): Promise<Sent>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** The command was not taken (busy, timed out, offline): send it again, with the same key. */
export class NotTakenError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('not taken');
  }
}

/** The command was taken, and its answer had not come after polling for a while: look again later. */
export class StillProcessingError extends Error {
  constructor() {
    super('still processing');
  }
}

export type Outcome<T> = { status: 'done'; value: T } | { status: 'processing' };

/** A fresh key: 32 hex digits (crypto.getRandomValues works on plain http too, unlike randomUUID). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Where a 202 says to look: the body's `location`, else the Location header. */
function locationOf(sent: Extract<Sent, { kind: 'answered' }>): string | null {
  const body = sent.body as { location?: unknown } | null;
  return typeof body?.location === 'string' ? body.location : sent.location;
}

/** One attempt of a command with `key`: its answer, or `processing` after polling for POLL_FOR_MS. */
export async function runCommand<T>(
  transport: CommandTransport,
  path: string,
  body: unknown,
  key: string,
  onAccepted: () => void = () => undefined,
): Promise<Outcome<T>> {
  const first = await transport.post(path, body, key);
  if (first.kind === 'not-taken') throw new NotTakenError(first.retryAfterMs);
  if (first.status !== 202) return { status: 'done', value: first.body as T };
  const location = locationOf(first);
  onAccepted();
  if (!location) return { status: 'processing' };
  const until = transport.now() + POLL_FOR_MS;
  while (transport.now() < until) {
    await transport.sleep(POLL_EVERY_MS);
    // A poll that fails on the way is tried again: the command itself is recorded.
    const next = await transport.get(location);
    if (next.kind === 'answered' && next.status !== 202) return { status: 'done', value: next.body as T };
  }
  return { status: 'processing' };
}

interface Intent {
  key: string;
  /** Not sent again before this instant (Retry-After). */
  notBefore: number;
}

/**
 * The commands as the console sends them: `send(path, body)` answers the command's result, or throws
 * NotTakenError, StillProcessingError, or the transport's refusal. An intent (the same path and body) that
 * was not taken or is still processing keeps its key, so sending it again is the same command; an
 * answer or a refusal ends it, and the next submission is a new one.
 */
export function commander(transport: CommandTransport) {
  const intents = new Map<string, Intent>();
  return async function send<T>(path: string, body: unknown, onAccepted?: () => void): Promise<T> {
    const id = `${path}\n${JSON.stringify(body)}`;
    const intent = intents.get(id) ?? { key: newIdempotencyKey(), notBefore: 0 };
    intents.set(id, intent);
    const wait = Math.min(intent.notBefore - transport.now(), MAX_RETRY_WAIT_MS);
    if (wait > 0) await transport.sleep(wait);
    let outcome: Outcome<T>;
    try {
      outcome = await runCommand<T>(transport, path, body, intent.key, onAccepted);
    } catch (err) {
      if (err instanceof NotTakenError) intent.notBefore = transport.now() + err.retryAfterMs;
      else intents.delete(id);
      throw err;
    }
    if (outcome.status === 'processing') throw new StillProcessingError();
    intents.delete(id);
    return outcome.value;
  };
}
