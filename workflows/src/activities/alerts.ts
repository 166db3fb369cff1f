import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { publishEvent, type JetStreamClient, type Logger } from '@fivestar/platform';
import type { FivestarEvent } from '@fivestar/contracts';

/** The attempt at which a failing activity is reported (one event), and after which a success ends it. */
export const ALERT_AT_ATTEMPT = 3;

const BRANCH_WORKFLOW = /^round\/([^/]+)\/branch\/(\d{12})(?:\/|$)/;

type Alert = Extract<FivestarEvent, { type: 'system.activity_failing' | 'system.activity_recovered' }>;

/** A calendar year the failure waits on (CalendarNotCoveredError carries it), else null. */
function calendarOf(err: unknown): { calendarId: string; year: number } | null {
  const e = err as { name?: string; calendarId?: unknown; year?: unknown } | null;
  return e?.name === 'CalendarNotCoveredError' &&
    typeof e.calendarId === 'string' &&
    typeof e.year === 'number'
    ? { calendarId: e.calendarId, year: e.year }
    : null;
}

/**
 * No activity retries in silence: an activity of a branch's or a rectification's workflow that fails its
 * ALERT_AT_ATTEMPT-th attempt publishes `system.activity_failing` (the branch shows 系统处理异常, the
 * administrators are told once), and its first success after that `system.activity_recovered`. Every
 * failure from that attempt on is logged with the workflow's id, whatever the workflow.
 */
export function activityAlerts(js: JetStreamClient, log: Logger): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const { attempt, activityId, activityType, workflowExecution } = ctx.info;
        if (!workflowExecution) return next(input);
        const { workflowId, runId } = workflowExecution;
        const branch = BRANCH_WORKFLOW.exec(workflowId);
        const alert = async (make: (base: Omit<Alert, 'type' | 'data' | 'id'>) => Alert) => {
          if (!branch) return;
          const base = {
            version: 1 as const,
            occurredAt: new Date().toISOString(),
            roundId: branch[1]!,
            branchId: branch[2]!,
            jurisdiction: branch[2]!,
            actor: null,
          };
          await publishEvent(js, make(base)).catch((err: unknown) =>
            log.error({ err, workflowId, activityType }, 'activity alert not published'),
          );
        };
        const id = (what: string) => `${workflowId}#activity/${runId}/${activityId}/${what}`;
        try {
          const result = await next(input);
          if (attempt > ALERT_AT_ATTEMPT) {
            log.info({ workflowId, activityType, attempt }, 'activity recovered');
            await alert((base) => ({
              ...base,
              id: id('recovered'),
              type: 'system.activity_recovered',
              data: { workflowId, activityId, activityType, attempt },
            }));
          }
          return result;
        } catch (err) {
          if (attempt >= ALERT_AT_ATTEMPT)
            log.error({ err, workflowId, activityType, attempt }, 'activity failing');
          if (attempt === ALERT_AT_ATTEMPT) {
            const message = err instanceof Error ? err.message : String(err);
            await alert((base) => ({
              ...base,
              id: id('failing'),
              type: 'system.activity_failing',
              data: { workflowId, activityId, activityType, attempt, message, calendar: calendarOf(err) },
            }));
          }
          throw err;
        }
      },
    },
  });
}
