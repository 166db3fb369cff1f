import type { Kysely, Migration } from 'kysely';
import type { ReadModelServiceName } from '@fivestar/contracts';
import { CalendarSource } from './calendar';
import { loadConfig, type Config } from './config';
import type { ConsumerTables, EventHandler } from './consumer';
import { runConsumer } from './consumer';
import { createDb, migrate } from './db';
import { serveEndpoints, type Handlers } from './endpoints';
import { databaseCheck, natsCheck, registerReadinessCheck, startProcessHealth } from './health';
import { createLogger, type Logger } from './logger';
import { connectNats, type NatsConnection } from './nats';
import { exitOnUncaught, onShutdown } from './process';
import { serviceStats } from './stats';

export interface Stoppable {
  stop(): Promise<void>;
}

/** Runs a command-line entry point: config and logger in, exit code 1 with a fatal log on failure. */
export function runCli(name: string, main: (config: Config, log: Logger) => Promise<void>): void {
  const config = loadConfig();
  const log = createLogger(name, config.logLevel);
  main(config, log).catch((err) => {
    log.fatal({ err }, `${name} failed`);
    process.exit(1);
  });
}

/**
 * Runs a long-lived process until SIGINT/SIGTERM, then stops it cleanly. The worker and the read-model
 * services also answer `/health` and `/ready` on a loopback port of their own (health.ts, HEALTH_PORTS);
 * `/ready` says `process: starting` until `start` has finished.
 */
export function runProcess(name: string, start: (config: Config, log: Logger) => Promise<Stoppable>): void {
  runCli(name, async (config, log) => {
    exitOnUncaught(log);
    let started = false;
    const health = await startProcessHealth(name, config, log, () => started);
    let running: Stoppable;
    try {
      running = await start(config, log);
    } catch (err) {
      await health?.stop();
      throw err;
    }
    started = true;
    onShutdown(log, async () => {
      await health?.stop();
      await running.stop();
    });
  });
}

/** `node dist/migrate.js` of a service: creates its schema and applies pending migrations. */
export function runMigrations(service: string, schema: string, migrations: Record<string, Migration>): void {
  runCli(`${service}-migrate`, async (config, log) => {
    const db = createDb<unknown>(config.databaseUrl, schema, 1);
    try {
      await migrate(db, schema, migrations, log);
    } finally {
      await db.destroy();
    }
  });
}

/** `node dist/rebuild.js` of a service: replays the stream into its read model (stop the service first). */
export function runRebuild<DB>(
  service: string,
  schema: string,
  rebuild: (db: Kysely<DB>, nc: NatsConnection, log: Logger) => Promise<{ applied: number }>,
): void {
  runCli(`${service}-rebuild`, async (config, log) => {
    const db = createDb<DB>(config.databaseUrl, schema, 2);
    const nc = await connectNats(config.natsUrl, `fivestar-${service}-rebuild`);
    try {
      const { applied } = await rebuild(db, nc, log);
      log.info({ applied }, 'rebuild finished');
    } finally {
      await nc.close();
      await db.destroy();
    }
  });
}

/**
 * A read-model service: a durable consumer that applies events once, and request/reply endpoints. The
 * kit answers `stats` itself (consumer lag, handler counters, dead letters) for every such service.
 */
export interface ReadModelService<DB, S extends ReadModelServiceName> {
  service: S;
  schema: string;
  handle: EventHandler<DB>;
  endpoints: (db: Kysely<DB & ConsumerTables>, ctx: ServiceContext) => Omit<Handlers<S>, 'stats'>;
}

/** What the kit gives a service's endpoints besides its database. */
export interface ServiceContext {
  /** The working-day calendar in force, as the API keeps it (one copy per service, on its connection). */
  calendars: CalendarSource;
}

export interface ReadModelOptions {
  config: Config;
  log: Logger;
  /** Durable consumer name (default: the service's); tests and benchmarks pass their own. */
  durable?: string;
}

/**
 * Starts a read-model service. Stops in reverse: stop answering, stop consuming (the in-flight event
 * finishes), then release NATS and the pool.
 */
export async function startReadModelService<DB, S extends ReadModelServiceName>(
  def: ReadModelService<DB, S>,
  opts: ReadModelOptions,
): Promise<Stoppable> {
  const log = opts.log.child({ service: def.service });
  const startedAt = new Date();
  const durable = opts.durable ?? def.service;
  const db = createDb<DB & ConsumerTables>(opts.config.databaseUrl, def.schema, undefined, log);
  const nc = await connectNats(opts.config.natsUrl, `fivestar-${def.service}`);
  // What the process's `/ready` asks (health.ts): this pool and this connection.
  const unregister = [
    registerReadinessCheck('database', databaseCheck(db)),
    registerReadinessCheck('nats', natsCheck(nc)),
  ];
  const stops: Array<() => Promise<void>> = [
    async () => unregister.forEach((u) => u()),
    () => nc.drain(),
    () => db.destroy(),
  ];
  const stop = async () => {
    for (const s of stops.splice(0)) await s();
  };
  try {
    const consumer = await runConsumer<DB>({ nc, db, durable, handle: def.handle, log });
    stops.unshift(() => consumer.stop());
    const dl = db as unknown as Kysely<ConsumerTables>;
    const stats = () => serviceStats({ service: def.service, nc, db: dl, consumers: [consumer], startedAt });
    const calendars = new CalendarSource(nc, log);
    const handlers = { ...def.endpoints(db, { calendars }), stats } as unknown as Handlers<S>;
    const endpoints = await serveEndpoints(nc, def.service, handlers, log);
    stops.unshift(() => endpoints.stop());
  } catch (err) {
    await stop();
    throw err;
  }
  log.info({ durable }, `${def.service} service started`);
  return { stop };
}
