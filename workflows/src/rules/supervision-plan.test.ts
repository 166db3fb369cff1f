import type { EscalationRung } from '@fivestar/contracts';
import { supervisionPlan } from './supervision-plan';

const ladder: EscalationRung[] = [
  { level: 'blue', afterSeconds: 0, notify: { role: 'township_reviewer', scope: 'township' } },
  { level: 'yellow', afterSeconds: 5, notify: { role: 'coordinator', scope: 'county' } },
  { level: 'red', afterSeconds: 10, notify: { role: 'county_reviewer', scope: 'county' } },
];

describe('supervisionPlan', () => {
  it('orders reminder, overdue, then each rung after the deadline', () => {
    const plan = supervisionPlan(0, 10_000, 3, ladder);
    expect(plan.map((m) => [m.kind, m.atMs, m.kind === 'escalation' ? m.rung.level : null])).toEqual([
      ['reminder', 7_000, null],
      ['overdue', 10_000, null],
      ['escalation', 10_000, 'blue'],
      ['escalation', 15_000, 'yellow'],
      ['escalation', 20_000, 'red'],
    ]);
  });

  it('skips a reminder that would fall before the step opened', () => {
    expect(supervisionPlan(8_000, 10_000, 3, ladder)[0]!.kind).toBe('overdue');
    expect(supervisionPlan(0, 10_000, 0, ladder)[0]!.kind).toBe('overdue');
  });
});
