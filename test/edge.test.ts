/**
 * The API's edge on the real PostgreSQL, NATS and Temporal (docs/security.md, 接口边界): rate limits on
 * login (per address and per username), refresh and urge (per user across the urge routes) with 429
 * problem+json, Retry-After and RateLimit headers; CORS closed by default and open only to configured
 * origins; helmet headers; body size limit; and an internal failure that answers a bare 500 while the
 * log keeps the error under the request id.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { createDb, createLogger, loadConfig, migrate } from '@fivestar/platform';
import {
  DEMO_PASSWORD,
  demoCounty,
  hashPassword,
  migrations,
  startApiService,
  writeDirectory,
  type ApiDatabase,
  type ApiServiceOptions,
} from '@fivestar/api';
import { GENEROUS_LIMITS } from './api-support';

const COUNTY = '411099';
const BRANCH = '411099100201';
const CONSOLE = 'https://console.example';

type Api = { base: string; stop(): Promise<void> };
const apis: Api[] = [];
let db: Kysely<ApiDatabase>;
const errorLines: Record<string, any>[] = [];
const config = () => ({ ...loadConfig(), databaseUrl: process.env.TEST_DATABASE_URL! });

/** Logs at error level into `errorLines`, so a test can see what the server kept to itself. */
const capturingLog = () =>
  createLogger(
    'edge-test',
    'error',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        errorLines.push(JSON.parse(chunk.toString()) as Record<string, any>);
        done();
      },
    }),
  );

async function startApi(edge: ApiServiceOptions['edge']): Promise<Api> {
  const svc = await startApiService({
    config: { ...config(), taskQueue: `fivestar-test-edge-${randomBytes(3).toString('hex')}` },
    log: capturingLog(),
    port: 0,
    jwtSecret: randomBytes(32).toString('hex'),
    directoryEndpoint: false,
    edge,
  });
  const api = { base: `http://127.0.0.1:${svc.port}`, stop: svc.stop };
  apis.push(api);
  return api;
}

beforeAll(async () => {
  const log = createLogger('edge-test', 'warn');
  db = createDb<ApiDatabase>(config().databaseUrl, 'api', 2);
  await sql`DROP SCHEMA IF EXISTS api CASCADE`.execute(db);
  await migrate(db, 'api', migrations, log);
  const hash = await hashPassword(DEMO_PASSWORD);
  await writeDirectory(db, demoCounty(COUNTY, 1), async () => hash);
});

