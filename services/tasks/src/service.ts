import { CN_MAINLAND_CALENDAR } from '@fivestar/contracts';
import {
  loadWorkCalendar,
  startReadModelService,
  type Logger,
  type ReadModelOptions,
  type Stoppable,
} from '@fivestar/platform';
import { handleEvent } from './handlers';
import {
  cachedCalendar,
  withinSeconds,
  withinWorkingDays,
  yellowSecondsFromEnv,
  yellowWorkingDaysFromEnv,
  type DueSoon,
} from './light';
import { assignTask, bulkClaim, ccTask, taskHistory } from './ledger';
import { listTasks, roundProgress } from './queries';
import { ledgerExport, ledgerRows, ledgerSummary, takeLedgerSnapshot } from './report';
import { SCHEMA, type TasksDatabase } from './schema';
import { weeklySnapshots } from './weekly';

export interface TasksServiceOptions extends ReadModelOptions {
  /**
   * Yellow-light window in wall-clock seconds: an override (tests use it). Without it the window is
   * TASKS_YELLOW_SECONDS when that is set, else TASKS_YELLOW_WORKING_DAYS (default 3) working days by the
   * holiday calendar in force.
   */
  yellowSeconds?: number;
}

/**
 * When a task turns yellow. Working days by the calendar in force (loadWorkCalendar: the bundled data
 * plus the year files in FIVESTAR_CALENDAR_DIR), reloaded at most once a minute.
 */
export function yellowWindow(
  opts: { yellowSeconds?: number },
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): DueSoon {
  if (opts.yellowSeconds !== undefined) return withinSeconds(opts.yellowSeconds);
  if (env.TASKS_YELLOW_SECONDS) return withinSeconds(yellowSecondsFromEnv(env));
  const days = yellowWorkingDaysFromEnv(env);
  const warn = (context: Record<string, unknown>, message: string) => log.warn(context, message);
  const calendar = cachedCalendar({
    load: () => loadWorkCalendar(env.FIVESTAR_CALENDAR_DIR),
    fallback: CN_MAINLAND_CALENDAR,
    warn,
  });
  return withinWorkingDays(days, { calendar, warn });
}

/**
 * Starts the ledger: the durable event consumer (tasks and round progress) and the `tasks.*` endpoints
 * (list, progress, the ledger actions and reports, the weekly snapshot run; `stats` comes from the
 * platform kit). Migrations run separately.
 */
export function startTasksService(opts: TasksServiceOptions): Promise<Stoppable> {
  const yellow = yellowWindow(opts, opts.log.child({ service: 'tasks' }));
  return startReadModelService<TasksDatabase, 'tasks'>(
    {
      service: 'tasks',
      schema: SCHEMA,
      handle: handleEvent,
      endpoints: (db) => ({
        list: (req) => listTasks(db, req, { yellow }),
        progress: (req) => roundProgress(db, req),
        claim: (req) => assignTask(db, 'claim', req, { yellow }),
        unclaim: (req) => assignTask(db, 'unclaim', req, { yellow }),
        reassign: (req) => assignTask(db, 'reassign', req, { yellow }),
        delegate: (req) => assignTask(db, 'delegate', req, { yellow }),
        returnDelegated: (req) => assignTask(db, 'return', req, { yellow }),
        cc: (req) => ccTask(db, req, { yellow }),
        history: (req) => taskHistory(db, req),
        bulkClaim: (req) => bulkClaim(db, req),
        ledger: (req) => ledgerRows(db, req, { yellow }),
        takeLedgerSnapshot: (req) => takeLedgerSnapshot(db, req, { yellow }),
        ledgerSummary: (req) => ledgerSummary(db, req),
        ledgerExport: (req) => ledgerExport(db, req, { yellow }),
        weeklySnapshots: (req) => weeklySnapshots(db, req, { yellow }),
      }),
    },
    opts,
  );
}
