/**
 * One database connection blip (issue 11): every backend of the test database (`fivestar_test_blip`, or
 * TEST_DATABASE_URL's name + `_blip`) is terminated with pg_terminate_backend while the tasks service and
 * the API run on it, idle and in the middle of a query. Nothing may die of it: an unhandled `error` event of
 * a pg pool or client throws out of a socket callback, which jest reports as a failure of the run. The API
 * answers its next requests, the tasks service its endpoints and applies the next event, and both say they
 * are ready again.
 */
import { Client } from 'pg';
import { sql, type Kysely } from 'kysely';
import {
  callEndpoint,
  createDb,
  readinessChecks,
  startHealthServer,
  type NatsConnection,
} from '@fivestar/platform';
import { SCHEMA, migrations, startTasksService, type TasksDb } from '@fivestar/tasks';
import { startTestApi, type Caller, type TestApi } from './api-support';
import {
  closeAll,
  connectStream,
  freshSchema,
  publishNew,
  selfCheckOpenings,
  testEnv,
  until,
} from './support';

const env = testEnv('blip');
const { run } = env;
const COUNTY = '411099';
const BRANCH = '411099100201';

const opened = selfCheckOpenings(`blip-${run}`, BRANCH);

let db: Kysely<TasksDb>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> };
let api: TestApi;
let secretary: Caller;
let health: { port: number; stop(): Promise<void> };

const dbName = decodeURIComponent(new URL(env.databaseUrl).pathname.slice(1));

/** Runs `query` on a connection of its own to the server's `postgres` database (not the one blipped). */
async function admin<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const url = new URL(env.databaseUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Terminates every backend of the test database; answers how many there were. */
async function blip(): Promise<number> {
  const [row] = await admin<{ n: number }>(
    'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1',
    [dbName],
  );
  // The sockets' ends reach the pools a moment later.
  await until(
    () =>
      admin<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [dbName]),
    (rows) => rows[0]!.n === 0,
    10_000,
  ).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  return row!.n;
}

const tasksOf = () =>
  db.selectFrom('tasks').select('key').where('key', 'like', `blip-${run}/%`).orderBy('key').execute();
const get = (path: string) => fetch(`http://127.0.0.1:${api.port}${path}`);

beforeAll(async () => {
  db = await freshSchema<TasksDb>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startTasksService(env.serviceOptions);
  api = await startTestApi(env, COUNTY);
  secretary = await api.signIn(`sec-${BRANCH}`);
  health = await startHealthServer({ name: 'tasks', port: 0, checks: readinessChecks, log: env.log });
});

afterAll(async () => {
  await health?.stop();
  await api?.close();
  await closeAll(env, { svc, nc, db });
});

describe('a database connection blip', () => {
  it('leaves the API and the tasks service running, answering and applying events', async () => {
    // Every pool holds idle connections: the service has applied an event, the API answered a reader.
    await publishNew(nc, [opened(1)]);
    await until(tasksOf, (rows) => rows.length === 1, 30_000);
    expect((await secretary.get('/me')).status).toBe(200);

    expect(await blip()).toBeGreaterThanOrEqual(3);

    // The API: alive, ready, and the next authenticated read works on a new connection.
    expect((await get('/health')).status).toBe(200);
    const me = await secretary.get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: `u-sec-${BRANCH}`, role: 'village_secretary' });
    const ready = await get('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    // The tasks service: its endpoints answer, and it applies a newly published event.
    const stats = await callEndpoint(nc, 'tasks', 'stats', {});
    expect(stats.service).toBe('tasks');
    await publishNew(nc, [opened(2)]);
    expect(await until(tasksOf, (rows) => rows.length === 2, 30_000)).toEqual([
      { key: `blip-${run}/1` },
      { key: `blip-${run}/2` },
    ]);
    const serviceReady = await fetch(`http://127.0.0.1:${health.port}/ready`);
    expect(serviceReady.status).toBe(200);
    expect(((await serviceReady.json()) as { checks: unknown }).checks).toMatchObject({
      database: { ok: true },
      nats: { ok: true },
    });
  });

  it('fails a query in flight, and the next query of the same pool works', async () => {
    const pool = createDb<unknown>(env.databaseUrl, 'public', 2);
    try {
      const inFlight = pool.transaction().execute((trx) => sql`SELECT pg_sleep(30)`.execute(trx));
      inFlight.catch(() => undefined);
      await until(
        () =>
          admin<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep%'",
            [dbName],
          ),
        (rows) => rows[0]!.n === 1,
        10_000,
      );
      expect(await blip()).toBeGreaterThanOrEqual(1);
      await expect(inFlight).rejects.toThrow(/terminat/i);
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(pool);
      expect(rows).toEqual([{ one: 1 }]);
      expect((await secretary.get('/me')).status).toBe(200);
    } finally {
      await pool.destroy();
    }
  });
});
