import { runProcess } from '@fivestar/platform';
import { startRankingService } from './service';

runProcess('ranking', (config, log) => startRankingService({ config, log }));
