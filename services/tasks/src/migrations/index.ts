import type { Migration } from 'kysely';
import { init } from './0001_init';
import { urges } from './0002_urges';
import { branchProgress } from './0003_branch_progress';
import { ledgerActions } from './0004_ledger_actions';
import { ledgerSnapshots } from './0005_ledger_snapshots';
import { openRounds } from './0006_open_rounds';
import { taskStar } from './0007_task_star';
import { taskSubject } from './0008_task_subject';
import { taskProvisional } from './0009_task_provisional';
import { branchFaults } from './0010_branch_faults';

/** Listed in code, in order; names sort lexically (kysely's requirement). */
export const migrations: Record<string, Migration> = {
  '0001_init': init,
  '0002_urges': urges,
  '0003_branch_progress': branchProgress,
  '0004_ledger_actions': ledgerActions,
  '0005_ledger_snapshots': ledgerSnapshots,
  '0006_open_rounds': openRounds,
  '0007_task_star': taskStar,
  '0008_task_subject': taskSubject,
  '0009_task_provisional': taskProvisional,
  '0010_branch_faults': branchFaults,
};
