import fc from 'fast-check';
import { Catalog, defaultCatalogFor } from '@fivestar/contracts';
import {
  AwardInputError,
  SCORING_RULES,
  addFractions,
  combineObservation,
  combineScores,
  compareFractions,
  formatFraction,
  fraction,
  quorumMet,
  toHundredths,
  type ObserverSheet,
  type ScoringRule,
  type ScoringRuleKind,
} from './observation';

const rural = defaultCatalogFor('rural')!;
const industry = rural.stars.find((s) => s.code === 'industry')!;
const [ind1, ind2] = [industry.tasks[0]!, industry.tasks[1]!];

const obs = (id: string) => ({ userId: id, name: `观摩员${id}` });
const sheet = (id: string, scores: Record<string, number>): ObserverSheet => ({ observer: obs(id), scores });
const rule = (r: ScoringRuleKind, quorum = 1, outlierPoints = 100): ScoringRule => ({
  rule: r,
  quorum,
  outlierPoints,
});

/** One star, one 10-point task: combined scores are easy to read. */
const tiny = Catalog.parse({
  id: 'tiny',
  version: 1,
  branchType: 'rural',
  title: '测试',
  example: true,
  stars: [{ code: 'alpha', name: '甲星', threshold: 5, tasks: [{ code: 'A-1', title: '甲', points: 10 }] }],
});

describe('exact fractions', () => {
  it('reduces, adds and compares exactly', () => {
    expect(fraction(6, 4)).toEqual({ num: 3, den: 2 });
    expect(addFractions(fraction(1, 3), fraction(1, 3), fraction(1, 3))).toEqual({ num: 1, den: 1 });
    expect(addFractions()).toEqual({ num: 0, den: 1 });
    expect(compareFractions(fraction(16, 3), fraction(5333, 1000))).toBe(1);
    expect(compareFractions(fraction(32, 6), fraction(16, 3))).toBe(0);
  });

  it('displays hundredths rounded half-up', () => {
    expect(formatFraction(fraction(2, 3))).toBe('0.67');
    expect(formatFraction(fraction(1, 3))).toBe('0.33');
    expect(formatFraction(fraction(1, 8))).toBe('0.13'); // 0.125 → up
    expect(formatFraction(fraction(1, 200))).toBe('0.01'); // 0.005 → up
    expect(formatFraction(fraction(1, 201))).toBe('0.00');
    expect(formatFraction(fraction(47, 3))).toBe('15.67');
    expect(formatFraction(fraction(16))).toBe('16.00');
    expect(toHundredths(fraction(-1, 8))).toBe(-12); // half-up is towards +∞
  });

  it('rounds to the nearest hundredth, ties up (property)', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: 10_000 }), (n, d) => {
        const f = fraction(n, d);
        const h = toHundredths(f);
        // h = floor(100·x + 1/2)  ⇔  100·x − h ∈ [−1/2, 1/2)  ⇔  2·(100·num − h·den) ∈ [−den, den)
        const twice = 2 * (100 * f.num - h * f.den);
        expect(twice).toBeGreaterThanOrEqual(-f.den);
        expect(twice).toBeLessThan(f.den);
      }),
    );
  });
});

