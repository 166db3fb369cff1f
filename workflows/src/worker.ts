import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { connectNats, createLogger, jetstreamClient, loadConfig, onShutdown } from '@fivestar/platform';
import { createActivities } from './activities';

/** The worker process: runs the cycle's workflows and their activities. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('worker');
  const nc = await connectNats(config.natsUrl, 'fivestar-worker');
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities({ nc, js: jetstreamClient(nc), client, taskQueue: config.taskQueue }),
  });
  const running = worker.run();
  log.info({ taskQueue: config.taskQueue, namespace: config.temporalNamespace }, 'worker started');
  onShutdown(log, async () => {
    worker.shutdown();
    await running;
    await nc.close();
    await clientConnection.close();
    await connection.close();
  });
  await running;
}

main().catch((err) => {
  createLogger('worker').fatal({ err }, 'worker failed');
  process.exit(1);
});
