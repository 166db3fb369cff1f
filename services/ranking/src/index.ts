export { startRankingService, rebuildRanking } from './service';
export { handleEvent, truncateModel } from './handlers';
export { standings } from './queries';
export { rankDesc, scaledDecimal } from './rank';
export { migrations } from './migrations';
export * from './db';
