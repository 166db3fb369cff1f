import { HttpProblem, SessionTokens, type Actor } from '@fivestar/contracts';
import { loadSession, saveSession, type StoredSession } from './credentials';
import { CliError, Exit, exitForStatus } from './exit';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** The server's base URL (no trailing slash); a malformed one is a usage error. */
export function serverUrl(given: string | undefined, env: Record<string, string | undefined>): string {
  const raw = given ?? env.FIVESTAR_SERVER ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(Exit.badInput, `服务器地址无效：${raw}`, [
      { field: '--server', message: '应为 http(s):// 地址' },
    ]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(Exit.badInput, `服务器地址无效：${raw}`, [
      { field: '--server', message: '应为 http(s):// 地址' },
    ]);
  return url.href.replace(/\/+$/, '');
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
}

/** Renew the access token this long before it expires. */
const EXPIRY_MARGIN_MS = 30_000;

/** An error answer as a CliError: the problem's detail and the fields it names. */
export async function problemError(res: Response): Promise<CliError> {
  const text = await res.text();
  let problem: HttpProblem | null = null;
  try {
    const parsed = HttpProblem.safeParse(JSON.parse(text));
    if (parsed.success) problem = parsed.data;
  } catch {
    // not a problem document: the status says it all
  }
  const message = problem ? (problem.detail ?? problem.title) : `服务器返回 HTTP ${res.status}`;
  return new CliError(exitForStatus(res.status), `${message}（HTTP ${res.status}）`, problem?.errors ?? []);
}

/**
 * The API over HTTP, as the token in FIVESTAR_TOKEN or the saved login. A saved session's access token
 * is renewed with its refresh token when it expires (the rotated refresh token is saved at once).
 */
export class Api {
  private constructor(
    readonly server: string,
    private readonly env: Record<string, string | undefined>,
    private readonly apiToken: string | null,
    private session: StoredSession | null,
  ) {}

  static async connect(server: string, env: Record<string, string | undefined>): Promise<Api> {
    if (env.FIVESTAR_TOKEN) return new Api(server, env, env.FIVESTAR_TOKEN, null);
    const session = await loadSession(env);
    return new Api(server, env, null, session?.server === server ? session : null);
  }

  /** No credentials needed (login). */
  static anonymous(server: string, env: Record<string, string | undefined>): Api {
    return new Api(server, env, null, null);
  }

  get credential(): 'token' | 'session' | null {
    return this.apiToken ? 'token' : this.session ? 'session' : null;
  }

  get sessionUser(): Actor | null {
    return this.session?.user ?? null;
  }

  /** Signs in with a password and keeps the session for later runs. */
  async login(username: string, password: string): Promise<StoredSession> {
    const tokens = await this.json('POST', '/api/auth/login', { json: { username, password } }, false);
    return this.keep(SessionTokens.parse(tokens));
  }

  async json<T = unknown>(method: string, path: string, opts: RequestOptions = {}, auth = true): Promise<T> {
    const res = await this.send(method, path, opts, auth);
    const text = await res.text();
    return (text ? JSON.parse(text) : null) as T;
  }

  async download(
    path: string,
    query: RequestOptions['query'],
  ): Promise<{ bytes: Buffer; contentType: string }> {
    const res = await this.send('GET', path, { query });
    return {
      bytes: Buffer.from(await res.arrayBuffer()),
      contentType: res.headers.get('content-type') ?? '',
    };
  }

  /** One request; a 401 on an expired session is retried once after a refresh; other errors throw. */
  async send(method: string, path: string, opts: RequestOptions = {}, auth = true): Promise<Response> {
    let bearer = auth ? await this.bearer() : null;
    let res = await this.fetch(method, path, opts, bearer);
    if (res.status === 401 && this.session) {
      bearer = await this.refresh();
      res = await this.fetch(method, path, opts, bearer);
    }
    if (!res.ok) throw await problemError(res);
    return res;
  }

  private async bearer(): Promise<string> {
    if (this.apiToken) return this.apiToken;
    if (!this.session)
      throw new CliError(Exit.auth, `未登录 ${this.server}：请运行 fivestar login，或设置 FIVESTAR_TOKEN`);
    if (this.session.expiresAt - EXPIRY_MARGIN_MS <= Date.now()) return this.refresh();
    return this.session.token;
  }

  private async refresh(): Promise<string> {
    const res = await this.fetch(
      'POST',
      '/api/auth/refresh',
      { json: { refreshToken: this.session!.refreshToken } },
      null,
    );
    if (res.status === 401 || res.status === 400)
      throw new CliError(Exit.auth, '登录已失效，请重新运行 fivestar login');
    if (!res.ok) throw await problemError(res);
    return (await this.keep(SessionTokens.parse(await res.json()))).token;
  }

  private async keep(tokens: SessionTokens): Promise<StoredSession> {
    const session: StoredSession = {
      server: this.server,
      token: tokens.token,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
      refreshToken: tokens.refreshToken,
      user: tokens.user,
    };
    await saveSession(this.env, session);
    this.session = session;
    return session;
  }

  private async fetch(
    method: string,
    path: string,
    opts: RequestOptions,
    bearer: string | null,
  ): Promise<Response> {
    const url = new URL(`${this.server}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: string | Buffer | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body) {
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
      body = opts.body;
    }
    try {
      return await fetch(url, { method, headers, body });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        Exit.server,
        `无法连接服务器 ${this.server}：${cause?.code ?? cause?.message ?? (err as Error).message}`,
      );
    }
  }
}
