import { faultCause, type EventOf, type FivestarEvent } from '@fivestar/contracts';
import { sql, type Transaction } from 'kysely';
import type { NotificationsDB } from './db';
import { enqueueUserDeliveries } from './deliveries';

/** What administrators are told of an alert; `branches`: how many inside their jurisdiction it concerns. */
export function faultNoticeText(calendar: { calendarId: string; year: number } | null): {
  title: string;
  body: (branches: number) => string;
} {
  if (calendar)
    return {
      title: `工作日历缺少${calendar.year}年数据`,
      body: (n) =>
        `工作日历缺少${calendar.year}年数据，${n}个支部的期限暂停计算，请在系统管理→工作日历中加载${calendar.year}年的节假日安排。`,
    };
  return {
    title: '系统处理异常',
    body: (n) =>
      `${n}个支部的流程因后台处理反复失败而暂停推进，系统正在自动重试；如长时间未恢复，请联系技术支持。`,
  };
}

/**
 * `system.activity_failing`: the administrators covering the branch hear of it once per county and cause
 * while any fault of that county and cause is open (fault_alerts, keyed by both). Their notice carries
 * the alert's id as its event id, so a later branch failing for the same cause does not add a notice: it
 * updates the count in the ones already sent (each counts the branches inside the reader's jurisdiction),
 * and reaches an administrator it is the first branch of. Email / SMS go out with the first notice only.
 */
async function failing(
  trx: Transaction<NotificationsDB>,
  event: EventOf<'system.activity_failing'>,
  deliver: boolean,
): Promise<void> {
  const d = event.data;
  const branchId = event.branchId ?? event.jurisdiction;
  const county = branchId.slice(0, 6);
  const { cause } = faultCause({ calendar: d.calendar, activityType: d.activityType });
  const counted = await trx
    .selectFrom('branch_faults')
    .select('workflow_id')
    .where('workflow_id', '=', d.workflowId)
    .where('activity_id', '=', d.activityId)
    .where('recovered_at', 'is', null)
    .executeTakeFirst();
  if (counted) return; // Already failing: told already.
  await trx
    .insertInto('fault_alerts')
    .values({ county_code: county, cause, alert_id: event.id, opened_at: event.occurredAt })
    .onConflict((oc) => oc.columns(['county_code', 'cause']).doNothing())
    .execute();
  const { alert_id: alertId } = await trx
    .selectFrom('fault_alerts')
    .select('alert_id')
    .where('county_code', '=', county)
    .where('cause', '=', cause)
    .executeTakeFirstOrThrow();
  const fault = { branch_id: branchId, county_code: county, cause, alert_id: alertId, recovered_at: null };
  await trx
    .insertInto('branch_faults')
    .values({ workflow_id: d.workflowId, activity_id: d.activityId, ...fault })
    // The same activity failing again after it recovered (a reset workflow) counts anew.
    .onConflict((oc) =>
      oc
        .columns(['workflow_id', 'activity_id'])
        .doUpdateSet(fault)
        .where('branch_faults.recovered_at', 'is not', null),
    )
    .execute();

  // Each administrator covering the branch, with how many of the alert's branches lie inside their area.
  const admins = await trx
    .selectFrom('recipients as r')
    .innerJoin('branch_faults as f', (j) =>
      j.on('f.alert_id', '=', alertId).on(sql<boolean>`starts_with(f.branch_id, r.jurisdiction)`),
    )
    .select(['r.user_id', sql<string>`count(DISTINCT f.branch_id)`.as('branches')])
    .where('r.active', '=', true)
    .where('r.role', '=', 'admin')
    .where(sql<boolean>`starts_with(${branchId}::text, r.jurisdiction)`)
    .groupBy('r.user_id')
    .execute();
  if (!admins.length) return;
  const text = faultNoticeText(d.calendar);
  await trx
    .insertInto('notices')
    .values(
      admins.map((a) => ({
        event_id: alertId,
        user_id: a.user_id,
        kind: 'system_fault' as const,
        title: text.title,
        body: text.body(Number(a.branches)),
        // Event time, not wall-clock time: a rebuild writes identical rows.
        created_at: event.occurredAt,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['event_id', 'user_id']).doUpdateSet((eb) => ({ body: eb.ref('excluded.body') })),
    )
    .execute();
  // Group robots are for the people doing the work, not for this: email / SMS only, as each asked.
  if (deliver) await enqueueUserDeliveries(trx, alertId);
}

/** `system.activity_recovered`: the fault is over; the alert ends with the last open fault of its county and cause. */
async function recovered(
  trx: Transaction<NotificationsDB>,
  event: EventOf<'system.activity_recovered'>,
): Promise<void> {
  const fault = await trx
    .updateTable('branch_faults')
    .set({ recovered_at: event.occurredAt })
    .where('workflow_id', '=', event.data.workflowId)
    .where('activity_id', '=', event.data.activityId)
    .where('recovered_at', 'is', null)
    .returning(['county_code', 'cause', 'alert_id'])
    .executeTakeFirst();
  if (!fault) return;
  const open = await trx
    .selectFrom('branch_faults')
    .select('workflow_id')
    .where('county_code', '=', fault.county_code)
    .where('cause', '=', fault.cause)
    .where('recovered_at', 'is', null)
    .executeTakeFirst();
  if (!open)
    await trx
      .deleteFrom('fault_alerts')
      .where('county_code', '=', fault.county_code)
      .where('cause', '=', fault.cause)
      .where('alert_id', '=', fault.alert_id)
      .execute();
}

/** Applies the fault events (inside applyOnce's transaction); false for any other event. */
export async function applyFaultEvent(
  trx: Transaction<NotificationsDB>,
  event: FivestarEvent,
  deliver: boolean,
): Promise<boolean> {
  if (event.type === 'system.activity_failing') await failing(trx, event, deliver);
  else if (event.type === 'system.activity_recovered') await recovered(trx, event);
  else return false;
  return true;
}
