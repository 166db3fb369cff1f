/**
 * Integration tests talk to real PostgreSQL, NATS JetStream and Temporal.
 * - NATS: a private JetStream server for this run (a testcontainer when a Docker engine answers,
 *   else `nats-server` started here on a free port with a throwaway store), so tests never share
 *   consumers, endpoints or stream history with a running system. TEST_NATS_URL overrides.
 * - PostgreSQL: a testcontainer with Docker, else TEST_DATABASE_URL (default: the local server's
 *   `fivestar_test` database, created when missing).
 * - Temporal: the dev server `npm test` provisions (TEMPORAL_ADDRESS); tests use their own task queues.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getContainerRuntimeClient, GenericContainer, type StartedTestContainer } from 'testcontainers';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { Connection } from '@temporalio/client';
import { connectNats, createLogger, ensureDatabase, ensureEventStream } from '@fivestar/platform';

export interface TestResources {
  containers: StartedTestContainer[];
  natsProcess?: ChildProcess;
  natsStore?: string;
}
const resources: TestResources = { containers: [] };

async function dockerAnswers(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function startNatsServer(): Promise<string> {
  const port = await freePort();
  const store = mkdtempSync(path.join(tmpdir(), 'fivestar-test-nats-'));
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], {
    stdio: 'ignore',
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin` },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', (err) =>
      reject(new Error(`cannot start nats-server (install it: apt-get install nats-server): ${err.message}`)),
    );
    child.once('spawn', () => resolve());
  });
  resources.natsProcess = child;
  resources.natsStore = store;
  return `nats://127.0.0.1:${port}`;
}

async function waitForNats(url: string): Promise<void> {
  const log = createLogger('test-setup', 'warn');
  for (let i = 0; ; i++) {
    try {
      const nc = await connectNats(url, 'fivestar-test-setup');
      await ensureEventStream(nc, log);
      await nc.close();
      return;
    } catch (err) {
      if (i >= 50) throw new Error(`NATS at ${url} does not answer: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export default async function globalSetup(): Promise<void> {
  const log = createLogger('test-setup', 'warn');
  const docker = !process.env.TEST_DATABASE_URL && !process.env.TEST_NATS_URL && (await dockerAnswers());
  if (docker) {
    const pg = await new PostgreSqlContainer('postgres:16').withDatabase('fivestar_test').start();
    const nats = await new GenericContainer('nats:2.9').withCommand(['-js']).withExposedPorts(4222).start();
    resources.containers.push(pg, nats);
    process.env.TEST_DATABASE_URL = pg.getConnectionUri();
    process.env.TEST_NATS_URL = `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`;
  }
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/fivestar_test';
  process.env.NATS_URL = process.env.TEST_NATS_URL ?? (await startNatsServer());
  process.env.TEMPORAL_ADDRESS ??= '127.0.0.1:7233';
  process.env.TEMPORAL_NAMESPACE ??= 'fivestar';
  (globalThis as { __fivestarTest?: TestResources }).__fivestarTest = resources;

  await waitForNats(process.env.NATS_URL);
  await ensureDatabase(process.env.TEST_DATABASE_URL, log);
  try {
    const connection = await Connection.connect({
      address: process.env.TEMPORAL_ADDRESS,
      connectTimeout: 5000,
    });
    await connection.close();
  } catch (err) {
    throw new Error(
      `Temporal does not answer at ${process.env.TEMPORAL_ADDRESS}: run the tests with \`npm test\`, which starts it (${String(err)})`,
    );
  }
}
