import {
  connectNats,
  jetstreamClient,
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
import {
  bulletin,
  bulletinDocument,
  liveClock,
  publishBulletin,
  takeSnapshot,
  type BulletinClock,
} from './bulletin';
import { monthlyRun } from './monthly';
import { areaRanking, areaRankingDocument, fiveStarList, fiveStarListDocument } from './areas';
import { areaBulletin, areaBulletinDocument, publishAreaBulletin, takeAreaSnapshot } from './area-bulletin';
import { standings } from './queries';

export interface RankingServiceOptions extends ReadModelOptions {
  /** The time and calendar bulletins are built with (tests pin them); default: liveClock. */
  clock?: BulletinClock;
}

/** Runs the durable event consumer and the standings and bulletin endpoints until `stop()`. */
export async function startRankingService(opts: RankingServiceOptions): Promise<Stoppable> {
  const log = opts.log.child({ service: 'ranking' });
  // Its own connection for publishing bulletins (the read-model kit keeps its connection to itself).
  const publisher = await connectNats(opts.config.natsUrl, 'fivestar-ranking-publisher');
  const js = jetstreamClient(publisher);
  let service: Stoppable;
  try {
    service = await startReadModelService<RankingTables, 'ranking'>(
      {
        service: 'ranking',
        schema: SCHEMA,
        handle: (trx, event) => handleEvent(trx, event, log),
        endpoints: (db, { calendars }) => {
          const clock = opts.clock ?? liveClock(calendars);
          return {
            standings: (req) => standings(db, req),
            takeSnapshot: (req) => takeSnapshot(db, req, clock.now),
            bulletin: (req) => bulletin(db, req, clock),
            bulletinDocument: (req) => bulletinDocument(db, req, clock),
            publishBulletin: (req) => publishBulletin(db, js, req, clock),
            monthlyRun: (req) => monthlyRun(db, js, req, clock),
            areaRanking: (req) => areaRanking(db, req),
            areaRankingDocument: (req) => areaRankingDocument(db, req),
            fiveStarList: (req) => fiveStarList(db, req),
            fiveStarListDocument: (req) => fiveStarListDocument(db, req),
            takeAreaSnapshot: (req) => takeAreaSnapshot(db, req, clock.now),
            areaBulletin: (req) => areaBulletin(db, req, clock),
            areaBulletinDocument: (req) => areaBulletinDocument(db, req, clock),
            publishAreaBulletin: (req) => publishAreaBulletin(db, js, req, clock),
          };
        },
      },
      opts,
    );
  } catch (err) {
    await publisher.drain();
    throw err;
  }
  return {
    stop: async () => {
      await service.stop();
      await publisher.drain();
    },
  };
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
