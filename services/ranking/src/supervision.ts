import type { EscalationLevel, EventOf, FivestarEvent } from '@fivestar/contracts';
import type { Transaction } from 'kysely';
import type { RankingDB } from './db';

/** A rectification is one item from opening to close-out, whichever of its work items is owed. */
export const findingItemKey = (roundId: string | null, branchCode: string, findingId: string): string =>
  `${roundId ?? ''}/${branchCode}/finding/${findingId}`;

type SupervisionEvent =
  | EventOf<'branch.step_overdue'>
  | EventOf<'branch.step_escalated'>
  | EventOf<'rectification.overdue'>
  | EventOf<'rectification.escalated'>;

/** Puts the late work on the lists, or moves it up the ladder (first overdue time kept). */
async function supervised(
  trx: Transaction<RankingDB>,
  event: SupervisionEvent,
  branchCode: string,
  level: EscalationLevel | null,
): Promise<void> {
  const d = event.data;
  const ref =
    'findingId' in d
      ? {
          item_key: findingItemKey(event.roundId, branchCode, d.findingId),
          kind: 'rectification' as const,
          step: null,
          finding_id: d.findingId,
        }
      : { item_key: d.workKey, kind: 'step' as const, step: d.step, finding_id: null };
  const escalation = level ? { escalation_level: level, escalated_at: event.occurredAt } : {};
  await trx
    .insertInto('supervised_items')
    .values({
      ...ref,
      round_id: event.roundId,
      branch_code: branchCode,
      work_key: d.workKey,
      title: d.title,
      deadline: d.deadline,
      overdue_at: event.occurredAt,
      ...escalation,
    })
    .onConflict((oc) =>
      oc.column('item_key').doUpdateSet((eb) => ({
        work_key: eb.ref('excluded.work_key'),
        title: eb.ref('excluded.title'),
        deadline: eb.ref('excluded.deadline'),
        ...(level
          ? {
              escalation_level: eb.ref('excluded.escalation_level'),
              escalated_at: eb.ref('excluded.escalated_at'),
            }
          : {}),
      })),
    )
    .execute();
}

const remove = (trx: Transaction<RankingDB>, itemKey: string) =>
  trx.deleteFrom('supervised_items').where('item_key', '=', itemKey).execute();

/**
 * Applies the events that put work on the overdue and escalated lists or take it off (inside applyOnce's
 * transaction); other events change nothing here.
 */
export async function applySupervision(trx: Transaction<RankingDB>, event: FivestarEvent): Promise<void> {
  // Work outside a branch is on no branch's list.
  const branchCode = event.branchId;
  if (!branchCode) return;
  switch (event.type) {
    case 'branch.step_overdue':
    case 'rectification.overdue':
      await supervised(trx, event, branchCode, null);
      return;
    case 'branch.step_escalated':
    case 'rectification.escalated':
      await supervised(trx, event, branchCode, event.data.level);
      return;
    case 'branch.step_signed':
    case 'branch.step_returned':
    case 'branch.withdrawn':
      await remove(trx, event.data.closes);
      return;
    case 'rectification.closed':
      await remove(trx, findingItemKey(event.roundId, branchCode, event.data.findingId));
      return;
    case 'work.extension_decided': {
      // An approved extension moves the deadline and starts supervision over: not overdue any more.
      if (!event.data.approved) return;
      const { findingId, workKey } = event.data;
      await remove(trx, findingId ? findingItemKey(event.roundId, branchCode, findingId) : workKey);
      return;
    }
    case 'work.replanned': {
      // A loaded calendar year moved the deadline and supervision starts over: off the lists when the
      // new deadline lies ahead (the workflow's overdue event puts it back when due), else re-dated.
      const { findingId, workKey, deadline } = event.data;
      const itemKey = findingId ? findingItemKey(event.roundId, branchCode, findingId) : workKey;
      if (Date.parse(deadline) > Date.parse(event.occurredAt)) await remove(trx, itemKey);
      else
        await trx
          .updateTable('supervised_items')
          .set({ deadline })
          .where('item_key', '=', itemKey)
          .where('work_key', '=', workKey)
          .execute();
      return;
    }
    case 'branch.closed':
      // The branch's cycle is over, its rectifications included.
      await trx
        .deleteFrom('supervised_items')
        .where('branch_code', '=', branchCode)
        .where((eb) =>
          event.roundId === null ? eb('round_id', 'is', null) : eb('round_id', '=', event.roundId),
        )
        .execute();
      return;
    default:
      return;
  }
}
