/** What the workflow tests share: the branch, its people, a quiet schedule, polling and refusals. */
import type { Actor, Branch, Role, RoundSchedule } from '@fivestar/contracts';
import { quietSchedule, seconds } from '../../test/round-schedules';
export { refusal } from '../../test/refusals';

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

export { seconds };
/** Nothing falls due while a test runs unless it says so. */
export const schedule = (overrides: Partial<RoundSchedule> = {}): RoundSchedule =>
  quietSchedule(600, overrides);

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
