import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  reportingPeriod,
  type Branch,
  type Catalog,
  DEFAULT_CALENDAR_ID,
  planSupervisionTimes,
  WorkCalendar,
  type FivestarEvent,
  type PlanRequest,
  type SupervisionTimes,
  type PeriodicJob,
  type ReportingPeriod,
  type ChainTemplate,
  type RoundSchedule,
} from '@fivestar/contracts';
import {
  callEndpoint,
  type CalendarSource,
  type EndpointName,
  mapLimited,
  publishEvent,
  type JetStreamClient,
  type NatsConnection,
} from '@fivestar/platform';
import {
  branchWorkflowId,
  calendarChangedSignal,
  provisionalYearValue,
  type CalendarReplanInput,
} from '@fivestar/contracts/workflow';
import {
  BranchCodeKey,
  ProvisionalYearsKey,
  RoundIdKey,
  TownshipCodeKey,
} from '@fivestar/contracts/workflow';

export interface ActivityDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  client: Client;
  taskQueue: string;
  /** The working-day calendar in force (the API keeps it: docs/calendar.md). */
  calendars: CalendarSource;
}

export interface LaunchPageInput {
  roundId: string;
  countyCode: string;
  after: string | null;
  limit: number;
  /** Launch only these townships' branches; absent: every branch of the county. */
  townshipCodes?: string[];
  catalogs: Catalog[];
  schedule: RoundSchedule;
  /** The round's chain, for every branch; absent: the default chain. */
  chain?: ChainTemplate;
}

export interface LaunchPageResult {
  started: number;
  skipped: number;
  next: string | null;
}

/** A whole county's (or province's) period in one request: far longer than a read's 5 s. */
const PERIODIC_JOB_TIMEOUT_MS = 5 * 60_000;

/** Starts in flight per launcher page: enough to hide round trips, few enough not to swamp the server. */
const LAUNCH_CONCURRENCY = 16;

