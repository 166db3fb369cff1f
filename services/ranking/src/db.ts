import type { BranchType } from '@fivestar/contracts';
import type { ConsumerTables } from '@fivestar/platform';
import type { ColumnType } from 'kysely';

export const SCHEMA = 'ranking';

/** Timestamps are written as ISO strings (from event.occurredAt) and read back as Dates. */
type Timestamp = ColumnType<Date, string, string>;

/** The service's own copy of the directory's branches (from `directory.branch_upserted`). */
export interface BranchesTable {
  code: string;
  name: string;
  type: BranchType;
  township_code: string;
  township_name: string;
  county_code: string;
  county_name: string;
  /** occurredAt of the upsert applied last: an older upsert never overwrites a newer one. */
  updated_at: Timestamp;
}

/** A branch's award in one round (from `branch.awarded`); the latest award of the round wins. */
export interface StandingsTable {
  round_id: string;
  branch_code: string;
  level: number;
  /** Star codes, in the order the award listed them. */
  stars: string[];
  awarded_at: Timestamp;
}

export interface RankingTables {
  branches: BranchesTable;
  standings: StandingsTable;
}

export type RankingDB = RankingTables & ConsumerTables;
