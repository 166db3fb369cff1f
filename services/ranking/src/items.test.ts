import { CN_MAINLAND_CALENDAR, WorkCalendar } from '@fivestar/contracts';
import { bulletinLists, overdueDays, type ItemRow } from './items';

const cal = CN_MAINLAND_CALENDAR;
// The end of 2026-09-30 in Beijing (a Wednesday, the eve of the National Day holidays, 1–7 October).
const deadline = Date.parse('2026-09-30T15:59:59.999Z');

describe('overdueDays', () => {
  it('counts working days after the deadline day, skipping holidays', () => {
    // Fri 9 October, 10:00 Beijing: 8 and 9 October are the only working days since.
    expect(overdueDays(cal, deadline, Date.parse('2026-10-09T02:00:00Z'))).toEqual({
      daysOverdue: 2,
      daysUnit: 'working',
    });
    // 01:00 Beijing on Sat 10 October, a make-up workday (the UTC date is still the 9th).
    expect(overdueDays(cal, deadline, Date.parse('2026-10-09T17:00:00Z')).daysOverdue).toBe(3);
  });

  it('is 0 on the deadline day and never negative', () => {
    expect(overdueDays(cal, deadline, Date.parse('2026-09-30T15:59:59.999Z')).daysOverdue).toBe(0);
    expect(overdueDays(cal, deadline, Date.parse('2026-09-01T00:00:00Z')).daysOverdue).toBe(0);
  });

  it('falls back to Beijing calendar days, and says so, when the calendar lacks a year', () => {
    const only2026 = WorkCalendar.parse({ id: 'only-2026', years: { 2026: cal.years['2026'] } });
    const endOf2026 = Date.parse('2026-12-30T15:59:59.999Z');
    expect(overdueDays(only2026, endOf2026, Date.parse('2027-01-05T02:00:00Z'))).toEqual({
      daysOverdue: 6,
      daysUnit: 'calendar',
    });
  });
});

describe('bulletinLists', () => {
  const row = (code: string, level: ItemRow['escalation_level'], since: string | null): ItemRow => ({
    kind: 'step',
    branch_code: code,
    branch_name: null,
    township_code: null,
    township_name: null,
    round_id: 'r1',
    step: 'SELF_CHECK',
    finding_id: null,
    title: `${code} 自评`,
    deadline: new Date(deadline),
    overdue_at: new Date('2026-10-01T00:00:00Z'),
    escalation_level: level,
    escalated_at: since ? new Date(since) : null,
  });
  const asOf = new Date('2026-10-09T02:00:00Z');

  it('lists every overdue item in the given order and the escalated ones red first, then longest at it', () => {
    const { overdue, escalated } = bulletinLists(
      [
        row('410102001001', 'blue', '2026-10-02T00:00:00Z'),
        row('410102001002', null, null),
        row('410102001003', 'red', '2026-10-08T00:00:00Z'),
        row('410102001004', 'blue', '2026-10-01T00:00:00Z'),
      ],
      asOf,
      cal,
    );
    expect(overdue.map((i) => i.branchCode.slice(-1))).toEqual(['1', '2', '3', '4']);
    expect(escalated.map((i) => [i.branchCode.slice(-1), i.escalation?.level])).toEqual([
      ['3', 'red'],
      ['4', 'blue'],
      ['1', 'blue'],
    ]);
  });

  it('names an item by its codes while the directory has not told the branch', () => {
    const [item] = bulletinLists([row('410102001001', null, null)], asOf, cal).overdue;
    expect(item).toMatchObject({
      branchName: '410102001001',
      townshipCode: '410102001',
      townshipName: '410102001',
      daysOverdue: 2,
      daysUnit: 'working',
      escalation: null,
      deadline: '2026-09-30T15:59:59.999Z',
    });
  });
});
