import {
  beijingDate,
  CalendarNotCoveredError,
  workingDaysBetween,
  type BulletinItem,
  type EscalationLevel,
  type HumanStep,
  type WorkCalendar,
} from '@fivestar/contracts';
import type { Kysely } from 'kysely';
import type { RankingDB } from './db';

const DAY_MS = 86_400_000;

/**
 * Days an item is overdue at `asOfMs`: working days after the deadline's Beijing day up to and including
 * the day of `asOfMs`; Beijing calendar days when the calendar does not cover a year the count needs
 * (a bulletin must never fail on that, and it says which unit it used).
 */
export function overdueDays(
  calendar: WorkCalendar,
  deadlineMs: number,
  asOfMs: number,
): Pick<BulletinItem, 'daysOverdue' | 'daysUnit'> {
  try {
    return {
      daysOverdue: Math.max(0, workingDaysBetween(calendar, deadlineMs, asOfMs)),
      daysUnit: 'working',
    };
  } catch (err) {
    if (!(err instanceof CalendarNotCoveredError)) throw err;
    const days = (Date.parse(beijingDate(asOfMs)) - Date.parse(beijingDate(deadlineMs))) / DAY_MS;
    return { daysOverdue: Math.max(0, days), daysUnit: 'calendar' };
  }
}

/** A supervised item joined with the directory's names (null: the branch is not known yet). */
export interface ItemRow {
  kind: BulletinItem['kind'];
  branch_code: string;
  branch_name: string | null;
  township_code: string | null;
  township_name: string | null;
  round_id: string | null;
  step: HumanStep | null;
  finding_id: string | null;
  title: string;
  deadline: Date;
  overdue_at: Date;
  escalation_level: EscalationLevel | null;
  escalated_at: Date | null;
}

const SEVERITY: Record<EscalationLevel, number> = { red: 0, yellow: 1, blue: 2 };

/**
 * The bulletin's two lists from the rows (given longest overdue first): every overdue item, and the
 * escalated ones, red first and, within a level, the longest at it first.
 */
export function bulletinLists(
  rows: readonly ItemRow[],
  asOf: Date,
  calendar: WorkCalendar,
): { overdue: BulletinItem[]; escalated: BulletinItem[] } {
  const overdue = rows.map((r): BulletinItem => {
    // Codes nest: a branch not in the directory copy yet still has its township in its code.
    const townshipCode = r.township_code ?? r.branch_code.slice(0, 9);
    return {
      kind: r.kind,
      branchCode: r.branch_code,
      branchName: r.branch_name ?? r.branch_code,
      townshipCode,
      townshipName: r.township_name ?? townshipCode,
      roundId: r.round_id,
      step: r.step,
      findingId: r.finding_id,
      title: r.title,
      deadline: r.deadline.toISOString(),
      overdueSince: r.overdue_at.toISOString(),
      ...overdueDays(calendar, r.deadline.getTime(), asOf.getTime()),
      escalation:
        r.escalation_level && r.escalated_at
          ? { level: r.escalation_level, since: r.escalated_at.toISOString() }
          : null,
    };
  });
  const escalated = overdue
    .filter((i) => i.escalation)
    .sort(
      (a, b) =>
        SEVERITY[a.escalation!.level] - SEVERITY[b.escalation!.level] ||
        Date.parse(a.escalation!.since) - Date.parse(b.escalation!.since),
    );
  return { overdue, escalated };
}

/** The overdue and escalated items under a code (a county's, a city's, the province's) as they stand now. */
export async function areaItems(
  db: Kysely<RankingDB>,
  code: string,
  asOf: Date,
  calendar: WorkCalendar,
): Promise<{ overdue: BulletinItem[]; escalated: BulletinItem[] }> {
  const rows = await db
    .selectFrom('supervised_items as i')
    .leftJoin('branches as b', 'b.code', 'i.branch_code')
    .select([
      'i.kind',
      'i.branch_code',
      'b.name as branch_name',
      'b.township_code',
      'b.township_name',
      'i.round_id',
      'i.step',
      'i.finding_id',
      'i.title',
      'i.deadline',
      'i.overdue_at',
      'i.escalation_level',
      'i.escalated_at',
    ])
    .where('i.branch_code', 'like', `${code}%`)
    .orderBy('i.deadline')
    .orderBy('i.branch_code')
    .orderBy('i.item_key')
    .execute();
  return bulletinLists(rows, asOf, calendar);
}
