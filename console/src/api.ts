import type { SessionTokens } from '@fivestar/contracts';

/** The API client: same origin, bearer token, refresh with rotation on 401, problem+json as ApiError. */
export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Messages by field path without the request part: `scores.X`, `reasons`. */
    readonly fields: FieldErrors = {},
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
  return new ApiError(res.status, problem.detail ?? problem.title ?? `HTTP ${res.status}`, fields);
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  /** Raw bytes (uploads). */
  blob?: Blob;
  query?: Record<string, string | number | undefined>;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const url = new URL(`/api${path}`, location.origin);
  for (const [k, v] of Object.entries(options.query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.blob) {
    headers['content-type'] = options.blob.type || 'application/octet-stream';
    body = options.blob;
  }
  return fetch(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
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

export async function login(username: string, password: string): Promise<void> {
  saveSession(await api<SessionTokens>('/auth/login', { json: { username, password } }));
}

export async function logout(): Promise<void> {
  await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
  saveSession(null);
}
