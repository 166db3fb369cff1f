import type { EscalationLevel, HumanStep, Role, Step, WorkItem } from '@fivestar/contracts';
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

export type BranchProgressStatus = 'active' | 'closed' | 'withdrawn';

/**
 * Round progress (read model): where each branch of a round stands, one row per (round, branch), kept
 * from the branch's events. `updated_at` is the occurredAt of the event that last wrote the row; an
 * event older than it is ignored (see handlers.ts), so late deliveries never move a branch backwards.
 */
export interface BranchProgressTable {
  round_id: string;
  branch_id: string;
  /** First 9 digits of the branch code. */
  township_code: string;
  /** First 6 digits of the branch code. */
  county_code: string;
  step: Step;
  /** The attempt of the current step (a returned step reopens as a new attempt); 1 for non-human steps. */
  attempt: number;
  status: BranchProgressStatus;
  /** Stars awarded (0–5) once known: from the award, its public notice, a revocation or the close. */
  level: number | null;
  updated_at: Date;
}

export interface TasksDatabase {
  tasks: TasksTable;
  branch_progress: BranchProgressTable;
}

/** Everything in the `tasks` schema, including the consumer ledger tables from platform. */
export type TasksDb = TasksDatabase & ConsumerTables;
