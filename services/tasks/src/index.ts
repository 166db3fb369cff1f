export { startTasksService, yellowWindow, type CalendarView, type TasksServiceOptions } from './service';
export { applyToFaults, openFaults, type FaultsRequest } from './faults';
export { handleEvent } from './handlers';
export {
  access,
  decide,
  inGroup,
  type Access,
  type AssignAction,
  type Decision,
  type TaskState,
} from './actions';
export { assignTask, bulkClaim, ccTask, taskHistory, type ActionOptions } from './ledger';
export {
  listTasks,
  getTask,
  roundProgress,
  progressScope,
  type ListTasksQuery,
  type ListOptions,
  type RoundProgressQuery,
  type ProgressOptions,
} from './queries';
export {
  ledgerRows,
  takeLedgerSnapshot,
  ledgerSummary,
  ledgerExport,
  ledgerScope,
  ledgerCsv,
  ledgerXlsx,
  ledgerLine,
  csvField,
  countRows,
  countDeltas,
  zeroCounts,
  isoWeek,
  previousIsoWeek,
  cstDate,
  LEDGER_HEADER,
  PROVISIONAL_NOTE,
  type LedgerQuery,
  type TakeSnapshotQuery,
  type LedgerSummaryQuery,
  type LedgerExportQuery,
  type ReportOptions,
} from './report';
export { weeklySnapshots, type WeeklySnapshotsQuery } from './weekly';
export { migrations } from './migrations';
export { decodeCursor, encodeCursor, type Cursor } from './cursor';
export {
  computeLight,
  isOverdue,
  withinSeconds,
  withinWorkingDays,
  calendarDaysBetween,
  yellowSecondsFromEnv,
  yellowWorkingDaysFromEnv,
  DEFAULT_YELLOW_SECONDS,
  DEFAULT_YELLOW_WORKING_DAYS,
  type DueSoon,
  type LightInput,
} from './light';
export { truncateReadModels } from './rebuild-tables';
export {
  SCHEMA,
  type TasksDatabase,
  type TasksDb,
  type TasksTable,
  type BranchProgressTable,
  type BranchProgressStatus,
  type LedgerSnapshotsTable,
  type RoundsTable,
  type BranchFaultsTable,
} from './schema';
