import fc from 'fast-check';
import { defaultCatalogFor, type Catalog } from '@fivestar/contracts';
import { decideAward } from './award';

const rural = defaultCatalogFor('rural') as Catalog;
const allCodes = rural.stars.map((s) => s.code);
const fullScores = Object.fromEntries(rural.stars.flatMap((s) => s.tasks.map((t) => [t.code, t.points])));

describe('decideAward', () => {
  it('awards every claimed, approved star whose tasks reach the threshold', () => {
    const r = decideAward({
      catalog: rural,
      targetStars: allCodes,
      approvedStars: allCodes,
      scores: fullScores,
      weak: false,
    });
    expect(r.level).toBe(5);
    expect(r.stars.every((s) => s.awarded)).toBe(true);
  });

  it('withholds a star below its threshold and explains why', () => {
    const scores = { ...fullScores, 'R-IND-1': 2, 'R-IND-2': 2 };
    const r = decideAward({
      catalog: rural,
      targetStars: allCodes,
      approvedStars: allCodes,
      scores,
      weak: false,
    });
    const industry = r.stars.find((s) => s.code === 'industry')!;
    expect(industry).toMatchObject({ awarded: false, score: 4, threshold: 16 });
    expect(industry.why).toContain('未达到16分');
    // The capstone falls with any other star.
    expect(r.stars.find((s) => s.code === 'party')!.awarded).toBe(false);
    expect(r.level).toBe(3);
  });

  it('caps a task score at its points', () => {
    const scores = { ...fullScores, 'R-IND-1': 100 };
    const r = decideAward({
      catalog: rural,
      targetStars: ['industry'],
      approvedStars: ['industry'],
      scores,
      weak: false,
    });
    expect(r.stars.find((s) => s.code === 'industry')!.score).toBe(20);
  });

  it('awards nothing to a weak branch', () => {
    const r = decideAward({
      catalog: rural,
      targetStars: allCodes,
      approvedStars: allCodes,
      scores: fullScores,
      weak: true,
    });
    expect(r.level).toBe(0);
  });

  it('never awards an unclaimed or unapproved star, and the capstone only with all others (property)', () => {
    const subset = fc.subarray(allCodes);
    const scores = fc.dictionary(
      fc.constantFrom(...Object.keys(fullScores)),
      fc.integer({ min: 0, max: 12 }),
    );
    fc.assert(
      fc.property(subset, subset, scores, (target, approved, sc) => {
        const r = decideAward({
          catalog: rural,
          targetStars: target,
          approvedStars: approved,
          scores: sc,
          weak: false,
        });
        for (const s of r.stars) {
          if (s.awarded) {
            expect(target).toContain(s.code);
            expect(approved).toContain(s.code);
            expect(s.score).toBeGreaterThanOrEqual(s.threshold);
          }
        }
        const capstone = r.stars.find((s) => s.code === 'party')!;
        if (capstone.awarded) expect(r.level).toBe(5);
        expect(r.level).toBe(r.stars.filter((s) => s.awarded).length);
      }),
    );
  });
});
