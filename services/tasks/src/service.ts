import type { WorkCalendar } from '@fivestar/contracts';
import {
  startReadModelService,
  type Logger,
  type ReadModelOptions,
  type Stoppable,
} from '@fivestar/platform';
import { handleEvent } from './handlers';
import { openFaults } from './faults';
import {
  withinSeconds,
  withinWorkingDays,
  yellowSecondsFromEnv,
  yellowWorkingDaysFromEnv,
  type DueSoon,
} from './light';
import { assignTask, bulkClaim, ccTask, taskHistory } from './ledger';
import { areaProgress, listTasks, roundProgress } from './queries';
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

/** Where the working-day calendar in force comes from: the kit's CalendarSource (`current()`). */
export interface CalendarView {
  current(): WorkCalendar;
}

/**
 * When a task turns yellow. The settings are read now, so a bad one stops the service before it
 * connects; the result takes the calendar in force once the kit has it: working days counted by
 * `calendars.current()` (the API's copy, refreshed in the background), asked per comparison.
 */
export function yellowWindow(
  opts: { yellowSeconds?: number },
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): (calendars: CalendarView) => DueSoon {
  if (opts.yellowSeconds !== undefined) {
    const fixed = withinSeconds(opts.yellowSeconds);
    return () => fixed;
  }
  if (env.TASKS_YELLOW_SECONDS) {
    const fixed = withinSeconds(yellowSecondsFromEnv(env));
    return () => fixed;
  }
  const days = yellowWorkingDaysFromEnv(env);
  const warn = (context: Record<string, unknown>, message: string) => log.warn(context, message);
  return (calendars) => withinWorkingDays(days, { calendar: () => calendars.current(), warn });
}

/**
 * Starts the ledger: the durable event consumer (tasks and round progress) and the `tasks.*` endpoints
 * (list, progress, the ledger actions and reports, the weekly snapshot run, open faults; `stats` comes from the
 * platform kit). Migrations run separately.
 */
export function startTasksService(opts: TasksServiceOptions): Promise<Stoppable> {
  const yellowWith = yellowWindow(opts, opts.log.child({ service: 'tasks' }));
  return startReadModelService<TasksDatabase, 'tasks'>(
    {
      service: 'tasks',
      schema: SCHEMA,
      handle: handleEvent,
      endpoints: (db, { calendars }) => {
        const yellow = yellowWith(calendars);
        return {
          list: (req) => listTasks(db, req, { yellow }),
          progress: (req) => roundProgress(db, req),
          areaProgress: (req) => areaProgress(db, req),
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
          faults: (req) => openFaults(db, req),
        };
      },
    },
    opts,
  );
}
