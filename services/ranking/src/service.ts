import {
  connectNats,
  createDb,
  rebuildFromStream,
  runConsumer,
  serveEndpoints,
  type Config,
  type Logger,
  type NatsConnection,
} from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { SCHEMA, type RankingDB, type RankingTables } from './db';
import { handleEvent, truncateModel } from './handlers';
import { standings } from './queries';

export const SERVICE_NAME = 'ranking';

export interface RankingServiceOptions {
  config: Config;
  log: Logger;
  /** Durable consumer name; tests pass their own so they never share acks with a running service. */
  durable?: string;
}

/** Runs the durable event consumer and the `standings` endpoint until `stop()`. */
export async function startRankingService(opts: RankingServiceOptions): Promise<{ stop(): Promise<void> }> {
  const log = opts.log.child({ service: SERVICE_NAME });
  const db = createDb<RankingDB>(opts.config.databaseUrl, SCHEMA);
  const nc = await connectNats(opts.config.natsUrl, `fivestar-${SERVICE_NAME}`);
  const stops: Array<() => Promise<void>> = [() => nc.close(), () => db.destroy()];
  const stop = async () => {
    for (const s of stops.splice(0)) await s();
  };
  try {
    const consumer = await runConsumer<RankingTables>({
      nc,
      db,
      durable: opts.durable ?? SERVICE_NAME,
      handle: handleEvent,
      log,
    });
    stops.unshift(() => consumer.stop());
    const endpoints = await serveEndpoints(nc, 'ranking', { standings: (req) => standings(db, req) }, log);
    stops.unshift(() => endpoints.stop());
    // Return only once the server has our subscriptions: a request right after start finds a responder.
    await nc.flush();
  } catch (err) {
    await stop();
    throw err;
  }
  log.info('ranking service started');
  return { stop };
}

/** Rebuilds the ranking model from the stream (stop the service first). */
export function rebuildRanking(
  db: Kysely<RankingDB>,
  nc: NatsConnection,
  log: Logger,
): Promise<{ applied: number }> {
  return rebuildFromStream<RankingTables>({ nc, db, handle: handleEvent, truncate: truncateModel, log });
}
