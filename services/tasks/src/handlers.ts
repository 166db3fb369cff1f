import { WEAK_BRANCH_FINDING_ID, type FivestarEvent, type Step, type WorkItem } from '@fivestar/contracts';
import { sql, type Kysely } from 'kysely';
import { applyToFaults } from './faults';
import { applyToRounds } from './rounds';
import type { BranchProgressTable, TasksDb, TasksTable } from './schema';

/**
 * Applies one event to the read models: the task ledger, round progress, the rounds and the branches'
 * faults. Runs inside
 * `applyOnce`'s transaction, so it happens exactly once per event id. Every timestamp comes from
 * `occurredAt` (workflow time), never the wall clock: replaying the stream rebuilds identical rows.
 */
export async function handleEvent(trx: Kysely<TasksDb>, event: FivestarEvent): Promise<void> {
  await applyToLedger(trx, event);
  await applyToProgress(trx, event);
  await applyToRounds(trx, event);
  await applyToFaults(trx, event);
}

async function applyToLedger(trx: Kysely<TasksDb>, event: FivestarEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'branch.step_opened':
      return open(trx, event, event.data.work, { step: event.data.step, finding_id: null });
    case 'rectification.opened':
      return open(trx, event, event.data.work, { step: null, finding_id: event.data.findingId });
    case 'branch.revocation_proposed':
      // Proposals published before WorkItem.star existed name their star only in the event.
      return open(
        trx,
        event,
        { ...event.data.work, star: event.data.work.star ?? event.data.star },
        {
          step: null,
          finding_id: event.data.findingId,
        },
      );
    case 'branch.revocation_decided':
      return close(trx, event.data.closes, at, event.id);
    case 'work.extension_requested':
      return open(trx, event, event.data.work, {
        step: event.data.step ?? null,
        finding_id: event.data.findingId ?? null,
      });
    case 'work.extension_decided':
      await close(trx, event.data.closes, at, event.id);
      // An approved extension moves the work's deadline; its supervision starts over, so do its flags.
      if (event.data.approved) {
        await recordDeadline(trx, event, event.data.workKey, new Date(event.data.deadline));
        await mark(trx, event.data.workKey, {
          deadline: new Date(event.data.deadline),
          reminded_at: null,
          overdue_at: null,
          escalation_level: null,
        });
      }
      return;
    case 'work.replanned':
      return replanned(trx, event, event.data);
    case 'work.urged':
      await trx
        .updateTable('tasks')
        .set((eb) => ({ urged_at: at, urge_count: eb('urge_count', '+', 1) }))
        .where('key', '=', event.data.workKey)
        .execute();
      return;
    case 'branch.step_signed':
    case 'branch.step_returned':
    case 'branch.withdrawn':
    case 'rectification.closed':
      return close(trx, event.data.closes, at, event.id);
    case 'rectification.evidence_submitted':
    case 'rectification.rejected':
      // Hand-over: the current item closes first, then the next one opens (evidence → verify → evidence).
      await close(trx, event.data.closes, at, event.id);
      return open(trx, event, event.data.work, { step: null, finding_id: event.data.findingId });
    case 'branch.step_reminder':
    case 'rectification.reminder':
      return mark(trx, event.data.workKey, { reminded_at: at });
    case 'branch.step_overdue':
    case 'rectification.overdue':
      return mark(trx, event.data.workKey, { overdue_at: at });
    case 'branch.step_escalated':
    case 'rectification.escalated':
      return mark(trx, event.data.workKey, { escalation_level: event.data.level });
    default:
      return; // Not ledger business.
  }
}

