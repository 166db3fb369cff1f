import type { RoundSchedule } from '@fivestar/contracts';

export const seconds = (n: number) => ({ seconds: n });

/**
 * A round in which nothing falls due while a test runs: every step and rectification `each` seconds
 * long, one blue rung at the deadline, no 公示 unless overridden.
 */
export function quietSchedule(each: number, overrides: Partial<RoundSchedule> = {}): RoundSchedule {
  return {
    calendar: 'cn-mainland',
    uncoveredYear: 'refuse',
    steps: {
      SELF_CHECK: seconds(each),
      TOWNSHIP_REVIEW: seconds(each),
      COUNTY_PRE_REVIEW: seconds(each),
      ON_SITE_OBSERVATION: seconds(each),
      AWARD: seconds(each),
    },
    rectification: seconds(each),
    reminderBefore: seconds(1),
    urgeIntervalSeconds: 3600,
    unsignedPolicy: { SELF_CHECK: 'wait' },
    escalation: [
      { level: 'blue', after: seconds(0), notify: { role: 'township_reviewer', scope: 'township' } },
    ],
    observation: { rule: 'mean', quorum: 2, outlierPoints: 3 },
    publicNotice: null,
    revocation: { proposeAtLastRung: true },
    award: { capstoneRequiresAllOthers: true },
    ...overrides,
  };
}
