import { connectNats, createDb, createLogger, loadConfig } from '@fivestar/platform';
import { SCHEMA, type NotificationsDB } from './db';
import { rebuildNotifications } from './service';

/** `node dist/rebuild.js`: replays the event stream into the notification model. Stop the service first. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('notifications-rebuild', config.logLevel);
  const db = createDb<NotificationsDB>(config.databaseUrl, SCHEMA, 2);
  const nc = await connectNats(config.natsUrl, 'fivestar-notifications-rebuild');
  try {
    await rebuildNotifications(db, nc, log);
  } finally {
    await nc.close();
    await db.destroy();
  }
}

main().catch((err) => {
  createLogger('notifications-rebuild').fatal({ err }, 'rebuild failed');
  process.exit(1);
});
