/**
 * What the read-model integration tests (tasks, notifications, ranking) share: a database of their own
 * on the test server, a freshly migrated schema, a NATS connection with the event stream ensured, valid
 * events with per-run ids, publishing, bounded polling, and the teardown of all of it.
 *
 * Each test runs its service under a durable consumer of its own and marks everything it publishes with
 * a per-run random part, since the stream is shared with other tests and earlier runs.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  EVENT_STREAM,
  eventSubject,
  type EventData,
  type EventType,
  type FivestarEvent,
} from '@fivestar/contracts';
import {
  connectNats,
  createDb,
  createLogger,
  ensureDatabase,
  ensureEventStream,
  jetstreamClient,
  loadConfig,
  migrate,
  publishEvent,
  type Config,
  type Logger,
  type NatsConnection,
} from '@fivestar/platform';
import { sql, type Kysely, type Migration } from 'kysely';
import type { RankingDB } from '@fivestar/ranking';

/** One test file's run: its random part, logger, database, NATS server and service options. */
export interface TestEnv {
  /** `tasks`, `notifications`, `ranking`: names the database, logger, connection and durable. */
  service: string;
  /** Random per run: marks this run's ids, keys and durable consumer. */
  run: string;
  /** The service's durable consumer for this run (never a running service's own). */
  durable: string;
  log: Logger;
  /** TEST_DATABASE_URL (else the configured database) with the database `fivestar_test_<service>`. */
  databaseUrl: string;
  natsUrl: string;
  /** What `start<Service>Service` takes. */
  serviceOptions: { config: Config; log: Logger; durable: string };
}

export function testEnv(service: string): TestEnv {
  const run = randomBytes(5).toString('hex');
  const durable = `${service}-test-${run}`;
  const log = createLogger(`${service}-test`, 'warn');
  const base = loadConfig();
  // Beside the run's database, named after it: two runs on different test databases never meet.
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_test');
  url.pathname = `${url.pathname}_${service}`;
  const databaseUrl = url.toString();
  const natsUrl = process.env.NATS_URL ?? base.natsUrl;
  return {
    service,
    run,
    durable,
    log,
    databaseUrl,
    natsUrl,
    serviceOptions: { config: { ...base, databaseUrl, natsUrl }, log, durable },
  };
}

/**
 * Creates the test database when missing, drops `schema` (and `alsoDrop`, e.g. a shadow schema of an
 * earlier run) and migrates `schema` afresh. Returns a pool working inside `schema`.
 */
