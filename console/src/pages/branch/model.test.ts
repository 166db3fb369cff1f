import { defaultCatalogFor } from '@fivestar/contracts';
import { claimedStars, missingEvidence } from './model';

const rural = defaultCatalogFor('rural')!;
const party = rural.stars.find((s) => s.code === 'party')!;
const partyRequired = party.tasks.flatMap((t) => t.evidence.filter((e) => e.required).map((e) => e.code));

test('only the claimed stars count, in catalog order', () => {
  expect(claimedStars(rural, ['party', 'industry']).map((s) => s.code)).toEqual(['industry', 'party']);
});

test('missing evidence is the claimed stars’ required requirements not attached', () => {
  expect(missingEvidence(rural, ['party'], new Set()).map((e) => e.code)).toEqual(partyRequired);
  const [first, ...rest] = partyRequired;
  expect(missingEvidence(rural, ['party'], new Set([first!])).map((e) => e.code)).toEqual(rest);
  expect(missingEvidence(rural, ['party'], new Set(partyRequired))).toEqual([]);
  expect(missingEvidence(rural, [], new Set())).toEqual([]);
});
