import type { EscalationLevel, HumanStep, Role, WorkItem } from '@fivestar/contracts';
import type { ConsumerTables } from '@fivestar/platform';
import type { Generated } from 'kysely';

/** The PostgreSQL schema this service owns. */
export const SCHEMA = 'tasks';

/**
 * One row per work item (WorkItem.key). Timestamps are written as JS Dates built from event times, so
 * they carry millisecond precision and round-trip exactly (the keyset cursor relies on that).
 */
export interface TasksTable {
  key: string;
  kind: WorkItem['kind'];
  title: string;
  group_role: Role;
  group_jurisdiction: string;
  round_id: string | null;
  branch_id: string | null;
  step: HumanStep | null;
  finding_id: string | null;
  status: 'open' | 'done';
  deadline: Date;
  opened_at: Date;
  closed_at: Date | null;
  escalation_level: EscalationLevel | null;
  reminded_at: Date | null;
  overdue_at: Date | null;
  urged_at: Date | null;
  urge_count: Generated<number>;
  opened_event_id: string;
  closed_event_id: string | null;
}

export interface TasksDatabase {
  tasks: TasksTable;
}

/** Everything in the `tasks` schema, including the consumer ledger tables from platform. */
export type TasksDb = TasksDatabase & ConsumerTables;
