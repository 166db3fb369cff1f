/** `node dist/rebuild.js`: replays the event stream into the ranking model. Stop the service first. */
import { runRebuild } from '@fivestar/platform';
import { SCHEMA, type RankingDB } from './db';
import { rebuildRanking } from './service';

runRebuild<RankingDB>('ranking', SCHEMA, rebuildRanking);
