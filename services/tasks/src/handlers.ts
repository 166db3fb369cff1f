import type { FivestarEvent, WorkItem } from '@fivestar/contracts';
import type { Kysely } from 'kysely';
import type { TasksDb, TasksTable } from './schema';

/**
 * Applies one event to the ledger. Runs inside `applyOnce`'s transaction, so it happens exactly once per
 * event id. Every timestamp comes from `occurredAt` (workflow time), never the wall clock: replaying the
 * stream rebuilds identical rows.
 */
export async function handleEvent(trx: Kysely<TasksDb>, event: FivestarEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'branch.step_opened':
      return open(trx, event, event.data.work, { step: event.data.step, finding_id: null });
    case 'rectification.opened':
      return open(trx, event, event.data.work, { step: null, finding_id: event.data.findingId });
    case 'work.extension_requested':
      return open(trx, event, event.data.work, {
        step: event.data.step ?? null,
        finding_id: event.data.findingId ?? null,
      });
    case 'work.extension_decided':
      await close(trx, event.data.closes, at, event.id);
      // An approved extension moves the work's deadline; its supervision starts over, so do its flags.
      if (event.data.approved) {
        await mark(trx, event.data.workKey, {
          deadline: new Date(event.data.deadline),
          reminded_at: null,
          overdue_at: null,
          escalation_level: null,
        });
      }
      return;
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
    status: 'open' as const,
    deadline: new Date(work.deadline),
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

async function mark(
  trx: Kysely<TasksDb>,
  key: string,
  set: Partial<Pick<TasksTable, 'deadline' | 'reminded_at' | 'overdue_at' | 'escalation_level'>>,
): Promise<void> {
  await trx.updateTable('tasks').set(set).where('key', '=', key).execute();
}
