import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { connect as connectNatsServer } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';
import { Pool } from 'pg';
import type { Config } from './config';
import type { Logger } from './logger';
import type { NatsConnection } from './nats';

/**
 * Liveness and readiness of a process (docs/running.md, "Health and readiness"):
 * - `GET /health` answers 200 while the process runs (its event loop turns); it asks nothing else.
 * - `GET /ready` asks each dependency the process uses (database, NATS, Temporal) and answers 200, or
 *   503 naming what is down, when one fails or does not answer within READY_TIMEOUT_MS.
 * The API serves both on its own port (services/api/src/gateway/app.ts); the worker and the read-model services
 * get a small listener of their own on loopback (`startProcessHealth`, ports in HEALTH_PORTS).
 */

/** A dependency check: resolves when the dependency answers. */
export type Check = () => Promise<unknown>;
export type Checks = Record<string, Check>;

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface Readiness {
  status: 'ready' | 'unavailable';
  /** The checks that failed or did not answer in time. */
  down: string[];
  checks: Record<string, CheckResult>;
}

/** How long `/ready` waits for each dependency. */
export const READY_TIMEOUT_MS = 2000;

/** Runs every check at once, each bounded by `timeoutMs`. */
export async function readiness(checks: Checks, timeoutMs = READY_TIMEOUT_MS): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(check),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true, ms: Date.now() - t0 }];
      } catch (err) {
        return [name, { ok: false, ms: Date.now() - t0, error: errorText(err) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const down = entries.filter(([, r]) => !r.ok).map(([name]) => name);
  return { status: down.length ? 'unavailable' : 'ready', down, checks: Object.fromEntries(entries) };
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const text = err.message || err.name;
    return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  }
  return String(err);
}

// ---- checks ---------------------------------------------------------------------------------------

/** The database answers `select 1` through the process's own pool. */
export function databaseCheck<DB>(db: Kysely<DB>): Check {
  return () => sql`select 1`.execute(db);
}

/** The NATS connection is open and the server answers a ping (a flush) on it. */
export function natsCheck(nc: NatsConnection): Check {
  return async () => {
    if (nc.isClosed()) throw new Error('connection closed');
    await nc.flush();
  };
}

/**
 * The Temporal frontend at `address` (host:port, plaintext gRPC like the rest of the project) answers the
 * standard gRPC health check as SERVING. Dependency-free: one HTTP/2 request, its session closed after.
 */
export function temporalCheck(address: string, timeoutMs = READY_TIMEOUT_MS): Check {
  return () =>
    new Promise<void>((resolve, reject) => {
      const session = connectHttp2(`http://${address}`);
      const fail = (err: unknown) => {
        session.destroy();
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      session.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
      session.on('error', fail);
      const req = session.request({
        ':method': 'POST',
        ':path': '/grpc.health.v1.Health/Check',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      let status: string | undefined;
      const chunks: Buffer[] = [];
      req.on('response', (h) => (status = String(h['grpc-status'] ?? status ?? '')));
      req.on('trailers', (t) => (status = String(t['grpc-status'] ?? status ?? '')));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', fail);
      req.on('end', () => {
        session.close();
        const body = Buffer.concat(chunks);
        // One length-prefixed message: HealthCheckResponse { status = 1 (SERVING) } is 0x08 0x01.
        const serving = body.length >= 7 && body[5] === 0x08 && body[6] === 0x01;
        if (status === '0' && serving) resolve();
        else reject(new Error(`Temporal is not serving (grpc-status ${status ?? '?'})`));
      });
      // An empty HealthCheckRequest: the server as a whole.
      req.end(Buffer.from([0, 0, 0, 0, 0]));
    });
}

// ---- what a process registers ---------------------------------------------------------------------

const registered = new Map<string, Set<Check>>();

/**
 * Adds a readiness check of this process (the read-model kit registers its pool and its NATS
 * connection). Several under one name must all pass. Returns the function that removes it again.
 */
export function registerReadinessCheck(name: string, check: Check): () => void {
  let set = registered.get(name);
  if (!set) registered.set(name, (set = new Set()));
  set.add(check);
  return () => {
    set.delete(check);
    if (!set.size && registered.get(name) === set) registered.delete(name);
  };
}

/** The checks registered in this process, one per name. */
export function readinessChecks(): Checks {
  return Object.fromEntries(
    [...registered].map(([name, set]) => [name, () => Promise.all([...set].map((c) => c()))]),
  );
}

// ---- the listener ---------------------------------------------------------------------------------

export interface HealthServerOptions {
  /** The process's name, shown in the answers. */
  name: string;
  /** 0: any free port (tests). */
  port: number;
  /** Loopback unless told otherwise: nothing outside the machine (or container) needs it. */
  host?: string;
  /** Asked on every `/ready`. */
  checks: () => Checks;
  log: Logger;
  timeoutMs?: number;
}

export interface HealthServer {
  port: number;
  stop(): Promise<void>;
}

/** A tiny HTTP listener answering `/health` and `/ready` (JSON), and 404 to anything else. */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const startedAt = Date.now();
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    if (path === '/health')
      return send(res, 200, {
        status: 'ok',
        process: opts.name,
        pid: process.pid,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      });
    if (path === '/ready') {
      const r = await readiness(opts.checks(), opts.timeoutMs);
      if (r.down.length) opts.log.warn({ down: r.down, checks: r.checks }, 'not ready');
      return send(res, r.down.length ? 503 : 200, { process: opts.name, ...r });
    }
    return send(res, 404, { error: 'not found' });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log.error({ err }, 'health request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => opts.log.error({ err }, 'health listener error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- per process ----------------------------------------------------------------------------------

type Dependency = 'database' | 'nats' | 'temporal';

/**
 * The long-running processes with a health listener of their own: its default port (loopback) and the
 * dependencies `/ready` asks. A dependency the process registered a check for (the read-model kit
 * registers its pool and connection) is asked through that; any other through a probe of the health
 * module's own (the worker's NATS and Temporal). The API is not here: it serves /health and /ready on
 * API_PORT.
 */
export const HEALTH_PORTS = { worker: 9401, tasks: 9402, notifications: 9403, ranking: 9404 } as const;
const DEPENDENCIES: Record<keyof typeof HEALTH_PORTS, Dependency[]> = {
  worker: ['nats', 'temporal'],
  tasks: ['database', 'nats'],
  notifications: ['database', 'nats'],
  ranking: ['database', 'nats'],
};

/**
 * The health port of process `name`: `<NAME>_HEALTH_PORT`, else `HEALTH_PORT`, else its default
 * (HEALTH_PORTS); `off` turns the listener off. Undefined for a process without one.
 */
export function healthPortFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const own = env[`${name.toUpperCase()}_HEALTH_PORT`];
  const value = own !== undefined && own !== '' ? own : env.HEALTH_PORT;
  if (value === 'off') return undefined;
  if (value !== undefined && value !== '') {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new Error(`health port of ${name} must be a port number or "off", not ${JSON.stringify(value)}`);
    return port;
  }
  return (HEALTH_PORTS as Record<string, number>)[name];
}

/**
 * Starts process `name`'s health listener (none for a process without a port, see healthPortFromEnv).
 * `started()` says whether the process has finished starting: until then `/ready` answers 503 with
 * `process: starting`. A listener that cannot start (the port taken) is logged, not fatal: the
 * process's work matters more than its probe.
 */
export async function startProcessHealth(
  name: string,
  config: Config,
  log: Logger,
  started: () => boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HealthServer | undefined> {
  const port = healthPortFromEnv(name, env);
  if (port === undefined) return undefined;
  const probes = ownProbes(config);
  const deps = (DEPENDENCIES as Record<string, Dependency[]>)[name] ?? [];
  const checks = (): Checks => {
    const mine = readinessChecks();
    const all: Checks = {
      process: async () => {
        if (!started()) throw new Error('starting');
      },
    };
    for (const dep of deps) all[dep] = mine[dep] ?? probes[dep];
    return { ...all, ...mine };
  };
  try {
    const server = await startHealthServer({ name, port, host: env.HEALTH_HOST, checks, log });
    log.info({ port: server.port }, 'health listener (/health, /ready)');
    return {
      port: server.port,
      stop: async () => {
        await server.stop();
        await probes.close();
      },
    };
  } catch (err) {
    log.error({ err, port }, 'health listener not started: /health and /ready are unavailable');
    await probes.close();
    return undefined;
  }
}

/** Probes with connections of their own, opened on first use and kept (for `/ready` of the worker). */
function ownProbes(config: Config): Record<Dependency, Check> & { close(): Promise<void> } {
  let pool: Pool | undefined;
  let nc: Promise<NatsConnection> | undefined;
  return {
    database: async () => {
      if (!pool) {
        pool = new Pool({ connectionString: config.databaseUrl, max: 1, idleTimeoutMillis: 60_000 });
        pool.on('error', () => undefined); // an idle probe connection that dies is dropped; the next opens anew
      }
      await pool.query('select 1');
    },
    nats: async () => {
      nc ??= connectNatsServer({
        servers: config.natsUrl,
        name: 'fivestar-health',
        maxReconnectAttempts: -1,
      });
      const conn = await nc.catch((err: unknown) => {
        nc = undefined;
        throw err;
      });
      await natsCheck(conn)();
    },
    temporal: temporalCheck(config.temporalAddress),
    async close() {
      await pool?.end().catch(() => undefined);
      const conn = await nc?.catch(() => undefined);
      await conn?.close().catch(() => undefined);
    },
  };
}
