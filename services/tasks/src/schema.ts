import type { EscalationLevel, HumanStep, Role, Step, TaskAction, WorkItem } from '@fivestar/contracts';
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
  /** The catalog star the work concerns (WorkItem.star), when it concerns one. */
  star: string | null;
  /** What the work is about beyond its kind (WorkItem.subject): a finding's title; null for step work. */
  subject: string | null;
  status: 'open' | 'done';
  deadline: Date;
  /** The deadline was counted Monday–Friday in a year the calendar did not hold yet (暂按工作日计算). */
  provisional: Generated<boolean>;
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

/** Who holds a task (user actions, not events: a rebuild keeps it). */
export interface TaskAssignmentsTable {
  key: string;
  assignee_id: string | null;
  assignee_name: string | null;
  delegated_by_id: string | null;
  delegated_by_name: string | null;
  updated_at: Date;
}

/** 抄送: a task copied to a user. */
export interface TaskCcTable {
  key: string;
  user_id: string;
  user_name: string;
  added_by: string;
  added_at: Date;
}

/**
 * Every change of assignee (user actions, at wall-clock time) or deadline (approved extensions, at the
 * event's time), in order.
 */
export interface TaskHistoryTable {
  id: Generated<string>;
  key: string;
  action: TaskAction;
  by_id: string;
  by_name: string;
  at: Generated<Date>;
  from_user: string | null;
  to_user: string | null;
  note: string | null;
  /** The event that made the change (deadline moves); null for user actions. */
  event_id: string | null;
}

/** A weekly count of a scope's tasks (round_id '' = all rounds); JSON columns map a value to its count. */
export interface LedgerSnapshotsTable {
  scope_code: string;
  round_id: string;
  week: string;
  taken_at: Date;
  total: number;
  by_status: Record<string, number>;
  by_light: Record<string, number>;
  by_escalation: Record<string, number>;
  by_kind: Record<string, number>;
}

/** A round as the stream tells it: started in a county, closed (or not yet). */
export interface RoundsTable {
  round_id: string;
  county_code: string;
  closed_at: Date | null;
}

/**
 * 系统处理异常 (read model): an activity of a branch's workflow that keeps failing, from its
 * `system.activity_failing` until its `system.activity_recovered`. Only the recovery clears it.
 */
export interface BranchFaultsTable {
  workflow_id: string;
  activity_id: string;
  round_id: string;
  branch_id: string;
  activity_type: string;
  message: string;
  /** The calendar year the failure waits on, when that is its cause. */
  calendar_id: string | null;
  calendar_year: number | null;
  /** occurredAt of the failing event. */
  since: Date;
  recovered_at: Date | null;
}

export interface TasksDatabase {
  tasks: TasksTable;
  branch_progress: BranchProgressTable;
  task_assignments: TaskAssignmentsTable;
  task_cc: TaskCcTable;
  task_history: TaskHistoryTable;
  ledger_snapshots: LedgerSnapshotsTable;
  rounds: RoundsTable;
  branch_faults: BranchFaultsTable;
}

/** Everything in the `tasks` schema, including the consumer ledger tables from platform. */
export type TasksDb = TasksDatabase & ConsumerTables;
