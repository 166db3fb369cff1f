import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { connectNats, createDb, serveEndpoints, type Config, type Logger } from '@fivestar/platform';
import { createApp } from './gateway/app';
import { InFlight } from './gateway/lifetime';
import { tokenIssuer } from './identity';
import { seedDefaultCatalogs } from './catalogs';
import { calendarInForce } from './calendars';
import { closeIdleWorkers } from './spreadsheets';
import { branchPage } from './directory/store';
import { localEvidenceStore, type EvidenceStore } from './evidence';
import { DEFAULT_IDENTITY, type IdentitySettings } from './identity';
import type { EdgeSettings } from './gateway/limits';
import { API_SCHEMA, type ApiDatabase } from './schema';

export interface ApiServiceOptions {
  config: Config;
  log: Logger;
  port: number;
  /** Interface to listen on: loopback unless a container or proxy needs another (API_HOST). */
  host?: string;
  /** HMAC key for access tokens; a random one means tokens die with the process. */
  jwtSecret?: string;
  /** Evidence files: default the local disk under `${FIVESTAR_VAR:-var}/evidence`. */
  evidence?: EvidenceStore;
  /**
   * Serve the NATS endpoints the worker reads (the directory for the round launcher, the working-day
   * calendar; default true). A test running an API of its own beside a whole system on the same NATS turns
   * it off, so the worker never reads its data.
   */
  directoryEndpoint?: boolean;
  /** Token lifetimes and login lockout; each left out takes its default (15 min access, 5 failures → 15 min). */
  identity?: Partial<IdentitySettings>;
  /** Rate limits and CORS origins (docs/security.md); each left out takes its default. */
  edge?: Partial<EdgeSettings>;
  /** The web console's build to serve at / (DEFAULT_CONSOLE_DIR in the process); none: API only. */
  consoleDir?: string;
  /** The longest any request waits for its answer (default DEFAULT_REQUEST_BOUND_MS). */
  requestBoundMs?: number;
  /** Now (epoch ms) for checking a round's schedule against the calendar; tests pin it. */
  clock?: () => number;
}

/** No request waits longer than this for an answer (a sign-off answers 202 or 503 past it). */
export const DEFAULT_REQUEST_BOUND_MS = 10_000;

/** What stopping grants beyond the bound: requests writing their answers, calls ending once cut. */
const STOP_GRACE_MS = 1000;

/** The API process: HTTP for people and scripts, and the directory's NATS endpoint for the launcher. */
export async function startApiService(
  opts: ApiServiceOptions,
): Promise<{ port: number; stop(): Promise<void> }> {
  const { config, log } = opts;
  const db = createDb<ApiDatabase>(config.databaseUrl, API_SCHEMA);
  // The shipped default catalogs, stored once (idempotent; never touches a stored version).
  const seeded = await seedDefaultCatalogs(db).catch(async (err: unknown) => {
    await db.destroy();
    throw err;
  });
  if (seeded.length) log.info({ seeded }, 'default catalogs stored');
  const nc = await connectNats(config.natsUrl, 'fivestar-api');
  const connection = await Connection.connect({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  if (!opts.jwtSecret) log.warn('JWT_SECRET is not set: using a random key, tokens end with this process');
  const secret = opts.jwtSecret ? Buffer.from(opts.jwtSecret, 'utf8') : randomBytes(32);
  const requestBoundMs = opts.requestBoundMs ?? DEFAULT_REQUEST_BOUND_MS;
  const inFlight = new InFlight();
  const app = createApp(
    {
      db,
      nc,
      temporal,
      taskQueue: config.taskQueue,
      tokens: tokenIssuer(secret),
      identity: { ...DEFAULT_IDENTITY, ...opts.identity },
      log,
      evidence: opts.evidence ?? localEvidenceStore(),
      edge: opts.edge,
      consoleDir: opts.consoleDir,
      requestBoundMs,
      clock: opts.clock ?? Date.now,
    },
    inFlight,
  );
  const endpoints =
    opts.directoryEndpoint === false
      ? undefined
      : [
          await serveEndpoints(nc, 'directory', { branches: (req) => branchPage(db, req) }, log),
          await serveEndpoints(nc, 'calendar', { get: (req) => calendarInForce(db, req.id) }, log),
        ];
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info({ port }, 'api listening');
  return {
    port,
    /**
     * Stops accepting, waits for the requests in flight (each answers within the bound, its Temporal calls
     * cut at it), cuts those still running past that, and only then closes what they use: no call of a
     * request outlives the connections.
     */
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const running = await inFlight.settled(requestBoundMs + STOP_GRACE_MS);
      if (running > 0) {
        log.warn({ running }, 'requests still running at stop: their calls are cut');
        inFlight.abortAll();
        const left = await inFlight.settled(STOP_GRACE_MS);
        if (left > 0) log.warn({ left }, 'requests still running after the cut: closing anyway');
      }
      server.closeAllConnections();
      await closed;
      for (const e of endpoints ?? []) await e.stop();
      await nc.drain();
      await connection.close();
      await db.destroy();
      await closeIdleWorkers();
    },
  };
}
