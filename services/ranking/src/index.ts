export { startRankingService, rebuildRanking, type RankingServiceOptions } from './service';
export { handleEvent, truncateModel } from './handlers';
export { standings } from './queries';
export { rankDesc, scaledDecimal } from './rank';
export {
  defaultRound,
  previousRound,
  sourcesFor,
  levelMovement,
  rankMovement,
  type RoundInfo,
} from './periods';
export { migrations } from './migrations';
export * from './db';
export {
  takeSnapshot,
  bulletin,
  bulletinDocument,
  publishBulletin,
  bulletinHtml,
  bulletinXlsx,
  bulletinId,
  rankArrow,
  daysText,
  liveClock,
  type BulletinClock,
} from './bulletin';
export { monthlyRun } from './monthly';
export { overdueDays } from './items';
