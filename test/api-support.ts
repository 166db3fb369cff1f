/**
 * What the API integration tests (catalogs, evidence) share: the API service alone, on a freshly migrated
 * `api` schema with the demo county, its evidence files in a temporary folder, its own Temporal task
 * queue and no directory endpoint on NATS; and callers signed in over real HTTP.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import {
  DEMO_PASSWORD,
  demoCounty,
  hashPassword,
  LocalDiskEvidenceStore,
  migrations,
  startApiService,
  writeDirectory,
  type ApiDatabase,
  type ApiServiceOptions,
} from '@fivestar/api';
import { rural } from './rural-sheets';
import { closeAll, freshSchema, type TestEnv } from './support';

/** Rate limits no test reaches by accident: all of them call from one address. */
export const GENEROUS_LIMITS = {
  loginPerAddress: 10_000,
  loginPerUsername: 10_000,
  refreshPerAddress: 10_000,
  urgePerUser: 10_000,
};

/** One HTTP answer: its body parsed when it is JSON (else null), and its bytes as they came. */
export interface Answer {
  status: number;
  type: string;
  headers: Headers;
  body: any;
  bytes: Buffer;
}

/**
 * A signed-in caller (or nobody). `post` takes JSON (an object), or raw bytes (a Buffer or a string) sent
 * with the content type given: a string without one goes as JSON, a Buffer without one with none at all.
 */
export interface Caller {
  get(url: string): Promise<Answer>;
  post(url: string, body?: unknown, type?: string): Promise<Answer>;
  put(url: string, body?: unknown): Promise<Answer>;
}

export interface TestApi {
  db: Kysely<ApiDatabase>;
  port: number;
  /** The temporary folder the evidence store keeps its files in. */
  evidenceDir: string;
  /** Signs a demo user in with the demo password; without a username, a caller without a token. */
  signIn(username?: string): Promise<Caller>;
  /** Stops the service, closes the pool and removes the evidence folder. */
  close(): Promise<void>;
}

/**
 * Migrates the `api` schema afresh, writes the demo county `countyCode`, runs `prepare` (rows the test
 * needs before the service starts) and starts the API on a free port. Whatever was opened is closed again
 * when a step fails.
 */
export async function startTestApi(
  env: TestEnv,
  countyCode: string,
  prepare: (db: Kysely<ApiDatabase>) => Promise<void> = async () => undefined,
  /** Further service options (e.g. a short request bound). */
  options: Partial<ApiServiceOptions> = {},
): Promise<TestApi & { taskQueue: string }> {
  const name = env.service.replace(/_/g, '-');
  const taskQueue = `fivestar-test-${name}-${env.run}`;
  let db: Kysely<ApiDatabase> | undefined;
  let svc: { port: number; stop(): Promise<void> } | undefined;
  let evidenceDir: string | undefined;
  const close = async () => {
    await closeAll(env, { svc, db });
    if (evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
  };
  try {
    db = await freshSchema<ApiDatabase>(env, 'api', migrations);
    const hash = await hashPassword(DEMO_PASSWORD);
    await writeDirectory(db, demoCounty(countyCode), async () => hash);
    await prepare(db);
    evidenceDir = await mkdtemp(path.join(tmpdir(), `fivestar-${name}-`));
    const { config, log } = env.serviceOptions;
    svc = await startApiService({
      config: { ...config, taskQueue },
      log,
      port: 0,
      jwtSecret: randomBytes(32).toString('hex'),
      evidence: new LocalDiskEvidenceStore(evidenceDir),
      directoryEndpoint: false,
      edge: GENEROUS_LIMITS,
      ...options,
    });
  } catch (err) {
    await close();
    throw err;
  }
  const base = `http://127.0.0.1:${svc.port}/api`;
  return {
    db,
    port: svc.port,
    evidenceDir,
    taskQueue,
    signIn: (username) => signIn(base, username),
    close,
  };
}

async function signIn(base: string, username?: string): Promise<Caller> {
  let token = '';
  if (username) {
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { token: string }).token;
  }
  const call = async (method: string, url: string, body?: unknown, type?: string): Promise<Answer> => {
    const raw = Buffer.isBuffer(body) || typeof body === 'string';
    const contentType = type ?? (Buffer.isBuffer(body) ? undefined : 'application/json');
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined || contentType === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : raw ? (body as Buffer | string) : JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const ctype = res.headers.get('content-type') ?? '';
    const json = /json/.test(ctype) && bytes.length ? JSON.parse(bytes.toString('utf8')) : null;
    return { status: res.status, type: ctype, headers: res.headers, body: json, bytes };
  };
  return {
    get: (url) => call('GET', url),
    post: (url, body, type) => call('POST', url, body, type),
    put: (url, body) => call('PUT', url, body),
  };
}

/**
 * A branch workflow started on the test API's task queue, which no worker polls (yet): the API's calls on
 * it wait. `args` empty: a workflow that could never run, enough for Updates that must not be taken.
 * `close()` terminates it and closes the connection.
 */
export async function startUnservedBranch(
  env: TestEnv,
  taskQueue: string,
  workflowId: string,
  args: unknown[],
): Promise<{ temporal: Client; close(): Promise<void> }> {
  const { temporalAddress, temporalNamespace } = env.serviceOptions.config;
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection, namespace: temporalNamespace });
  await temporal.workflow.start('branchAssessment', { taskQueue, workflowId, args });
  return {
    temporal,
    async close() {
      await temporal.workflow
        .getHandle(workflowId)
        .terminate('test finished')
        .catch(() => undefined);
      await connection.close();
    },
  };
}

/**
 * The `rounds` row of a round the county's coordinator started over the rural catalog, written straight into
 * the API's schema (the test drives its workflow, if any, itself).
 */
export async function insertRound(
  db: Kysely<ApiDatabase>,
  round: { roundId: string; countyCode: string; title: string; year?: number },
): Promise<void> {
  await db
    .insertInto('rounds')
    .values({
      round_id: round.roundId,
      county_code: round.countyCode,
      year: round.year ?? 2026,
      title: round.title,
      workflow_id: `round/${round.roundId}`,
      started_by: `u-coord-${round.countyCode}`,
      catalogs: JSON.stringify([{ id: rural.id, version: rural.version }]),
    })
    .execute();
}
