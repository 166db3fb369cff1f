import { CN_MAINLAND_CALENDAR, type EscalationRung } from '@fivestar/contracts';
import { dueAt, planTimes } from '@fivestar/contracts';
import { supervisionPlan } from './supervision-plan';

const seconds = (s: number) => ({ seconds: s });
const ladder: EscalationRung[] = [
  { level: 'blue', after: seconds(0), notify: { role: 'township_reviewer', scope: 'township' } },
  { level: 'yellow', after: seconds(5), notify: { role: 'coordinator', scope: 'county' } },
  { level: 'red', after: seconds(10), notify: { role: 'county_reviewer', scope: 'county' } },
];
const cal = CN_MAINLAND_CALENDAR;
const at = (iso: string) => Date.parse(iso);

describe('supervisionPlan', () => {
  it('orders reminder, overdue, then each rung after the deadline', () => {
    const plan = supervisionPlan(planTimes(cal, 0, 10_000, seconds(3), ladder));
    expect(plan.map((m) => [m.kind, m.atMs, m.kind === 'escalation' ? m.rung.level : null])).toEqual([
      ['reminder', 7_000, null],
      ['overdue', 10_000, null],
      ['escalation', 10_000, 'blue'],
      ['escalation', 15_000, 'yellow'],
      ['escalation', 20_000, 'red'],
    ]);
  });

  it('skips a reminder that would fall before the work opened, or none configured', () => {
    expect(supervisionPlan(planTimes(cal, 8_000, 10_000, seconds(3), ladder))[0]!.kind).toBe('overdue');
    expect(supervisionPlan(planTimes(cal, 0, 10_000, seconds(0), ladder))[0]!.kind).toBe('overdue');
  });
});

describe('working-day deadlines', () => {
  // Monday 2026-09-28, 10:00 Beijing: National Day (Oct 1–7) sits between.
  const opened = at('2026-09-28T02:00:00Z');

  it('a holiday stretches a deadline; a make-up Saturday counts', () => {
    // Sep 29, 30 are working days; Oct 1–7 are off; Sat Oct 10 is a make-up workday.
    expect(new Date(dueAt(cal, opened, { workingDays: 5 })).toISOString()).toBe('2026-10-10T15:59:59.999Z');
    expect(new Date(dueAt(cal, opened, { workingDays: 2 })).toISOString()).toBe('2026-09-30T15:59:59.999Z');
  });

  it('a fixed date is due at the end of that Beijing day', () => {
    expect(new Date(dueAt(cal, opened, { until: '2026-10-20' })).toISOString()).toBe(
      '2026-10-20T15:59:59.999Z',
    );
  });

  it('reminds working days ahead and escalates working days after', () => {
    const deadline = dueAt(cal, opened, { workingDays: 5 }); // Sat Oct 10 (make-up day)
    const wdLadder: EscalationRung[] = ladder.map((r, i) => ({ ...r, after: { workingDays: i * 2 } }));
    const t = planTimes(cal, opened, deadline, { workingDays: 3 }, wdLadder);
    expect(new Date(t.reminderAtMs!).toISOString()).toBe('2026-09-29T16:00:00.000Z'); // start of Sep 30 (Beijing)
    expect(t.rungs.map((r) => new Date(r.atMs).toISOString())).toEqual([
      '2026-10-10T15:59:59.999Z',
      '2026-10-13T15:59:59.999Z', // Sun 11 off, Mon 12, Tue 13
      '2026-10-15T15:59:59.999Z',
    ]);
  });
});
