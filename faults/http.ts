/**
 * The suite's HTTP client of the API: every exchange is recorded (what the client saw, how long it
 * waited), and sign-offs are sent as the docs say a client should (docs/api.md, "Bounded answers"):
 * one Idempotency-Key per command, the same request sent again on 503, network errors and timeouts,
 * a 202 followed at its Location until the answer.
 */
import { randomBytes } from 'node:crypto';
import { BASE_URL, CLIENT_TIMEOUT_MS, COMMAND_BUDGET_MS, PASSWORD } from './config';
import { sleep } from './log';

export type ExchangeKind = 'command' | 'poll' | 'upload' | 'read' | 'login' | 'check';

/** One request and what came back: an HTTP status, or the network error the client got instead. */
export interface Exchange {
  window: string;
  kind: ExchangeKind;
  method: string;
  path: string;
  requestId: string;
  startedAt: number;
  ms: number;
  /** 0 when no HTTP answer came (see error). */
  status: number;
  /** ECONNREFUSED, ECONNRESET, timeout, … */
  error?: string;
  /** The problem's title for an error status. */
  problem?: string;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers | null;
  error?: string;
  ms: number;
  requestId: string;
}

export const exchanges: Exchange[] = [];
let window = 'setup';
/** The fault window the next requests belong to (windows run one after another). */
export function setWindow(name: string): void {
  window = name;
}
export const currentWindow = () => window;

let sequence = 0;
const run = randomBytes(3).toString('hex');
/** x-request-id of the next request: the API logs and audits it under this id (docs/audit.md). */
const nextRequestId = () => `fx-${run}-${++sequence}`;

function errorCode(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    const cause = (err as { cause?: { code?: string; name?: string; message?: string } }).cause;
    return cause?.code ?? cause?.name ?? err.message;
  }
  return String(err);
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  raw?: { data: Buffer; type: string };
  headers?: Record<string, string>;
  kind: ExchangeKind;
  timeoutMs?: number;
}