afterAll(async () => {
  for (const a of apis) await a.stop();
  await db?.destroy();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

async function call(
  api: Api,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; from?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${api.base}${path}`, {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      // Believed only by an API that trusts 127.0.0.1 as its proxy (TRUSTED_PROXIES): then X-Forwarded-For
      // stands for distinct client addresses (test/edge-hostile.test.ts: by default it is ignored).
      ...(opts.from ? { 'x-forwarded-for': opts.from } : {}),
      ...opts.headers,
    },
    body:
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body),
  });
  const text = await res.text();
  const json = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, text, body: json };
}

const login = (api: Api, username: string, from: string, password = 'wrong-password-1') =>
  call(api, 'POST', '/api/auth/login', { body: { username, password }, from });

async function signIn(api: Api, username: string, from: string): Promise<string> {
  const res = await login(api, username, from, DEMO_PASSWORD);
  expect(res.status).toBe(200);
  return res.body.token as string;
}

/** A 429 as the edge sends it: problem+json in Chinese, Retry-After, and the draft-8 RateLimit headers. */
function expectLimited(a: Answer, policy: string): void {
  expect(a.status).toBe(429);
  expect(a.headers.get('content-type')).toContain('application/problem+json');
  expect(a.body).toMatchObject({ status: 429, title: '请求过于频繁' });
  expect(a.body.detail).toMatch(/过于频繁，请\d+秒后再试/);
  expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(a.headers.get('ratelimit-policy')).toContain(`"${policy}"`);
  expect(a.headers.get('ratelimit')).toMatch(new RegExp(`"${policy}"; ?r=0; ?t=\\d+`));
}

describe('rate limits', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi({
      loginPerAddress: 4,
      loginPerUsername: 3,
      refreshPerAddress: 2,
      urgePerUser: 3,
      windowSeconds: 60,
      trustedProxies: ['127.0.0.1'],
    });
  });

  it('limits logins per username typed, whatever address they come from', async () => {
    const name = `sec-${BRANCH}`;
    for (let i = 1; i <= 3; i++) {
      const a = await login(api, name, `192.0.2.${i}`);
      expect(a.status).toBe(401);
      expect(a.headers.get('ratelimit')).toMatch(new RegExp(`"login-username"; ?r=${3 - i}; ?t=\\d+`));
    }
    // Below the lockout (5 failures), yet even the right password is not tried while the name is limited.
    expectLimited(await login(api, name, '192.0.2.9', DEMO_PASSWORD), 'login-username');
    // Another name is not held back by this one.
    expect((await login(api, 'another-name', '192.0.2.11')).status).toBe(401);
  });

  it('limits logins per client address, whatever names are typed', async () => {
    for (let i = 1; i <= 4; i++) expect((await login(api, `name-${i}`, '198.51.100.7')).status).toBe(401);
    const limited = await login(api, 'name-5', '198.51.100.7');
    expectLimited(limited, 'login-address');
    expect((await login(api, 'name-5', '198.51.100.8')).status).toBe(401);
  });

  it('limits refresh-token exchanges per address', async () => {
    for (let i = 0; i < 2; i++) {
      const a = await call(api, 'POST', '/api/auth/refresh', {
        body: { refreshToken: 'x'.repeat(43) },
        from: '203.0.113.5',
      });
      expect(a.status).toBe(401);
    }
    expectLimited(
      await call(api, 'POST', '/api/auth/refresh', {
        body: { refreshToken: 'x'.repeat(43) },
        from: '203.0.113.5',
      }),
      'refresh',
    );
  });

  it('limits urges per user across the single, finding and bulk urge routes', async () => {
    const coordinator = await signIn(api, `coord-${COUNTY}`, '203.0.113.20');
    const township = await signIn(api, 'twp-411099100-1', '203.0.113.21');
    const round = '/api/rounds/edge-no-such-round';
    const single = `${round}/branches/${BRANCH}/urge`;
    const urges: [string, object][] = [
      [single, {}],
      [`${round}/branches/${BRANCH}/findings/F1/urge`, {}],
      [`${round}/urge`, { branchIds: [BRANCH] }],
    ];
    for (const [path, body] of urges) {
      const a = await call(api, 'POST', path, { token: coordinator, body });
      expect(a.status).not.toBe(429);
      expect(a.headers.get('ratelimit-policy')).toContain('"urge"');
    }
    expectLimited(await call(api, 'POST', single, { token: coordinator, body: {} }), 'urge');
    // The budget is the user's: another user from the same address still urges.
    const other = await call(api, 'POST', single, { token: township, body: {} });
    expect(other.status).not.toBe(429);
    // Other commands of the limited user are not urges.
    expect((await call(api, 'POST', `${round}/close`, { token: coordinator, body: {} })).status).not.toBe(
      429,
    );
  });
});

describe('CORS', () => {
  const preflight = (api: Api, origin: string) =>
    call(api, 'OPTIONS', '/api/auth/login', {
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it('is closed by default: no Access-Control-Allow-Origin for any origin, preflight included', async () => {
    const api = await startApi(GENEROUS_LIMITS);
    const simple = await call(api, 'GET', '/health', { headers: { origin: CONSOLE } });
    expect(simple.status).toBe(200);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await preflight(api, CONSOLE);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers only the configured origins', async () => {
    const api = await startApi({ ...GENEROUS_LIMITS, corsOrigins: [CONSOLE] });
    const allowed = await call(api, 'GET', '/health', { headers: { origin: CONSOLE } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('Retry-After');
    const pre = await preflight(api, CONSOLE);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const stranger = await call(api, 'GET', '/health', { headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await preflight(api, 'https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });
});

describe('answers that give nothing away', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi(GENEROUS_LIMITS);
  });

  it('sends the helmet headers and no X-Powered-By', async () => {
    const a = await call(api, 'GET', '/health');
    expect(a.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(a.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(a.headers.get('referrer-policy')).toBe('no-referrer');
    expect(a.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a JSON body over 256 kB with a 413 problem, and bad JSON without the parser message', async () => {
    const big = await call(api, 'POST', '/api/auth/login', {
      body: { username: 'x', password: 'y'.repeat(300 * 1024) },
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toContain('application/problem+json');
    expect(big.body).toMatchObject({ status: 413, title: '请求体过大' });
    const broken = await call(api, 'POST', '/api/auth/login', { body: '{"username": "x", ' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ status: 400, title: '请求体不是有效的JSON' });
    expect(broken.text).not.toMatch(/Unexpected|JSON\.parse|position/);
  });

  it('answers an internal failure with a bare 500 problem; the log keeps the error under the request id', async () => {
    const token = await signIn(api, `coord-${COUNTY}`, '192.0.2.200');
    // A broken dependency under a running API: the table every signed-in request reads is gone.
    await sql`ALTER TABLE api.sessions RENAME TO sessions_gone`.execute(db);
    let a: Answer;
    try {
      a = await call(api, 'GET', `/api/rounds/edge-round`, {
        token,
        headers: { 'x-request-id': 'edge-500-probe' },
      });
    } finally {
      await sql`ALTER TABLE api.sessions_gone RENAME TO sessions`.execute(db);
    }
    expect(a.status).toBe(500);
    expect(a.headers.get('content-type')).toContain('application/problem+json');
    expect(a.body).toEqual({
      type: 'about:blank',
      title: '服务器内部错误',
      status: 500,
      detail: expect.stringContaining('edge-500-probe'),
      instance: '/api/rounds/edge-round',
    });
    // Neither the SQL, the table, the driver's message nor a stack frame.
    expect(a.text).not.toMatch(/select|sessions|relation|does not exist|error:|\.ts:\d+|node_modules/i);
    const logged = errorLines.find((l) => l.msg === 'unhandled error' && l.requestId === 'edge-500-probe');
    expect(logged?.err?.message).toMatch(/sessions.*does not exist/);
    // The API works again once its table is back.
    expect((await call(api, 'GET', '/api/rounds/edge-round', { token })).status).not.toBe(500);
  });
});
