import { defaultCatalogFor, type Catalog } from '@fivestar/contracts';
import { evidenceGaps } from './evidence';

const rural = defaultCatalogFor('rural') as Catalog;
const sha = 'a'.repeat(64);
const refs = (codes: string[]) =>
  codes.map((requirement) => ({ requirement, sha256: sha, filename: 'f.pdf' }));
const requiredOf = (star: string) =>
  rural.stars
    .find((s) => s.code === star)!
    .tasks.flatMap((t) => t.evidence.filter((e) => e.required).map((e) => e.code));

describe('evidenceGaps', () => {
  it('lists every required item of a claimed star that has no file', () => {
    const needed = requiredOf('safety');
    const gaps = evidenceGaps(rural, ['safety'], refs(needed.slice(1)));
    expect(gaps.missing.map((m) => m.requirement)).toEqual([needed[0]]);
    expect(gaps.missing[0]!.title.length).toBeGreaterThan(0);
  });

  it('asks nothing for unclaimed stars, and nothing once every item has a file', () => {
    expect(evidenceGaps(rural, ['safety'], refs(requiredOf('safety'))).missing).toEqual([]);
    expect(evidenceGaps(rural, [], []).missing).toEqual([]);
  });

  it('names references to requirements the catalog does not have', () => {
    expect(evidenceGaps(rural, [], refs(['NOPE-1'])).unknown).toEqual(['NOPE-1']);
  });
});
