import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CalendarSource, connectNats, jetstreamClient, runProcess } from '@fivestar/platform';
import { createActivities } from './activities';
import { activityAlerts } from './activities/alerts';
import { ensureSchedules } from './schedules';

/** The worker process: runs the cycle's workflows and their activities. */
runProcess('worker', async (config, log) => {
  const nc = await connectNats(config.natsUrl, 'fivestar-worker');
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities({
      nc,
      js: jetstreamClient(nc),
      client,
      taskQueue: config.taskQueue,
      calendars: new CalendarSource(nc, log),
    }),
    interceptors: { activity: [activityAlerts(jetstreamClient(nc), log)] },
  });
  // The calendar jobs (daily digest, weekly ledger snapshots, monthly ranking) run on this queue.
  const schedules = await ensureSchedules(client, { taskQueue: config.taskQueue });
  log.info({ schedules }, 'schedules in place');
  const running = worker.run();
  running.catch((err) => {
    log.fatal({ err }, 'worker stopped with an error');
    process.exit(1);
  });
  log.info({ taskQueue: config.taskQueue, namespace: config.temporalNamespace }, 'worker started');
  return {
    async stop() {
      worker.shutdown();
      await running;
      await nc.drain();
      await clientConnection.close();
      await connection.close();
    },
  };
});
