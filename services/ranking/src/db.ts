import type {
  AreaBulletinResult,
  AreaRankingResult,
  BranchType,
  BulletinResult,
  EscalationLevel,
  HumanStep,
  RankingResult,
  RankingStar,
} from '@fivestar/contracts';
import type { ConsumerTables } from '@fivestar/platform';
import type { ColumnType } from 'kysely';

export const SCHEMA = 'ranking';

/** Timestamps are written as ISO strings (from event.occurredAt) and read back as Dates. */
type Timestamp = ColumnType<Date, string, string>;
type NullableTimestamp = ColumnType<Date | null, string | null | undefined, string | null>;

/** The service's own copy of the directory's branches (from `directory.branch_upserted`). */
export interface BranchesTable {
  code: string;
  name: string;
  type: BranchType;
  township_code: string;
  township_name: string;
  county_code: string;
  county_name: string;
  /** The city's and province's names when the upsert carried them; null: shown by code. */
  city_name: ColumnType<string | null, string | null | undefined, string | null>;
  province_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** occurredAt of the upsert applied last: an older upsert never overwrites a newer one. */
  updated_at: Timestamp;
}

/**
 * A branch's standing in one round: set by `branch.awarded`, lowered by `branch.star_revoked`, zeroed by
 * `branch.withdrawn`. The event that occurred last wins, whatever order the events arrive in.
 */
export interface StandingsTable {
  round_id: string;
  branch_code: string;
  level: number;
  /** Star codes, in the order the award (or the revocation) listed them. */
  stars: string[];
  /** Not participating this round (`branch.withdrawn`): level 0, no stars. */
  withdrawn: ColumnType<boolean, boolean | undefined, boolean>;
  /** occurredAt of the event applied last (0001 called it awarded_at). */
  changed_at: Timestamp;
}

/** A round (from `round.started`, or from `round.closed` if that is all that was seen of it). */
export interface RoundsTable {
  round_id: string;
  county_code: string;
  year: number;
  title: string | null;
  /** The townships the round covers, sorted; null: the whole county. */
  township_codes: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** The stars its start listed (its catalogs', each code once, in catalog order); null: not started. */
  stars: ColumnType<RankingStar[] | null, string | null | undefined, string | null>;
  started_at: NullableTimestamp;
  /** The campaign it runs under (round.started's campaignId); null: not sent. */
  campaign_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set once by the first `round.closed`: from then on the round's standings are frozen. */
  closed_at: NullableTimestamp;
}

/** A county's standings as taken for a month (一月一排名); not derived from events, kept on rebuild. */
export interface SnapshotsTable {
  county_code: string;
  /** '' when the county had no round. */
  round_id: string;
  /** YYYY-MM */
  period: string;
  taken_at: Timestamp;
  /** The `ranking.standings` answer (RankingResult). */
  body: ColumnType<RankingResult, string, string>;
}

/** A published bulletin (通报): one per county and month. */
export interface BulletinsTable {
  id: string;
  county_code: string;
  period: string;
  round_id: string | null;
  title: string;
  published_at: Timestamp;
  event_id: string;
  body: ColumnType<BulletinResult, string, string>;
}

/** A city's or the province's ranking as taken for a month; not derived from events, kept on rebuild. */
export interface AreaSnapshotsTable {
  area_code: string;
  period: string;
  year: number;
  campaign_id: string | null;
  taken_at: Timestamp;
  /** The `ranking.areaRanking` answer. */
  body: ColumnType<AreaRankingResult, string, string>;
}

/** A published bulletin of a city or the province: one per area and month. */
export interface AreaBulletinsTable {
  id: string;
  area_code: string;
  period: string;
  title: string;
  published_at: Timestamp;
  event_id: string;
  body: ColumnType<AreaBulletinResult, string, string>;
}

/**
 * Work a workflow declared overdue and that is not done yet (逾期事项), with its escalation (督办): in from
 * `*.overdue` / `*.escalated`, out when the work is signed, returned, withdrawn, closed out, its deadline
 * extended or re-planned ahead, or its branch's cycle closed. A step is keyed by its work key; a rectification by its finding
 * (its work passes between village and township under one deadline).
 */
export interface SupervisedItemsTable {
  item_key: string;
  kind: 'step' | 'rectification';
  round_id: string | null;
  branch_code: string;
  step: HumanStep | null;
  finding_id: string | null;
  /** The work the latest supervision event named. */
  work_key: string;
  title: string;
  deadline: Timestamp;
  overdue_at: Timestamp;
  escalation_level: EscalationLevel | null;
  escalated_at: NullableTimestamp;
}

export interface RankingTables {
  branches: BranchesTable;
  standings: StandingsTable;
  rounds: RoundsTable;
  snapshots: SnapshotsTable;
  bulletins: BulletinsTable;
  area_snapshots: AreaSnapshotsTable;
  area_bulletins: AreaBulletinsTable;
  supervised_items: SupervisedItemsTable;
}

export type RankingDB = RankingTables & ConsumerTables;
