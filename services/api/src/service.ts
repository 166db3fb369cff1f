import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { connectNats, createDb, serveEndpoints, type Config, type Logger } from '@fivestar/platform';
import { createApp } from './app';
import { tokenIssuer } from './auth';
import { branchPage } from './directory';
import { API_SCHEMA, type ApiDatabase } from './schema';

export interface ApiServiceOptions {
  config: Config;
  log: Logger;
  port: number;
  /** Interface to listen on: loopback unless a container or proxy needs another (API_HOST). */
  host?: string;
  /** HMAC key for access tokens; a random one means tokens die with the process. */
  jwtSecret?: string;
}

/** The API process: HTTP for people and scripts, and the directory's NATS endpoint for the launcher. */
export async function startApiService(
  opts: ApiServiceOptions,
): Promise<{ port: number; stop(): Promise<void> }> {
  const { config, log } = opts;
  const db = createDb<ApiDatabase>(config.databaseUrl, API_SCHEMA);
  const nc = await connectNats(config.natsUrl, 'fivestar-api');
  const connection = await Connection.connect({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  if (!opts.jwtSecret) log.warn('JWT_SECRET is not set: using a random key, tokens end with this process');
  const secret = opts.jwtSecret ? Buffer.from(opts.jwtSecret, 'utf8') : randomBytes(32);
  const app = createApp({ db, nc, temporal, taskQueue: config.taskQueue, tokens: tokenIssuer(secret), log });
  const endpoints = await serveEndpoints(
    nc,
    'directory',
    { branches: (req) => branchPage(db, req.countyCode, req.after, req.limit) },
    log,
  );
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info({ port }, 'api listening');
  return {
    port,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await endpoints.stop();
      await nc.drain();
      await connection.close();
      await db.destroy();
    },
  };
}
