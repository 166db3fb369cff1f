import {
  rebuildFromStream,
  startReadModelService,
  type Logger,
  type NatsConnection,
  type ReadModelOptions,
  type Stoppable,
} from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { SCHEMA, type RankingDB, type RankingTables } from './db';
import { handleEvent, truncateModel } from './handlers';
import { standings } from './queries';

/** Runs the durable event consumer and the `standings` endpoint until `stop()`. */
export function startRankingService(opts: ReadModelOptions): Promise<Stoppable> {
  const log = opts.log.child({ service: 'ranking' });
  return startReadModelService<RankingTables, 'ranking'>(
    {
      service: 'ranking',
      schema: SCHEMA,
      handle: (trx, event) => handleEvent(trx, event, log),
      endpoints: (db) => ({ standings: (req) => standings(db, req) }),
    },
    opts,
  );
}

/** Rebuilds the ranking model from the stream (stop the service first). */
export function rebuildRanking(
  db: Kysely<RankingDB>,
  nc: NatsConnection,
  log: Logger,
): Promise<{ applied: number }> {
  return rebuildFromStream<RankingTables>({
    nc,
    db,
    handle: (trx, event) => handleEvent(trx, event, log),
    truncate: truncateModel,
    log,
  });
}