describe('combineScores', () => {
  const scores = [10, 2, 8, 7, 10];
  it('mean, median and trimmed mean differ as they should', () => {
    expect(combineScores(scores, 'mean')).toEqual(fraction(37, 5)); // 7.4
    expect(combineScores(scores, 'median')).toEqual(fraction(8));
    expect(combineScores(scores, 'trimmed_mean')).toEqual(fraction(25, 3)); // (7+8+10)/3
  });

  it('takes the mean of the two middle scores for an even count', () => {
    expect(combineScores([9, 2, 6, 10], 'median')).toEqual(fraction(15, 2));
    expect(combineScores([9, 2, 6, 10], 'trimmed_mean')).toEqual(fraction(15, 2));
  });

  it('cannot trim fewer than three scores: the plain mean', () => {
    expect(combineScores([3, 8], 'trimmed_mean')).toEqual(fraction(11, 2));
    expect(combineScores([7], 'trimmed_mean')).toEqual(fraction(7));
    expect(combineScores([1, 5, 9], 'trimmed_mean')).toEqual(fraction(5));
  });

  it('combines nothing to 0', () => {
    for (const r of SCORING_RULES) expect(combineScores([], r)).toEqual(fraction(0));
  });

  const scoreList = fc.array(fc.nat(100), { minLength: 1, maxLength: 9 });

  it('lies between the lowest and highest score and ignores order (property)', () => {
    fc.assert(
      fc.property(scoreList, fc.constantFrom(...SCORING_RULES), (xs, r) => {
        const c = combineScores(xs, r);
        expect(compareFractions(c, fraction(Math.min(...xs)))).toBeGreaterThanOrEqual(0);
        expect(compareFractions(c, fraction(Math.max(...xs)))).toBeLessThanOrEqual(0);
        expect(combineScores([...xs].reverse(), r)).toEqual(c);
      }),
    );
  });

  it('matches a brute-force definition (property)', () => {
    fc.assert(
      fc.property(scoreList, (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        const n = s.length;
        const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
        expect(combineScores(xs, 'mean')).toEqual(fraction(sum(s), n));
        // Median: at least half the scores on each side.
        const m = combineScores(xs, 'median');
        const below = s.filter((x) => compareFractions(fraction(x), m) <= 0).length;
        const above = s.filter((x) => compareFractions(fraction(x), m) >= 0).length;
        expect(2 * below).toBeGreaterThanOrEqual(n);
        expect(2 * above).toBeGreaterThanOrEqual(n);
        expect(combineScores(xs, 'trimmed_mean')).toEqual(
          n < 3 ? fraction(sum(s), n) : fraction(sum(s) - s[0]! - s[n - 1]!, n - 2),
        );
      }),
    );
  });

  it('never falls when one score rises (property)', () => {
    fc.assert(
      fc.property(
        scoreList,
        fc.nat(),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom(...SCORING_RULES),
        (xs, i, d, r) => {
          const raised = [...xs];
          raised[i % xs.length]! += d;
          expect(compareFractions(combineScores(raised, r), combineScores(xs, r))).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe('combineObservation', () => {
  it('combines each task by the rule, caps scores at the points and keeps every task in catalog order', () => {
    const sheets = [
      sheet('a', { [ind1.code]: 10, [ind2.code]: 6 }),
      sheet('b', { [ind1.code]: 8, [ind2.code]: 7 }),
      sheet('c', { [ind1.code]: 25, [ind2.code]: 9 }), // 25 counts as the task's 10 points
    ];
    const r = combineObservation(rural, sheets, rule('mean'));
    expect(r.tasks.map((t) => t.task)).toEqual(rural.stars.flatMap((s) => s.tasks.map((t) => t.code)));
    const t1 = r.tasks.find((t) => t.task === ind1.code)!;
    expect(t1).toMatchObject({
      star: 'industry',
      points: 10,
      scoredBy: 3,
      combined: fraction(28, 3),
      display: '9.33',
    });
    expect(t1.scores[2]).toEqual({ observer: obs('c'), score: 25, counted: 10 });
    expect(r.tasks.find((t) => t.task === ind2.code)!.combined).toEqual(fraction(22, 3));
    // A task nobody scored combines to 0 and misses the quorum.
    const other = r.tasks.find((t) => t.star !== 'industry')!;
    expect(other).toMatchObject({ scoredBy: 0, quorumMet: false, combined: fraction(0), display: '0.00' });
    expect(r.observers).toEqual([obs('a'), obs('b'), obs('c')]);
    expect(r.quorumMet).toBe(true);
  });

  it('never combines above the points, whatever the rule (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100), { maxLength: 6 }), fc.constantFrom(...SCORING_RULES), (xs, r) => {
        const sheets = xs.map((x, i) => sheet(`o${i}`, { 'A-1': x }));
        const t = combineObservation(tiny, sheets, rule(r)).tasks[0]!;
        expect(compareFractions(t.combined, fraction(10))).toBeLessThanOrEqual(0);
        expect(t.scoredBy).toBe(xs.length);
      }),
    );
  });

  it('lists outliers: scores more than outlierPoints away from the combined score', () => {
    const sheets = [
      sheet('a', { 'A-1': 8 }),
      sheet('b', { 'A-1': 9 }),
      sheet('c', { 'A-1': 2 }),
      sheet('d', { 'A-1': 8 }),
    ];
    // median = 8: c deviates by 6 > 2; b by 1.
    const med = combineObservation(tiny, sheets, rule('median', 1, 2));
    expect(med.outliers).toEqual([
      {
        observer: obs('c'),
        task: 'A-1',
        star: 'alpha',
        score: 2,
        combined: fraction(8),
        combinedDisplay: '8.00',
        deviation: fraction(6),
        deviationDisplay: '6.00',
      },
    ]);
    // mean = 27/4 = 6.75: c deviates by 4.75; at outlierPoints 4 only c, at 5 nobody.
    expect(
      combineObservation(tiny, sheets, rule('mean', 1, 4)).outliers.map((o) => o.observer.userId),
    ).toEqual(['c']);
    expect(combineObservation(tiny, sheets, rule('mean', 1, 5)).outliers).toEqual([]);
    // Exactly outlierPoints away is not an outlier: |2 − 8| = 6.
    expect(combineObservation(tiny, sheets, rule('median', 1, 6)).outliers).toEqual([]);
    // At outlierPoints 0 every score off the combined score is listed.
    expect(
      combineObservation(tiny, sheets, rule('median', 1, 0)).outliers.map((o) => o.observer.userId),
    ).toEqual(['b', 'c']);
  });

  it('marks a task scored by fewer observers than the quorum', () => {
    const sheets = [sheet('a', { 'A-1': 8 }), sheet('b', {})];
    const r = combineObservation(tiny, sheets, rule('mean', 2));
    expect(r.quorumMet).toBe(true); // two sheets handed in …
    expect(r.tasks[0]).toMatchObject({ scoredBy: 1, quorumMet: false }); // … but one scored the task
  });

  it('refuses unknown tasks, bad scores, a second sheet from one observer and a bad rule, listing them all', () => {
    const bad = () =>
      combineObservation(
        tiny,
        [sheet('a', { 'A-1': 8, 'X-9': 3 }), sheet('b', { 'A-1': -1 }), sheet('a', { 'A-1': 2.5 })],
        { rule: 'mode' as ScoringRuleKind, quorum: 0, outlierPoints: -1 },
      );
    expect(bad).toThrow(AwardInputError);
    try {
      bad();
    } catch (e) {
      const problems = (e as AwardInputError).problems.join('\n');
      expect(problems).toContain('X-9 不存在');
      expect(problems).toContain('-1 应为非负整数');
      expect(problems).toContain('2.5 应为非负整数');
      expect(problems).toContain('多张评分表');
      expect(problems).toContain('计分规则 mode 不存在');
      expect(problems).toContain('法定人数 0');
      expect(problems).toContain('离群分差 -1');
    }
  });
});

describe('quorumMet', () => {
  const sheets = [sheet('a', { 'A-1': 1 }), sheet('b', {}), sheet('c', { 'A-1': 3 })];
  it('counts the observers who handed in a sheet', () => {
    expect(quorumMet(sheets, rule('mean', 3))).toBe(true);
    expect(quorumMet(sheets, rule('mean', 4))).toBe(false);
    expect(quorumMet([], rule('mean', 1))).toBe(false);
  });
  it('with required tasks, counts only sheets that score all of them', () => {
    expect(quorumMet(sheets, rule('mean', 2), ['A-1'])).toBe(true);
    expect(quorumMet(sheets, rule('mean', 3), ['A-1'])).toBe(false);
  });
  it('refuses a bad rule', () => {
    expect(() => quorumMet(sheets, rule('mean', 0))).toThrow(AwardInputError);
  });
});
