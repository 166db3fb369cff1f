/** What the workflow tests share: the branch, its people, a quiet schedule, polling and refusals. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor, Branch, Role, RoundSchedule } from '@fivestar/contracts';

export const BRANCH: Branch = {
  code: '411099100201',
  name: '一村党支部',
  type: 'rural',
  townshipCode: '411099100',
  countyCode: '411099',
  weak: false,
};
export const person = (userId: string, role: Role, jurisdiction: string): Actor => ({
  userId,
  name: userId,
  role,
  jurisdiction,
});
export const secretary = person('sec', 'village_secretary', BRANCH.code);
export const township = person('twp', 'township_reviewer', BRANCH.townshipCode);
export const county = person('cty', 'county_reviewer', BRANCH.countyCode);
export const observers = [
  person('obs-1', 'observer', BRANCH.countyCode),
  person('obs-2', 'observer', BRANCH.countyCode),
];
export const coordinator = person('coord', 'coordinator', BRANCH.countyCode);

export const seconds = (n: number) => ({ seconds: n });
/** Nothing falls due while a test runs unless it says so. */
export function schedule(overrides: Partial<RoundSchedule> = {}): RoundSchedule {
  return {
    calendar: 'cn-mainland',
    uncoveredYear: 'refuse',
    steps: {
      SELF_CHECK: seconds(600),
      TOWNSHIP_REVIEW: seconds(600),
      COUNTY_PRE_REVIEW: seconds(600),
      ON_SITE_OBSERVATION: seconds(600),
      AWARD: seconds(600),
    },
    rectification: seconds(600),
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

/** Polls `probe` until `accept` holds (bounded); returns the last value. */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (accept(v)) return v;
    if (Date.now() > until) throw new Error(`not reached: ${JSON.stringify(v)?.slice(0, 1000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How a validator refused an Update: its rejection type and detail, as the API reads them. */
export async function refusal(
  update: Promise<unknown>,
): Promise<{ type: string | null | undefined; details: unknown[] }> {
  const err: unknown = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return {
    type: (cause as ApplicationFailure).type,
    details: [...((cause as ApplicationFailure).details ?? [])],
  };
}