/** Starts one branch's workflow unless it was started before (running or closed): never twice. */
async function startBranch(deps: ActivityDeps, input: LaunchPageInput, branch: Branch): Promise<void> {
  const catalog = input.catalogs.find((c) => c.branchType === branch.type)!;
  try {
    await deps.client.workflow.start('branchAssessment', {
      taskQueue: deps.taskQueue,
      workflowId: branchWorkflowId(input.roundId, branch.code),
      args: [
        {
          roundId: input.roundId,
          branch,
          catalog,
          schedule: input.schedule,
          ...(input.chain ? { chain: input.chain } : {}),
        },
      ],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: RoundIdKey, value: input.roundId },
        { key: BranchCodeKey, value: branch.code },
        { key: TownshipCodeKey, value: branch.townshipCode },
      ]),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export interface PlanInput extends PlanRequest {
  /** Absent (work planned before rounds chose one): the mainland calendar. */
  calendarId?: string;
  /** A calendar at least this new (a year just loaded), not an older copy. */
  minRevision?: number;
}

/** Signals sent at once by one re-plan pass. */
const SIGNAL_CONCURRENCY = 16;

/** Whether a plan counts working days anywhere (its due span, its reminder or a rung). */
const countsWorkingDays = (input: PlanInput) =>
  [input.due, input.reminderBefore, ...input.escalation.map((r) => r.after)].some((d) => 'workingDays' in d);

export function createActivities(deps: ActivityDeps) {
  return {
    /**
     * Deadline, reminder and ladder instants for one piece of work, with the working-day calendar in
     * force now (bundled years plus any loaded later). Its result is recorded in the workflow's
     * history, so replays stay deterministic; a year not yet loaded fails and is retried until it is.
     */
    async planSupervision(input: PlanInput): Promise<SupervisionTimes> {
      const id = input.calendarId ?? DEFAULT_CALENDAR_ID;
      // Spans in seconds and fixed dates need no holiday data: no request for them.
      const calendar = countsWorkingDays(input)
        ? (await deps.calendars.get(id, input.minRevision)).calendar
        : WorkCalendar.parse({ id, years: {} });
      return planSupervisionTimes(calendar, input);
    },

    /**
     * Tells every running workflow whose open work was counted provisionally in `year` of the calendar
     * that the year is loaded (`calendarChanged`); each plans again itself. Signals are harmless to
     * repeat, so a retried or repeated pass changes nothing twice. Answers how many were told.
     */
    async signalProvisionalWork(input: CalendarReplanInput): Promise<number> {
      const value = provisionalYearValue(input.calendarId, input.year);
      const query = `${ProvisionalYearsKey.name} = '${value}' AND ExecutionStatus = 'Running'`;
      const ids: string[] = [];
      for await (const wf of deps.client.workflow.list({ query })) ids.push(wf.workflowId);
      let told = 0;
      await mapLimited(ids, SIGNAL_CONCURRENCY, async (workflowId) => {
        await deps.client.workflow
          .getHandle(workflowId)
          .signal(calendarChangedSignal, input)
          .catch((err: unknown) => {
            // Closed since it was listed: nothing left to plan.
            if (!(err instanceof Error && /not found|already completed/i.test(err.message))) throw err;
          });
        told += 1;
        Context.current().heartbeat(told);
      });
      return told;
    },

    /** Idempotent: the event id is the NATS message id, so a retry inside the duplicate window is dropped. */
    async publishEvent(event: FivestarEvent): Promise<void> {
      await publishEvent(deps.js, event);
    },

    /**
     * Starts one page of branch workflows: those of the round's townships whose type has a catalog in the
     * round (`skipped` counts the round's townships' others; the directory leaves other townships out).
     * Idempotent: a retried page starts nothing twice.
     */
    async launchBranchPage(input: LaunchPageInput): Promise<LaunchPageResult> {
      const page = await callEndpoint(deps.nc, 'directory', 'branches', {
        countyCode: input.countyCode,
        townshipCodes: input.townshipCodes,
        after: input.after ?? undefined,
        limit: input.limit,
      });
      const startable = page.branches.filter((b) => input.catalogs.some((c) => c.branchType === b.type));
      let done = 0;
      await mapLimited(startable, LAUNCH_CONCURRENCY, async (branch) => {
        await startBranch(deps, input, branch);
        done += 1;
        Context.current().heartbeat(done);
      });
      const started = startable.length;
      const skipped = page.branches.length - started;
      return { started, skipped, next: page.next };
    },

    /**
     * One run of a calendar job (see schedules.ts): asks the owning service to do the period that just
     * ended. Every endpoint is idempotent per period, so retries and catch-up runs never double up.
     */
    async runPeriodicJob(input: PeriodicJobInput): Promise<PeriodicJobResult> {
      const period = reportingPeriod(input.job, input.atMs);
      const call = <S extends 'notifications' | 'tasks' | 'ranking'>(
        service: S,
        endpoint: EndpointName<S>,
        request: object,
      ) => callEndpoint(deps.nc, service, endpoint, request as never, PERIODIC_JOB_TIMEOUT_MS);
      switch (period.job) {
        case 'daily-digest':
          return { period, result: await call('notifications', 'sendDigests', { day: period.day }) };
        case 'weekly-ledger-snapshots':
          return { period, result: await call('tasks', 'weeklySnapshots', { week: period.week }) };
        case 'monthly-ranking':
          return { period, result: await call('ranking', 'monthlyRun', { period: period.period }) };
      }
    },
  };
}

export interface PeriodicJobInput {
  job: PeriodicJob;
  /** The run's nominal (scheduled) time: the period is derived from it, not from when it ran. */
  atMs: number;
}

export interface PeriodicJobResult {
  period: ReportingPeriod;
  result: unknown;
}

export type Activities = ReturnType<typeof createActivities>;
