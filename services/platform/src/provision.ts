/** Creates the database and the JetStream event stream when missing (idempotent). */
import { loadConfig } from './config';
import { ensureDatabase } from './db';
import { createLogger } from './logger';
import { connectNats, ensureEventStream } from './nats';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('provision');
  await ensureDatabase(config.databaseUrl, log);
  const nc = await connectNats(config.natsUrl, 'fivestar-provision');
  try {
    await ensureEventStream(nc, log);
  } finally {
    await nc.close();
  }
}

main().catch((err) => {
  createLogger('provision').fatal({ err }, 'provisioning failed');
  process.exit(1);
});
