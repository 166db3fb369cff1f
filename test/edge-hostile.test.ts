/**
 * Hostile callers at the API's edge (docs/security.md, 接口边界): a client that forges X-Forwarded-For
 * to get a fresh per-address login budget with every request. By default no proxy is trusted, so the
 * header is ignored and the socket's address counts; with TRUSTED_PROXIES naming the proxy (here
 * 127.0.0.1, where the test calls from) the header is believed, but only its right-most address not
 * added by a trusted proxy, so prepending forged addresses does not help either.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { migrations, startApiService, type ApiDatabase, type ApiServiceOptions } from '@fivestar/api';
import { closeAll, freshSchema, testEnv } from './support';

const env = testEnv('edge_hostile');
/** The default RATE_LIMIT_LOGIN_PER_ADDRESS (DEFAULT_EDGE in services/api/src/gateway/limits.ts). */
const LIMIT = 30;
const ATTEMPTS = 33;

let db: Kysely<ApiDatabase>;
const apis: { stop(): Promise<void> }[] = [];

async function startApi(edge?: ApiServiceOptions['edge']): Promise<string> {
  const svc = await startApiService({
    config: { ...env.serviceOptions.config, taskQueue: `fivestar-test-edge-hostile-${env.run}` },
    log: env.log,
    port: 0,
    jwtSecret: randomBytes(32).toString('hex'),
    directoryEndpoint: false,
    edge,
  });
  apis.push(svc);
  return `http://127.0.0.1:${svc.port}/api`;
}

beforeAll(async () => {
  db = await freshSchema<ApiDatabase>(env, 'api', migrations);
});

afterAll(async () => {
  for (const a of apis) await a.stop();
  await closeAll(env, { db });
});

/** A wrong login for a name of its own (so only the per-address limit can bite), under a forged header. */
async function forgedLogin(base: string, i: number, forwardedFor: string) {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username: `hostile-${env.run}-${i}`, password: 'not-the-password' }),
  });
  await res.text();
  return { status: res.status, rateLimit: res.headers.get('ratelimit') ?? '' };
}

async function run(base: string, header: (i: number) => string) {
  const answers = [];
  for (let i = 1; i <= ATTEMPTS; i++) answers.push(await forgedLogin(base, i, header(i)));
  return answers;
}

describe('X-Forwarded-For from a client', () => {
  it(`is ignored by default: ${ATTEMPTS} logins under new forged addresses meet the ${LIMIT}/min limit`, async () => {
    const base = await startApi();
    const answers = await run(base, (i) => `198.51.100.${i}`);
    const statuses = answers.map((a) => a.status);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses.indexOf(429)).toBe(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual(Array(ATTEMPTS - LIMIT).fill(429));
    expect(answers[LIMIT]!.rateLimit).toMatch(/"login-address"; ?r=0/);
  });

  it('is believed from a trusted proxy (TRUSTED_PROXIES=127.0.0.1): each address has its own budget', async () => {
    const base = await startApi({ trustedProxies: ['127.0.0.1'] });
    const answers = await run(base, (i) => `203.0.113.${i}`);
    expect(answers.map((a) => a.status)).toEqual(Array(ATTEMPTS).fill(401));
    // Every address has used one of its own logins.
    for (const a of answers) expect(a.rateLimit).toMatch(new RegExp(`"login-address"; ?r=${LIMIT - 1}`));
  });

  it('behind a trusted proxy, forged addresses prepended by the client are not believed', async () => {
    const base = await startApi({ trustedProxies: ['127.0.0.1'] });
    // What a proxy forwards when the client sent its own X-Forwarded-For: the client's real address last.
    const answers = await run(base, (i) => `192.0.2.${i}, 10.0.0.${i}, 203.0.113.200`);
    const statuses = answers.map((a) => a.status);
    expect(statuses.indexOf(429)).toBe(LIMIT);
  });
});
