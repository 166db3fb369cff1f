/**
 * The whole system in one test process, on the real servers: the API, the three services and a
 * Temporal worker on a task queue of its own, over a freshly migrated test database.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { sql, type Kysely, type Migration } from 'kysely';
import {
  CalendarSource,
  connectNats,
  createDb,
  createLogger,
  jetstreamClient,
  loadConfig,
  migrate,
  type Config,
} from '@fivestar/platform';
import { activityAlerts, createActivities } from '@fivestar/workflows';
import {
  DEMO_PASSWORD,
  demoCounty,
  hashPassword,
  loadDirectory,
  migrations as apiMigrations,
  startApiService,
  type ApiServiceOptions,
  type DemoCounty,
} from '@fivestar/api';
import { GENEROUS_LIMITS } from './api-support';
import { freshEventStream } from './support';
import { migrations as tasksMigrations, startTasksService } from '@fivestar/tasks';
import { migrations as notificationsMigrations, startNotificationsService } from '@fivestar/notifications';
import { migrations as rankingMigrations, startRankingService } from '@fivestar/ranking';

const SCHEMAS: Record<string, Record<string, Migration>> = {
  api: apiMigrations,
  tasks: tasksMigrations,
  notifications: notificationsMigrations,
  ranking: rankingMigrations,
};

let runtimeInstalled = false;

export interface Stack {
  baseUrl: string;
  runId: string;
  temporal: Client;
  config: Config;
  stop(): Promise<void>;
}

/** Runs `fn` with a one-connection database handle on the stack's `schema`, closed after. */
export async function withDb<T>(
  stack: Stack,
  schema: string,
  fn: (db: Kysely<any>) => Promise<T>,
): Promise<T> {
  const db = createDb<any>(stack.config.databaseUrl, schema, 1);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export interface StackOptions {
  /** Default: TEST_DATABASE_URL. Its service schemas are dropped and migrated afresh. */
  databaseUrl?: string;
  /** Default: NATS_URL (the jest global setup points it at a private server). */
  natsUrl?: string;
  /** Default: the demo county. */
  directory?: DemoCounty;
  /** The API's token lifetimes and login lockout (tests shorten them to seconds). */
  identity?: ApiServiceOptions['identity'];
  /** The API's rate limits and CORS origins (test/edge.test.ts tests the defaults' shape). */
  edge?: ApiServiceOptions['edge'];
  /** Serve the web console's build (console/dist, `npm run build -w console` first) at baseUrl. */
  console?: boolean;
  /** The API's clock (a round's schedule is checked against the calendar from it); default the machine's. */
  apiClock?: () => number;
}

/**
 * Writes a county's directory into the API's tables and announces it, as load-demo does (every user's
 * password DEMO_PASSWORD): the stack's own county at its start, a second one for tests across counties.
 */
export async function loadCounty(
  config: Pick<Config, 'databaseUrl' | 'natsUrl'>,
  directory: DemoCounty,
): Promise<void> {
  const db = createDb<never>(config.databaseUrl, 'api', 1);
  const nc = await connectNats(config.natsUrl, 'e2e-loader');
  try {
    const hash = await hashPassword(DEMO_PASSWORD);
    await loadDirectory(db as never, jetstreamClient(nc), directory, async () => hash);
  } finally {
    await nc.close();
    await db.destroy();
  }
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const runId = randomBytes(3).toString('hex');
  const base = loadConfig();
  const config: Config = {
    ...base,
    databaseUrl: opts.databaseUrl ?? process.env.TEST_DATABASE_URL!,
    natsUrl: opts.natsUrl ?? base.natsUrl,
    taskQueue: `fivestar-test-${runId}`,
  };
  const log = createLogger('e2e', process.env.TEST_LOG_LEVEL ?? 'warn');
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }

  // A clean slate per stack: an empty event stream (see freshEventStream) and fresh read models that
  // its fresh durable consumers fill from it.
  const streamNc = await connectNats(config.natsUrl, 'e2e-stream-reset');
  await freshEventStream(streamNc, log);
  await streamNc.close();
  for (const [schema, migrations] of Object.entries(SCHEMAS)) {
    const db = createDb<unknown>(config.databaseUrl, schema, 1);
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
    await migrate(db, schema, migrations, log);
    await db.destroy();
  }

  await loadCounty(config, opts.directory ?? demoCounty());

  const services = [
    // Test deadlines are minutes long: a one-minute yellow window keeps fresh tasks green.
    await startTasksService({ config, log, yellowSeconds: 60, durable: `tasks-${runId}` }),
    // Webhooks registered by the tests (authz matrix, fuzz) point at sinks on 127.0.0.1: allowed here
    // explicitly, as an administrator would (WEBHOOK_ALLOWED_HOSTS, docs/security.md).
    await startNotificationsService({
      config,
      log,
      durable: `notifications-${runId}`,
      webhookAllowedHosts: ['127.0.0.1'],
    }),
    await startRankingService({ config, log, durable: `ranking-${runId}` }),
  ];
  const api = await startApiService({
    config,
    log,
    port: 0,
    jwtSecret: randomBytes(32).toString('hex'),
    // Whole-cycle tests sign their users in once and run for many minutes: an hour, unless told.
    identity: { accessTtlSeconds: 3600, ...opts.identity },
    // Every test signs in from 127.0.0.1: rate limits out of the way, unless told.
    edge: { ...GENEROUS_LIMITS, ...opts.edge },
    consoleDir: opts.console ? path.resolve(__dirname, '../console/dist') : undefined,
    clock: opts.apiClock,
  });

  const nc = await connectNats(config.natsUrl, 'e2e-worker');
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const temporal = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  const workerConnection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: path.resolve(__dirname, '../workflows/src/workflows'),
    activities: createActivities({
      nc,
      js: jetstreamClient(nc),
      client: temporal,
      taskQueue: config.taskQueue,
      calendars: new CalendarSource(nc, log),
    }),
    interceptors: { activity: [activityAlerts(jetstreamClient(nc), log)] },
  });
  const running = worker.run();

  return {
    baseUrl: `http://127.0.0.1:${api.port}`,
    runId,
    temporal,
    config,
    async stop() {
      // Leave no test workflow running on the shared dev server (its task queue dies with this run).
      const query = `TaskQueue = '${config.taskQueue}' AND ExecutionStatus = 'Running'`;
      for await (const wf of temporal.workflow.list({ query })) {
        await temporal.workflow
          .getHandle(wf.workflowId, wf.runId)
          .terminate('test run finished')
          .catch(() => undefined);
      }
      worker.shutdown();
      await running;
      await api.stop();
      for (const s of services) await s.stop();
      await nc.close();
      await clientConnection.close();
      await workerConnection.close();
    },
  };
}