export async function freshSchema<DB>(
  env: TestEnv,
  schema: string,
  migrations: Record<string, Migration>,
  alsoDrop: string[] = [],
): Promise<Kysely<DB>> {
  await ensureDatabase(env.databaseUrl, env.log);
  const db = createDb<DB>(env.databaseUrl, schema);
  try {
    for (const s of [schema, ...alsoDrop]) await sql`DROP SCHEMA IF EXISTS ${sql.id(s)} CASCADE`.execute(db);
    await migrate(db, schema, migrations, env.log);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

/**
 * An empty event stream for the test file about to run (files run one after another): on this run's
 * private server it is deleted and created again, so no file replays or trips over what an earlier one
 * published (a poison message, an administrator's re-scope); on a server of the caller's own
 * (TEST_NATS_URL) it is only ensured.
 */
export async function freshEventStream(nc: NatsConnection, log: Logger): Promise<void> {
  if (process.env.FIVESTAR_TEST_PRIVATE_NATS === '1')
    await (await jetstreamManager(nc)).streams.delete(EVENT_STREAM).catch(() => false);
  await ensureEventStream(nc, log);
}

/** Connects to NATS and makes sure the event stream exists. */
export async function connectStream(env: TestEnv): Promise<NatsConnection> {
  const nc = await connectNats(env.natsUrl, `fivestar-${env.service}-test`);
  try {
    await freshEventStream(nc, env.log);
  } catch (err) {
    await nc.close();
    throw err;
  }
  return nc;
}

/** Stops the service, deletes this run's durable consumer, closes NATS and the pool (whichever exist). */
export async function closeAll(
  env: TestEnv,
  open: {
    svc?: { stop(): Promise<void> };
    nc?: NatsConnection;
    db?: { destroy(): Promise<void> };
  },
): Promise<void> {
  await open.svc?.stop();
  if (open.nc) {
    await (
      await jetstreamManager(open.nc)
    ).consumers
      .delete(EVENT_STREAM, env.durable)
      .catch(() => undefined);
    await open.nc.close();
  }
  await open.db?.destroy();
}

// ---- events ---------------------------------------------------------------------------------------

export interface EventDefaults {
  /** Ids are `<idPrefix>/0001`, `<idPrefix>/0002`, … in the order the events are made. */
  idPrefix: string;
  roundId: string | null;
  branchId: string | null;
  /** The jurisdiction of an event without a branch; read when the event is made. */
  area: () => string;
  /** The n-th event made occurs at `t0 + n × stepMs`, so workflow times increase within the run. */
  t0: number;
  stepMs: number;
}

/** Per event: anything left out takes the factory's default (`null` is a value, not "left out"). */
export interface EventOptions {
  branchId?: string | null;
  roundId?: string | null;
  /** occurredAt in ms, instead of the next time in the sequence. */
  at?: number;
  idPrefix?: string;
}

export interface EventFactory {
  /** A valid event of `type`: jurisdiction is its branch, or the default area when it has none. */
  ev<T extends EventType>(type: T, data: EventData<T>, opts?: EventOptions): FivestarEvent;
  /** How many events have been made so far. */
  made(): number;
}

export function eventFactory(defaults: EventDefaults): EventFactory {
  let seq = 0;
  return {
    ev(type, data, opts = {}) {
      seq++;
      const branchId = opts.branchId === undefined ? defaults.branchId : opts.branchId;
      return {
        id: `${opts.idPrefix ?? defaults.idPrefix}/${String(seq).padStart(4, '0')}`,
        type,
        version: 1,
        occurredAt: new Date(opts.at ?? defaults.t0 + seq * defaults.stepMs).toISOString(),
        roundId: opts.roundId === undefined ? defaults.roundId : opts.roundId,
        branchId,
        jurisdiction: branchId ?? defaults.area(),
        actor: null,
        data,
      } as unknown as FivestarEvent;
    },
    made: () => seq,
  };
}

/**
 * Self-check openings of one branch, numbered by attempt, each opening one task: the events a test of a
 * read-model service publishes to see it apply something (ids and round under `prefix`).
 */
export function selfCheckOpenings(prefix: string, branchId: string): (attempt: number) => FivestarEvent {
  const { ev } = eventFactory({
    idPrefix: prefix,
    roundId: prefix,
    branchId,
    area: () => branchId.slice(0, 6),
    t0: Date.UTC(2026, 10, 2),
    stepMs: 1000,
  });
  return (n) =>
    ev('branch.step_opened', {
      step: 'SELF_CHECK',
      attempt: n,
      work: {
        key: `${prefix}/${n}`,
        kind: 'step',
        title: `自评 ${n}`,
        group: { role: 'village_secretary', jurisdiction: branchId },
        deadline: '2026-12-01T00:00:00.000Z',
      },
    });
}

/** Publishes the events in order; the stream must take each as new (none dropped as a duplicate). */
export async function publishNew(nc: NatsConnection, events: FivestarEvent[]): Promise<void> {
  const js = jetstreamClient(nc);
  for (const e of events) expect((await publishEvent(js, e)).duplicate).toBe(false);
}

/** How many events of `type` the stream holds (server 2.9: counted per subject by stream info). */
export async function eventCount(nc: NatsConnection, type: EventType): Promise<number> {
  const subject = eventSubject(type);
  const info = await (await jetstreamManager(nc)).streams.info(EVENT_STREAM, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

// ---- waiting --------------------------------------------------------------------------------------

/** Polls until the consumer has caught up to what `ok` expects (bounded by `ms`). */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last read: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the durable consumer has applied (and acked) everything published so far. */
export async function caughtUp(nc: NatsConnection, durable: string, ms = 120_000): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await until(
    () => jsm.consumers.info(EVENT_STREAM, durable),
    (i) => i.num_pending === 0 && i.num_ack_pending === 0,
    ms,
  );
}

// ---- ranking: directory branches and area codes nobody has used ----------------------------------

/** What the directory says of a rural branch `code` of `township` (names made up from the codes). */
export const ruralBranch = (code: string, township: string): EventData<'directory.branch_upserted'> => ({
  branch: {
    code,
    name: `${code.slice(-3)}村`,
    type: 'rural',
    townshipCode: township,
    countyCode: township.slice(0, 6),
    weak: false,
  },
  townshipName: `乡镇${township.slice(-3)}`,
  countyName: `县${township.slice(0, 6)}`,
});

/**
 * A code of `digits` digits (a province: 2, a city: 4) not in `taken` where the ranking model, caught up
 * with the stream (other test files' events included), has no branch and no round: its ranks and lists
 * are the run's.
 */
async function freeArea(db: Kysely<RankingDB>, digits: 2 | 4, taken: string[]): Promise<string> {
  for (;;) {
    const code = String(randomInt(10 ** (digits - 1), 10 ** digits));
    if (taken.includes(code)) continue;
    const used =
      (await db
        .selectFrom('branches')
        .select('code')
        .where('county_code', 'like', `${code}%`)
        .executeTakeFirst()) ??
      (await db
        .selectFrom('rounds')
        .select('round_id')
        .where('county_code', 'like', `${code}%`)
        .executeTakeFirst());
    if (!used) return code;
  }
}

/** A city (first four code digits) not in `taken`, unused in the ranking model (see freeArea). */
export const freeCity = (db: Kysely<RankingDB>, taken: string[] = []): Promise<string> =>
  freeArea(db, 4, taken);
/** A province (two digits), unused in the ranking model (see freeArea). */
export const freeProvince = (db: Kysely<RankingDB>): Promise<string> => freeArea(db, 2, []);