/** One request, recorded; never throws (a network error is status 0 with `error`). */
export async function request<T = unknown>(
  method: string,
  path: string,
  opts: RequestOptions,
): Promise<Answer<T>> {
  const requestId = nextRequestId();
  const headers: Record<string, string> = { 'x-request-id': requestId, ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Buffer | undefined;
  if (opts.raw) {
    headers['content-type'] = opts.raw.type;
    body = opts.raw.data;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const startedAt = Date.now();
  const exchange: Exchange = {
    window,
    kind: opts.kind,
    method,
    path,
    requestId,
    startedAt,
    ms: 0,
    status: 0,
  };
  exchanges.push(exchange);
  try {
    const res = await fetch(`${BASE_URL}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? CLIENT_TIMEOUT_MS),
    });
    const text = await res.text();
    exchange.ms = Date.now() - startedAt;
    exchange.status = res.status;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    if (res.status >= 400 && parsed && typeof parsed === 'object' && 'title' in parsed)
      exchange.problem = String((parsed as { title: unknown }).title);
    return { status: res.status, body: parsed as T, headers: res.headers, ms: exchange.ms, requestId };
  } catch (err) {
    exchange.ms = Date.now() - startedAt;
    exchange.error = errorCode(err);
    return { status: 0, body: null as T, headers: null, error: exchange.error, ms: exchange.ms, requestId };
  }
}

/** Seconds a 503 / 429 asks to wait (Retry-After), within [0.5, 5]. */
function retryAfterMs(a: Answer): number {
  const s = Number(a.headers?.get('retry-after') ?? 1);
  return Math.min(5000, Math.max(500, (Number.isFinite(s) ? s : 1) * 1000));
}

/** A demo user with a session; signs in again when the API answers 401. */
export class User {
  token = '';
  userId = '';
  constructor(readonly username: string) {}

  /** Signs in, retrying through faults for up to `budgetMs`. */
  async login(budgetMs = COMMAND_BUDGET_MS): Promise<void> {
    const deadline = Date.now() + budgetMs;
    for (;;) {
      const a = await request<{ token: string; user: { id?: string; userId?: string } }>(
        'POST',
        '/api/auth/login',
        { kind: 'login', body: { username: this.username, password: PASSWORD } },
      );
      if (a.status === 200) {
        this.token = a.body.token;
        this.userId = a.body.user.id ?? a.body.user.userId ?? '';
        return;
      }
      if (a.status !== 0 && a.status < 500 && a.status !== 429)
        throw new Error(`${this.username} cannot sign in: HTTP ${a.status}`);
      if (Date.now() > deadline) throw new Error(`${this.username} cannot sign in: ${a.error ?? a.status}`);
      await sleep(a.status === 429 ? retryAfterMs(a) : 1000);
    }
  }

  /** One request as this user; a 401 (a restarted API, an expired token) signs in again and resends once. */
  async call<T = unknown>(
    method: string,
    path: string,
    opts: Omit<RequestOptions, 'token'>,
  ): Promise<Answer<T>> {
    if (!this.token) await this.login();
    const a = await request<T>(method, path, { ...opts, token: this.token });
    if (a.status !== 401) return a;
    await this.login();
    return request<T>(method, path, { ...opts, token: this.token });
  }

  get<T = unknown>(path: string, kind: ExchangeKind = 'check'): Promise<Answer<T>> {
    return this.call<T>('GET', path, { kind });
  }
}

/** A sign-off as the client lived it: every send, every poll of its Location, and how it ended. */
export interface CommandRecord {
  window: string;
  branch: string;
  label: string;
  user: string;
  /** The Update id the API runs it as: `<user id>:<Idempotency-Key>` (services/api/src/branches/commands.ts). */
  updateId: string;
  key: string;
  path: string;
  body: unknown;
  startedAt: number;
  endedAt: number;
  sends: Exchange[];
  polls: Exchange[];
  /** acknowledged: 200, or 202 (taken); refused: a 4xx answer; unanswered: the budget ran out. */
  outcome: 'acknowledged' | 'refused' | 'unanswered';
  ackStatus?: number;
  /** The request whose answer acknowledged it (its audit entry must exist). */
  ackRequestId?: string;
  /** A 202 whose Location never answered within the budget. */
  pending?: boolean;
  refusal?: { status: number; problem?: string };
  /** An earlier send got no answer (network error, timeout, 500): it may have reached the workflow. */
  ambiguous: boolean;
  answer?: unknown;
}

export const commands: CommandRecord[] = [];

const last = <T>(xs: T[]) => xs[xs.length - 1]!;
const exchangeOf = (requestId: string) => exchanges.find((e) => e.requestId === requestId)!;

/** Sends a sign-off until it is acknowledged or refused, or the budget runs out (docs/api.md). */
export async function runCommand(
  user: User,
  branch: string,
  label: string,
  path: string,
  body: unknown,
  /** A key already used: the same command sent again (the resend check). Default: a fresh one. */
  reuseKey?: string,
): Promise<CommandRecord> {
  const key =
    reuseKey ??
    `fx-${branch.slice(-3)}-${label.replace(/[^A-Za-z0-9]+/g, '-')}-${randomBytes(3).toString('hex')}`;
  if (!user.token) await user.login();
  const rec: CommandRecord = {
    window,
    branch,
    label,
    user: user.username,
    updateId: `${user.userId}:${key}`,
    key,
    path,
    body,
    startedAt: Date.now(),
    endedAt: 0,
    sends: [],
    polls: [],
    outcome: 'unanswered',
    ambiguous: false,
  };
  commands.push(rec);
  const deadline = rec.startedAt + COMMAND_BUDGET_MS;
  for (;;) {
    const a = await user.call<{ location?: string }>('POST', path, {
      kind: 'command',
      body,
      headers: { 'idempotency-key': key },
    });
    rec.sends.push(exchangeOf(a.requestId));
    if (a.status === 200 || a.status === 202) {
      rec.outcome = 'acknowledged';
      rec.ackStatus = a.status;
      rec.ackRequestId = a.requestId;
      rec.answer = a.body;
      if (a.status === 202) await follow(user, rec, a, deadline);
      break;
    }
    const retry = a.status === 0 || a.status >= 500 || a.status === 429;
    if (!retry) {
      rec.outcome = 'refused';
      rec.refusal = { status: a.status, problem: last(rec.sends).problem };
      break;
    }
    // No answer, or a 500 (the audit append failed after the Update may have run): the command may be in.
    if (a.status === 0 || a.status === 500) rec.ambiguous = true;
    if (Date.now() > deadline) break;
    await sleep(a.status === 0 ? 1000 : retryAfterMs(a));
  }
  rec.endedAt = Date.now();
  return rec;
}

/** Follows a 202's Location until the command's answer (200, or its refusal), within the budget. */
async function follow(
  user: User,
  rec: CommandRecord,
  accepted: Answer<{ location?: string }>,
  deadline: number,
) {
  const location = accepted.headers?.get('location') ?? accepted.body.location;
  if (!location) {
    rec.pending = true;
    return;
  }
  for (;;) {
    await sleep(1000);
    const a = await user.call('GET', location, { kind: 'poll' });
    rec.polls.push(exchangeOf(a.requestId));
    if (a.status === 200) {
      rec.answer = a.body;
      return;
    }
    if (a.status >= 400 && a.status < 500 && a.status !== 429) {
      // Taken, then refused (or 404: the engine does not know the command it took).
      rec.refusal = { status: a.status, problem: last(rec.polls).problem };
      return;
    }
    if (Date.now() > deadline) {
      rec.pending = true;
      return;
    }
  }
}
