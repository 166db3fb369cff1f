/** Creates the database and the JetStream event stream when missing (idempotent). */
import { ensureDatabase } from './db';
import { connectNats, ensureEventStream } from './nats';
import { runCli } from './service-kit';

runCli('provision', async (config, log) => {
  await ensureDatabase(config.databaseUrl, log);
  const nc = await connectNats(config.natsUrl, 'fivestar-provision');
  try {
    await ensureEventStream(nc, log);
  } finally {
    await nc.close();
  }
});