/** Inserts the task, or reopens it when the key exists: a reopened item is fresh work with fresh flags. */
async function open(
  trx: Kysely<TasksDb>,
  event: FivestarEvent,
  work: WorkItem,
  ref: Pick<TasksTable, 'step' | 'finding_id'>,
): Promise<void> {
  const fields = {
    kind: work.kind,
    title: work.title,
    group_role: work.group.role,
    group_jurisdiction: work.group.jurisdiction,
    round_id: event.roundId,
    branch_id: event.branchId,
    ...ref,
    star: work.star ?? null,
    subject: work.subject ?? null,
    status: 'open' as const,
    deadline: new Date(work.deadline),
    provisional: work.provisional ?? false,
    opened_at: new Date(event.occurredAt),
    closed_at: null,
    escalation_level: null,
    reminded_at: null,
    overdue_at: null,
    urged_at: null,
    urge_count: 0,
    opened_event_id: event.id,
    closed_event_id: null,
  };
  await trx
    .insertInto('tasks')
    .values({ key: work.key, ...fields })
    .onConflict((oc) => oc.column('key').doUpdateSet(fields))
    .execute();
}

/** Only an open task closes: the first sign-off is the one on record. Unknown keys are ignored. */
async function close(trx: Kysely<TasksDb>, key: string, at: Date, eventId: string): Promise<void> {
  await trx
    .updateTable('tasks')
    .set({ status: 'done', closed_at: at, closed_event_id: eventId })
    .where('key', '=', key)
    .where('status', '=', 'open')
    .execute();
}

/**
 * Records a moved deadline in the history (who decided, at the event's time; `system` for a re-plan). Keyed by the event id, so
 * a rebuild replaying the stream (which leaves the history alone) adds nothing.
 */
async function recordDeadline(
  trx: Kysely<TasksDb>,
  event: FivestarEvent,
  key: string,
  to: Date,
  note: string | null = null,
): Promise<void> {
  const task = await trx.selectFrom('tasks').select('deadline').where('key', '=', key).executeTakeFirst();
  if (!task || task.deadline.getTime() === to.getTime()) return;
  await trx
    .insertInto('task_history')
    .values({
      key,
      action: 'deadline',
      by_id: event.actor?.userId ?? 'system',
      by_name: event.actor?.name ?? '',
      at: new Date(event.occurredAt),
      from_user: task.deadline.toISOString(),
      to_user: to.toISOString(),
      note,
      event_id: event.id,
    })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
}

/** The history note of a deadline moved by a re-plan (the console shows it). */
const REPLANNED_NOTE = '已按新加载的工作日历重新计算期限';

/**
 * A calendar year the work was counted in provisionally was loaded: the open task takes the new deadline
 * (recorded in its history like an approved extension) and loses the provisional flag when the new plan
 * has none. The workflow's supervision starts over from the new plan and fires again whatever milestone
 * has come by then, so a deadline moved beyond the event's time clears the marks, as an extension does;
 * one still past keeps them.
 */
async function replanned(
  trx: Kysely<TasksDb>,
  event: FivestarEvent,
  d: { workKey: string; deadline: string; provisional: boolean },
): Promise<void> {
  const deadline = new Date(d.deadline);
  const task = await trx
    .selectFrom('tasks')
    .select('key')
    .where('key', '=', d.workKey)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!task) return;
  await recordDeadline(trx, event, d.workKey, deadline, REPLANNED_NOTE);
  const ahead = deadline.getTime() > Date.parse(event.occurredAt);
  await trx
    .updateTable('tasks')
    .set({
      deadline,
      provisional: d.provisional,
      ...(ahead ? { reminded_at: null, overdue_at: null, escalation_level: null } : {}),
    })
    .where('key', '=', d.workKey)
    .where('status', '=', 'open')
    .execute();
}

async function mark(
  trx: Kysely<TasksDb>,
  key: string,
  set: Partial<Pick<TasksTable, 'deadline' | 'reminded_at' | 'overdue_at' | 'escalation_level'>>,
): Promise<void> {
  await trx.updateTable('tasks').set(set).where('key', '=', key).execute();
}

// ---- round progress -------------------------------------------------------------------------------

