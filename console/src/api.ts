import type { SessionTokens } from '@fivestar/contracts';
import { commander, REQUEST_TIMEOUT_MS, type Sent } from './command';

/** The API client: same origin, bearer token, refresh with rotation on 401, problem+json as ApiError. */
export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Messages by field path without the request part: `scores.X`, `reasons`. */
    readonly fields: FieldErrors = {},
    /** Retry-After in seconds (503), when the server said. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

const STORE_KEY = 'fivestar.session';
type Stored = Pick<SessionTokens, 'token' | 'refreshToken' | 'user'> & { expiresAt: number };

let session: Stored | null = readStored();
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

function readStored(): Stored | null {
  try {
    return JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as Stored | null;
  } catch {
    return null;
  }
}

export function currentSession(): Stored | null {
  return session;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function saveSession(tokens: SessionTokens | null): void {
  session = tokens && {
    token: tokens.token,
    refreshToken: tokens.refreshToken,
    user: tokens.user,
    // Refresh a little before the access token actually expires.
    expiresAt: Date.now() + (tokens.expiresIn - 30) * 1000,
  };
  if (session) localStorage.setItem(STORE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORE_KEY);
  for (const listener of listeners) listener();
}

/** One refresh at a time: concurrent 401s wait for the same rotation. */
function refresh(): Promise<boolean> {
  const refreshToken = session?.refreshToken;
  if (!refreshToken) return Promise.resolve(false);
  refreshing ??= fetch('/api/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  })
    .then(async (res) => {
      saveSession(res.ok ? ((await res.json()) as SessionTokens) : null);
      return res.ok;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** Problem fields come as `body.scores.X`; forms key their inputs without the request part. */
async function toError(res: Response): Promise<ApiError> {
  const problem = (await res.json().catch(() => ({}))) as {
    title?: string;
    detail?: string;
    errors?: { field?: string; message?: string }[];
  };
  const fields: FieldErrors = {};
  for (const e of problem.errors ?? []) {
    if (e.field) fields[e.field.replace(/^(body|query|path)\./, '')] = e.message ?? '';
  }
  const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
  return new ApiError(
    res.status,
    problem.detail ?? problem.title ?? `HTTP ${res.status}`,
    fields,
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  /** Raw bytes (uploads). */
  blob?: Blob;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Abort the request after this long (the fetch rejects with a TimeoutError). */
  timeoutMs?: number;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const url = new URL(`/api${path}`, location.origin);
  for (const [k, v] of Object.entries(options.query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { ...options.headers };
  if (session) headers.authorization = `Bearer ${session.token}`;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.blob) {
    headers['content-type'] = options.blob.type || 'application/octet-stream';
    body = options.blob;
  }
  const signal = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
  return fetch(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body, signal });
}

/** The raw response (downloads); throws ApiError on a problem. */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  if (session && Date.now() > session.expiresAt) await refresh();
  let res = await send(path, options);
  if (res.status === 401 && session && (await refresh())) res = await send(path, options);
  if (res.status === 401) saveSession(null);
  if (!res.ok) throw await toError(res);
  return res;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await apiResponse(path, options);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * One request of a command: its answer, or `not-taken` when the server was busy (503), did not answer in
 * REQUEST_TIMEOUT_MS or could not be reached; a refusal (4xx, other 5xx) throws its ApiError.
 */
async function commandRequest(path: string, options: RequestOptions): Promise<Sent> {
  try {
    const res = await apiResponse(path, { ...options, timeoutMs: REQUEST_TIMEOUT_MS });
    const body: unknown = res.status === 204 ? undefined : await res.json();
    return { kind: 'answered', status: res.status, body, location: res.headers.get('location') };
  } catch (err) {
    if (err instanceof ApiError && err.status !== 503) throw err;
    const retryAfter = err instanceof ApiError ? (err.retryAfter ?? 0) : 0;
    return { kind: 'not-taken', retryAfterMs: retryAfter * 1000 };
  }
}

/** A Location names the API's path (`/api/rounds/…`); requests here are relative to `/api`. */
const apiPath = (location: string) =>
  new URL(location, window.location.origin).pathname.replace(/^\/api(?=\/)/, '');

/**
 * Sends a sign-off (every POST under /rounds/:roundId/branches/:code/…) with its Idempotency-Key and
 * follows a 202 to its answer (see command.ts): `command(path, body, onAccepted)` answers the result or
 * throws NotTakenError (retry: same body, same key), StillProcessingError, or the refusal's ApiError.
 */
export const command = commander({
  post: (path, body, key) => commandRequest(path, { json: body, headers: { 'Idempotency-Key': key } }),
  get: (location) => commandRequest(apiPath(location), {}),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
});

export async function login(username: string, password: string): Promise<void> {
  saveSession(await api<SessionTokens>('/auth/login', { json: { username, password } }));
}

export async function logout(): Promise<void> {
  await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
  saveSession(null);
}
