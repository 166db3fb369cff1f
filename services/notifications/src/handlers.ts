import type { FivestarEvent } from '@fivestar/contracts';
import { sql, type Transaction } from 'kysely';
import type { NotificationsDB } from './db';
import { enqueueDeliveries } from './deliveries';
import { applyFaultEvent } from './faults';
import { noticeFor, type NoticeGroup } from './notices';

/**
 * Applies one event to the notification model (inside applyOnce's transaction).
 *
 * A notice is fanned out to the recipients known *when its event is applied*: a user who appears
 * (or is activated, or changes role) later does not receive older notices. That is deliberate — an
 * inbox is a record of what a person was told, and work still open reaches a newcomer through the
 * task ledger (services/tasks), not through back-dated notices. Replaying the stream in order
 * reproduces exactly the same fan-out, so a rebuild gives the same rows.
 */
export function handleEvent(trx: Transaction<NotificationsDB>, event: FivestarEvent): Promise<void> {
  return applyEvent(trx, event, true);
}

/**
 * The handler a rebuild uses: the same inbox rows, but no new webhook deliveries — a replay must not
 * post history to robots configured since (deliveries already recorded are kept as they are).
 */
export function handleEventWithoutDeliveries(
  trx: Transaction<NotificationsDB>,
  event: FivestarEvent,
): Promise<void> {
  return applyEvent(trx, event, false);
}

async function applyEvent(
  trx: Transaction<NotificationsDB>,
  event: FivestarEvent,
  deliver: boolean,
): Promise<void> {
  if (event.type === 'directory.user_upserted') {
    const u = event.data;
    await trx
      .insertInto('recipients')
      .values({
        user_id: u.userId,
        name: u.name,
        role: u.role,
        jurisdiction: u.jurisdiction,
        active: u.active,
        updated_at: event.occurredAt,
      })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            role: eb.ref('excluded.role'),
            jurisdiction: eb.ref('excluded.jurisdiction'),
            active: eb.ref('excluded.active'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          // Only a newer (or same-instant, later-in-stream) upsert wins.
          .where('recipients.updated_at', '<=', (eb) => eb.ref('excluded.updated_at')),
      )
      .execute();
    return;
  }

  // Faults reach administrators once per county and cause, not once per event (faults.ts).
  if (await applyFaultEvent(trx, event, deliver)) return;

  const draft = noticeFor(event);
  if (!draft) return;
  await trx
    .insertInto('notices')
    .columns([
      'event_id',
      'user_id',
      'kind',
      'title',
      'body',
      'round_id',
      'branch_id',
      'work_key',
      'escalation_level',
      'created_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('recipients')
        .select([
          sql<string>`${event.id}::text`.as('event_id'),
          'user_id',
          sql<string>`${draft.kind}::text`.as('kind'),
          sql<string>`${draft.title}::text`.as('title'),
          sql<string>`${draft.body}::text`.as('body'),
          sql<string>`${event.roundId}::text`.as('round_id'),
          sql<string>`${event.branchId}::text`.as('branch_id'),
          sql<string>`${draft.workKey}::text`.as('work_key'),
          sql<string>`${draft.escalationLevel}::text`.as('escalation_level'),
          // Event time, not wall-clock time: a rebuild writes identical rows.
          sql<string>`${event.occurredAt}::timestamptz`.as('created_at'),
        ])
        .where('active', '=', true)
        .where((eb) => eb.or(draft.groups.map((g) => eb.and([eb('role', '=', g.role), covers(g)])))),
    )
    .onConflict((oc) => oc.columns(['event_id', 'user_id']).doNothing())
    .execute();
  // One post per event and webhook (not per user), to every robot whose area contains a group; and
  // the email / SMS its recipients asked to have at once.
  if (deliver) await enqueueDeliveries(trx, event.id, draft);
}

/**
 * A user covers a group when they hold its jurisdiction at its level: a city's 专班 does not hear each of
 * its counties' notices (the escalation ladder names the city's rung when it should, docs/hierarchy.md).
 * An `inside` group is also heard by users bound anywhere inside its jurisdiction.
 */
function covers(g: NoticeGroup) {
  const covering = sql<boolean>`jurisdiction = ${g.jurisdiction}::text`;
  return g.inside
    ? sql<boolean>`(${covering} OR starts_with(jurisdiction, ${g.jurisdiction}::text))`
    : covering;
}

/**
 * Empties the event-derived tables before a rebuild (the processed-event ledger is emptied by platform).
 * Webhooks and preferences are configuration, deliveries are effects already had: all are kept.
 */
export async function truncateModel(trx: Transaction<NotificationsDB>): Promise<void> {
  await trx.deleteFrom('notices').execute();
  await trx.deleteFrom('recipients').execute();
  await trx.deleteFrom('branch_faults').execute();
  await trx.deleteFrom('fault_alerts').execute();
}