/**
 * What an event says about where its branch stands. `insert` fills a row the branch does not have yet
 * (only its step, attempt and status); `update` lists the columns the event changes on an existing row.
 */
interface ProgressChange {
  insert: { step: Step; attempt: number; status: BranchProgressTable['status'] };
  update: Partial<Pick<BranchProgressTable, 'step' | 'attempt' | 'status' | 'level'>>;
  /** A step without attempts of its own (公示, 整改, 办结): the attempt resets to 1 when the step changes. */
  stepWithoutAttempts?: boolean;
}

/**
 * Entering a step without attempts of its own with `status`: a new row starts at attempt 1, an existing
 * one takes the step and status, and whatever else the event changes (`also`).
 */
function enteredStep(
  step: Step,
  status: BranchProgressTable['status'],
  also: Pick<ProgressChange['update'], 'level'> = {},
): ProgressChange {
  return {
    insert: { step, attempt: 1, status },
    update: { step, status, ...also },
    stepWithoutAttempts: true,
  };
}

function progressChange(event: FivestarEvent): ProgressChange | null {
  switch (event.type) {
    case 'branch.step_opened': {
      const row = { step: event.data.step, attempt: event.data.attempt, status: 'active' as const };
      return { insert: row, update: row };
    }
    case 'branch.notice_started':
      return enteredStep('PUBLIC_NOTICE', 'active', { level: event.data.level });
    case 'rectification.opened':
      // A weak branch's 整顿 opens beside its self-check: the branch is not in rectification yet.
      return event.data.findingId === WEAK_BRANCH_FINDING_ID ? null : enteredStep('RECTIFICATION', 'active');
    case 'branch.awarded':
      // Awarded once the notice (if any) is over; a branch first seen here has at least reached AWARD.
      return {
        insert: { step: 'AWARD', attempt: 1, status: 'active' },
        update: { level: event.data.level },
      };
    case 'branch.star_revoked':
      // 摘星 comes at the last rung of a failing rectification.
      return {
        insert: { step: 'RECTIFICATION', attempt: 1, status: 'active' },
        update: { level: event.data.level },
      };
    case 'branch.objection_upheld':
      // The award on notice is annulled (the workflow drops its level); the step it returns to opens next.
      return { insert: { step: event.data.toStep, attempt: 1, status: 'active' }, update: { level: null } };
    case 'branch.withdrawn': {
      const row = { step: event.data.step, attempt: event.data.attempt, status: 'withdrawn' as const };
      return { insert: row, update: row };
    }
    case 'branch.closed':
      return enteredStep('CLOSED', 'closed', { level: event.data.level });
    default:
      return null;
  }
}

const BRANCH_CODE = /^\d{12}$/;

/**
 * Keeps `branch_progress`. Out-of-order safe: the row remembers the occurredAt of the event that last
 * wrote it, and an older event changes nothing (an equal time still applies: the stream order decides).
 */
async function applyToProgress(trx: Kysely<TasksDb>, event: FivestarEvent): Promise<void> {
  const change = progressChange(event);
  const { roundId, branchId } = event;
  if (!change || roundId === null || branchId === null || !BRANCH_CODE.test(branchId)) return;
  const at = new Date(event.occurredAt);
  const { level, ...update } = change.update;
  await trx
    .insertInto('branch_progress')
    .values({
      round_id: roundId,
      branch_id: branchId,
      township_code: branchId.slice(0, 9),
      county_code: branchId.slice(0, 6),
      ...change.insert,
      level: level ?? null,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc
        .columns(['round_id', 'branch_id'])
        .doUpdateSet({
          ...update,
          ...(level !== undefined ? { level } : {}),
          ...(change.stepWithoutAttempts
            ? {
                attempt: sql<number>`case when branch_progress.step = excluded.step
                  then branch_progress.attempt else excluded.attempt end`,
              }
            : {}),
          updated_at: at,
        })
        .where('branch_progress.updated_at', '<=', at),
    )
    .execute();
}
