/**
 * Integration tests talk to real PostgreSQL, NATS JetStream and Temporal.
 * - NATS: a private JetStream server for this run (a testcontainer when a Docker engine answers,
 *   else `nats-server` started here on a free port with a throwaway store), so tests never share
 *   consumers, endpoints or stream history with a running system. TEST_NATS_URL overrides.
 * - PostgreSQL: a testcontainer with Docker, else TEST_DATABASE_URL (default: the local server's
 *   `fivestar_test` database, created when missing).
 * - Temporal: the dev server `npm test` provisions (TEMPORAL_ADDRESS); tests use their own task queues.
 */
import { getContainerRuntimeClient, GenericContainer, type StartedTestContainer } from 'testcontainers';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { Connection } from '@temporalio/client';
import { connectNats, createLogger, ensureDatabase, ensureEventStream } from '@fivestar/platform';
import { startPrivateNats, type PrivateNats } from './private-nats';

export interface TestResources {
  containers: StartedTestContainer[];
  nats?: PrivateNats;
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

export default async function globalSetup(): Promise<void> {
  const log = createLogger('test-setup', 'warn');
  (globalThis as { __fivestarTest?: TestResources }).__fivestarTest = resources;
  const docker = !process.env.TEST_DATABASE_URL && !process.env.TEST_NATS_URL && (await dockerAnswers());
  if (docker) {
    const pg = await new PostgreSqlContainer('postgres:16').withDatabase('fivestar_test').start();
    const nats = await new GenericContainer('nats:2.9').withCommand(['-js']).withExposedPorts(4222).start();
    resources.containers.push(pg, nats);
    process.env.TEST_DATABASE_URL = pg.getConnectionUri();
    process.env.TEST_NATS_URL = `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`;
  }
  // A NATS server of the caller's own (TEST_NATS_URL) may hold a real stream: never reset it.
  const privateNats = docker || !process.env.TEST_NATS_URL;
  if (!process.env.TEST_NATS_URL) resources.nats = await startPrivateNats();
  if (privateNats) process.env.FIVESTAR_TEST_PRIVATE_NATS = '1';
  process.env.NATS_URL = process.env.TEST_NATS_URL ?? resources.nats!.url;
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/fivestar_test';
  process.env.TEMPORAL_ADDRESS ??= '127.0.0.1:7233';
  process.env.TEMPORAL_NAMESPACE ??= 'fivestar';

  const nc = await connectNats(process.env.NATS_URL, 'fivestar-test-setup');
  await ensureEventStream(nc, log);
  await nc.close();
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