/** A logged-in HTTP client for one demo user. */
export class ApiUser {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    readonly username: string,
  ) {}

  static async login(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<ApiUser> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    return new ApiUser(baseUrl, ((await res.json()) as { token: string }).token, username);
  }

  async call(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; type: string }> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : null,
      type: res.headers.get('content-type') ?? '',
    };
  }

  /** Uploads raw bytes (evidence files). */
  async upload(url: string, bytes: Buffer, contentType: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
      body: bytes,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  get = (url: string) => this.call('GET', url);
  post = (url: string, body: unknown = {}) => this.call('POST', url, body);
}

/** Polls `probe` until `accept` holds (bounded); returns the last value or throws with it. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < until) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 2000)}`,
  );
}

/**
 * With RECORD_HISTORIES=1, saves a workflow's history as a replay fixture (workflows/test/histories),
 * in the JSON form Temporal's tools write (the CLI's `workflow show -o json`).
 */
export async function recordHistory(temporal: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const home = process.env.FIVESTAR_HOME ?? path.join(process.env.HOME ?? '/root', '.cache', 'fivestar');
  const cli = process.env.TEMPORAL_BIN ?? path.join(home, 'temporal-1.5.1', 'temporal');
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = temporal.options.namespace;
  const json = execFileSync(
    cli,
    ['workflow', 'show', '-w', workflowId, '-o', 'json', '--address', address, '-n', namespace],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  ).toString();
  writeFileSync(path.resolve(__dirname, '../workflows/test/histories', `${name}.json`), json);
}
