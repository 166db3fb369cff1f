import { connectNats, createDb, createLogger, loadConfig } from '@fivestar/platform';
import { SCHEMA, type RankingDB } from './db';
import { rebuildRanking } from './service';

/** `node dist/rebuild.js`: replays the event stream into the ranking model. Stop the service first. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('ranking-rebuild', config.logLevel);
  const db = createDb<RankingDB>(config.databaseUrl, SCHEMA, 2);
  const nc = await connectNats(config.natsUrl, 'fivestar-ranking-rebuild');
  try {
    await rebuildRanking(db, nc, log);
  } finally {
    await nc.close();
    await db.destroy();
  }
}

main().catch((err) => {
  createLogger('ranking-rebuild').fatal({ err }, 'rebuild failed');
  process.exit(1);
});
