import fc from 'fast-check';
import { Catalog, defaultCatalogFor } from '@fivestar/contracts';
import {
  AwardInputError,
  REVIEW_LEVELS,
  decideAward,
  type AwardDecision,
  type AwardInput,
  type ReviewLevel,
  type StarReview,
  type VetoFinding,
} from './award';
import {
  SCORING_RULES,
  addFractions,
  compareFractions,
  fraction,
  type ObserverSheet,
  type ScoringRule,
} from './observation';

// ---------------------------------------------------------------------------------------------------
// Fixtures: the default rural catalog, copied with one veto condition per task (it ships without any).

const base = defaultCatalogFor('rural')!;

function withVetoes(catalog: Catalog): Catalog {
  return Catalog.parse({
    ...catalog,
    id: `${catalog.id}-vetoes`,
    stars: catalog.stars.map((s, si) => ({
      ...s,
      tasks: s.tasks.map((t, ti) => ({
        ...t,
        vetoes: [...t.vetoes, { code: `V${si}-${ti}`, description: `${t.title}出现否决情形` }],
      })),
    })),
  });
}

const rural = withVetoes(base);
const codes = rural.stars.map((s) => s.code);
const starOf = (code: string) => rural.stars.find((s) => s.code === code)!;
const capstone = rural.stars.find((s) => s.capstone)!;
const others = codes.filter((c) => c !== capstone.code);
/** The veto this file added to the star's first task. */
const vetoOf = (star: string) => starOf(star).tasks[0]!.vetoes.at(-1)!;

const township = { userId: 'u-town', name: '张三' };
const county = { userId: 'u-county', name: '李四' };
const reviewers: Record<ReviewLevel, { userId: string; name: string }> = {
  TOWNSHIP_REVIEW: township,
  COUNTY_PRE_REVIEW: county,
};
const observer = (id: string) => ({ userId: `u-${id}`, name: `观摩员${id}` });
const approveAll = (level: ReviewLevel, stars = codes): StarReview[] =>
  stars.map((star) => ({ star, approved: true, reasons: [], reviewer: reviewers[level] }));
const fullSheet = (id: string, catalog = rural): ObserverSheet => ({
  observer: observer(id),
  scores: Object.fromEntries(catalog.stars.flatMap((s) => s.tasks.map((t) => [t.code, t.points]))),
});
const veto = (code: string, step: VetoFinding['step'] = 'ON_SITE_OBSERVATION'): VetoFinding => ({
  vetoCode: code,
  foundBy: { userId: 'u-check', name: '王五' },
  step,
  note: '现场核实',
});

/** Everything claimed, approved at both levels and scored full marks by three observers. */
function input(over: Partial<AwardInput> = {}): AwardInput {
  return {
    catalog: rural,
    targetStars: codes,
    reviews: {
      TOWNSHIP_REVIEW: approveAll('TOWNSHIP_REVIEW'),
      COUNTY_PRE_REVIEW: approveAll('COUNTY_PRE_REVIEW'),
    },
    vetoes: [],
    observation: {
      sheets: [fullSheet('a'), fullSheet('b'), fullSheet('c')],
      rule: { rule: 'mean', quorum: 1, outlierPoints: 100 },
    },
    branch: { weak: false, weakRectificationClosed: false },
    ...over,
  };
}
const star = (d: AwardDecision, code: string) => d.stars.find((s) => s.star === code)!;
const capOff = { capstoneRequiresAllOthers: false };

/** Sheets scoring every task full marks except the given task scores. */
function sheetsWith(scores: Record<string, number[]>, n = 3): ObserverSheet[] {
  return Array.from({ length: n }, (_, i) => {
    const s = fullSheet(String.fromCharCode(97 + i));
    for (const [task, xs] of Object.entries(scores)) {
      if (xs[i] === undefined) delete s.scores[task];
      else s.scores[task] = xs[i]!;
    }
    return s;
  });
}

// ---------------------------------------------------------------------------------------------------

describe('decideAward: concrete rules', () => {
  it('awards every claimed, approved, unvetoed star at threshold, and explains each', () => {
    const d = decideAward(input());
    expect(d.level).toBe(codes.length);
    expect(d.awardedStars).toEqual(codes);
    expect(d.catalog).toEqual({ id: rural.id, version: rural.version });
    expect(d.rules).toEqual({ capstoneRequiresAllOthers: true });
    const ind = star(d, 'industry');
    expect(ind).toMatchObject({
      claimed: true,
      approvedAtEveryLevel: true,
      threshold: starOf('industry').threshold,
      reachesThreshold: true,
      vetoes: [],
      reasons: [],
      awarded: true,
      capstoneStatus: 'not_capstone',
    });
    expect(ind.reviews).toEqual([
      { level: 'TOWNSHIP_REVIEW', label: '乡镇审核', status: 'approved', reviewer: township, reasons: [] },
      { level: 'COUNTY_PRE_REVIEW', label: '县级预审', status: 'approved', reviewer: county, reasons: [] },
    ]);
    expect(ind.tasks.map((t) => t.task)).toEqual(starOf('industry').tasks.map((t) => t.code));
    expect(ind.why).toMatch(
      /^授予产业兴旺星：已申报，乡镇审核（张三）、县级预审（李四）均通过，观摩得分[\d.]+分达到\d+分/,
    );
    expect(star(d, capstone.code)).toMatchObject({ awarded: true, capstoneStatus: 'met' });
    expect(d.why).toBe(`评定为五星支部：授予${rural.stars.map((s) => s.name).join('、')}。`);
  });

  it('never awards an unclaimed star, whatever its scores', () => {
    const d = decideAward(input({ targetStars: ['industry', 'ecology'], rules: capOff }));
    expect(d.awardedStars).toEqual(['industry', 'ecology']);
    expect(star(d, 'safety')).toMatchObject({ claimed: false, awarded: false, reasons: ['未申报该星'] });
    expect(star(d, 'safety').why).toBe('未授予平安法治星：未申报该星。');
  });

  describe('a veto costs exactly its star', () => {
    it.each(others)('a veto on %s loses that star and nothing else (capstone rule off)', (code) => {
      const v = vetoOf(code);
      const d = decideAward(input({ vetoes: [veto(v.code)], rules: capOff }));
      expect(d.awardedStars).toEqual(codes.filter((c) => c !== code));
      expect(d.level).toBe(codes.length - 1);
      const s = star(d, code);
      expect(s.vetoes).toEqual([
        {
          code: v.code,
          task: starOf(code).tasks[0]!.code,
          description: v.description,
          foundBy: { userId: 'u-check', name: '王五' },
          step: 'ON_SITE_OBSERVATION',
          note: '现场核实',
        },
      ]);
      // Everything else still holds: only the veto stands in the way.
      expect(s).toMatchObject({ reachesThreshold: true, approvedAtEveryLevel: true });
      expect(s.reasons).toEqual([`否决：${v.description}（王五于现场观摩发现）`]);
    });

    it('with the capstone rule on, a vetoed star also keeps the capstone from being awarded', () => {
      const d = decideAward(input({ vetoes: [veto(vetoOf('safety').code, 'COUNTY_PRE_REVIEW')] }));
      expect(d.awardedStars).toEqual(others.filter((c) => c !== 'safety'));
      expect(star(d, 'safety').why).toContain('王五于县级预审发现');
      expect(star(d, capstone.code)).toMatchObject({ awarded: false, capstoneStatus: 'unmet' });
      expect(star(d, capstone.code).reasons).toEqual([
        `${capstone.name}为统领星，须其他各星均获评，未获评：平安法治星`,
      ]);
    });

    it('a veto on the capstone loses the capstone only', () => {
      const d = decideAward(input({ vetoes: [veto(vetoOf(capstone.code).code)] }));
      expect(d.awardedStars).toEqual(others);
    });

    it('a veto found on an unclaimed star is recorded but changes nothing', () => {
      const d = decideAward(
        input({ targetStars: others, vetoes: [veto(vetoOf(capstone.code).code)], rules: capOff }),
      );
      expect(d.awardedStars).toEqual(others);
      expect(star(d, capstone.code).vetoes).toHaveLength(1);
      expect(star(d, capstone.code).reasons).toEqual(['未申报该星']);
    });
  });

  describe('the capstone rule', () => {
    const lowIndustry = sheetsWith(
      Object.fromEntries(starOf('industry').tasks.map((t) => [t.code, [0, 0, 0]])),
    );

    it('on: the capstone falls when any other star does', () => {
      const d = decideAward(input({ observation: { sheets: lowIndustry, rule: input().observation.rule } }));
      expect(star(d, 'industry')).toMatchObject({ awarded: false, reachesThreshold: false });
      expect(star(d, 'industry').reasons).toEqual([
        `观摩得分0.00分，未达到${starOf('industry').threshold}分`,
      ]);
      expect(star(d, capstone.code)).toMatchObject({
        awarded: false,
        capstoneStatus: 'unmet',
        reachesThreshold: true,
      });
      expect(d.level).toBe(codes.length - 2);
      expect(d.why).toBe(
        `评定为三星支部：授予${rural.stars
          .filter((s) => s.code !== 'industry' && !s.capstone)
          .map((s) => s.name)
          .join('、')}；未授予产业兴旺星、${capstone.name}。`,
      );
    });

    it('on: counts the capstone of four stars as five stars, never four with the capstone', () => {
      const d = decideAward(input({ targetStars: codes.filter((c) => c !== 'ecology') }));
      expect(d.awardedStars).toEqual(others.filter((c) => c !== 'ecology'));
    });

    it('off: the capstone is judged like any other star', () => {
      const d = decideAward(
        input({ observation: { sheets: lowIndustry, rule: input().observation.rule }, rules: capOff }),
      );
      expect(star(d, capstone.code)).toMatchObject({ awarded: true, capstoneStatus: 'off' });
      expect(star(d, capstone.code).notes).toEqual(['统领星规则未启用，按一般星级评定']);
      expect(d.level).toBe(codes.length - 1);
    });

    it('defaults to on when the flag is not given', () => {
      const d = decideAward(input({ targetStars: [capstone.code] }));
      expect(d.rules.capstoneRequiresAllOthers).toBe(true);
      expect(d.level).toBe(0);
    });
  });

  describe('a weak and lax branch (软弱涣散)', () => {
    it('is awarded nothing while its rectification is open', () => {
      const d = decideAward(input({ branch: { weak: true, weakRectificationClosed: false } }));
      expect(d.level).toBe(0);
      expect(d.weak).toEqual({ weak: true, weakRectificationClosed: false, blocked: true });
      for (const s of d.stars) {
        expect(s.weakBlocked).toBe(true);
        expect(s.reasons[0]).toBe('软弱涣散支部，整顿尚未销号');
      }
      expect(d.why).toBe('未获评星级（软弱涣散支部，整顿尚未销号）。');
    });

    it('competes normally once its rectification is closed, and the record says so', () => {
      const d = decideAward(input({ branch: { weak: true, weakRectificationClosed: true } }));
      expect(d.level).toBe(codes.length);
      expect(star(d, 'industry').notes).toEqual(['软弱涣散整顿已销号']);
      expect(star(d, 'industry').why).toContain('软弱涣散整顿已销号');
    });

    it('a closed rectification on a branch that is not weak changes nothing', () => {
      expect(decideAward(input({ branch: { weak: false, weakRectificationClosed: true } })).level).toBe(
        codes.length,
      );
    });
  });

  describe('reviews', () => {
    it('a star one level did not approve is not awarded, with that reviewer and reasons', () => {
      const countyReviews = approveAll('COUNTY_PRE_REVIEW').map((r) =>
        r.star === 'safety' ? { ...r, approved: false, reasons: ['台账不全', '佐证缺失'] } : r,
      );
      const d = decideAward(
        input({
          reviews: { TOWNSHIP_REVIEW: approveAll('TOWNSHIP_REVIEW'), COUNTY_PRE_REVIEW: countyReviews },
          rules: capOff,
        }),
      );
      expect(d.awardedStars).toEqual(codes.filter((c) => c !== 'safety'));
      const s = star(d, 'safety');
      expect(s.approvedAtEveryLevel).toBe(false);
      expect(s.reviews[1]).toEqual({
        level: 'COUNTY_PRE_REVIEW',
        label: '县级预审',
        status: 'not_approved',
        reviewer: county,
        reasons: ['台账不全', '佐证缺失'],
      });
      expect(s.why).toBe('未授予平安法治星：县级预审未通过（李四）：台账不全，佐证缺失。');
    });

    it('a missing review level counts as not approved, with that reason', () => {
      const d = decideAward(input({ reviews: { TOWNSHIP_REVIEW: approveAll('TOWNSHIP_REVIEW') } }));
      expect(d.level).toBe(0);
      for (const s of d.stars) {
        expect(s.reviews[1]).toMatchObject({ status: 'missing', reviewer: null });
        expect(s.reasons).toContain('县级预审未对该星作出决定');
      }
    });

    it('a level that decided some stars but not this one counts as not approved', () => {
      const d = decideAward(
        input({
          reviews: {
            TOWNSHIP_REVIEW: approveAll(
              'TOWNSHIP_REVIEW',
              codes.filter((c) => c !== 'ecology'),
            ),
            COUNTY_PRE_REVIEW: approveAll('COUNTY_PRE_REVIEW'),
          },
          rules: capOff,
        }),
      );
      expect(d.awardedStars).toEqual(codes.filter((c) => c !== 'ecology'));
      expect(star(d, 'ecology').reasons).toEqual(['乡镇审核未对该星作出决定']);
    });
  });

  describe('observation scoring', () => {
    /** One star 甲星 of 10-point tasks A-1 … A-n with the given threshold, claimed and approved. */
    function mini(tasks: number, threshold: number) {
      const catalog = Catalog.parse({
        id: 'mini',
        version: 1,
        branchType: 'rural',
        title: '测试',
        example: true,
        stars: [
          {
            code: 'alpha',
            name: '甲星',
            threshold,
            tasks: Array.from({ length: tasks }, (_, i) => ({
              code: `A-${i + 1}`,
              title: `甲${i + 1}`,
              points: 10,
            })),
          },
        ],
      });
      return (scores: Record<string, number[]>, rule: ScoringRule): AwardDecision => {
        const n = Math.max(...Object.values(scores).map((xs) => xs.length));
        return decideAward({
          ...input(),
          catalog,
          targetStars: ['alpha'],
          reviews: {
            TOWNSHIP_REVIEW: approveAll('TOWNSHIP_REVIEW', ['alpha']),
            COUNTY_PRE_REVIEW: approveAll('COUNTY_PRE_REVIEW', ['alpha']),
          },
          observation: {
            sheets: Array.from({ length: n }, (_, i) => ({
              observer: observer(String.fromCharCode(97 + i)),
              scores: Object.fromEntries(Object.entries(scores).map(([task, xs]) => [task, xs[i]!])),
            })),
            rule,
          },
        });
      };
    }

    // Five observers score A-1 with 0, 5, 9, 10, 10 and A-2 with 8 each; the threshold is 16.
    const duo = mini(2, 16);
    const five = { 'A-1': [0, 5, 9, 10, 10], 'A-2': [8, 8, 8, 8, 8] };
    const decide = (rule: ScoringRule['rule']) => duo(five, { rule, quorum: 3, outlierPoints: 3 }).stars[0]!;

    it('mean: 6.8 + 8 = 14.8 falls short of 16', () => {
      const s = decide('mean');
      expect(s.tasks[0]!.combined).toEqual(fraction(34, 5));
      expect(s.total).toEqual(fraction(74, 5));
      expect(s).toMatchObject({ totalDisplay: '14.80', reachesThreshold: false, awarded: false });
      expect(s.why).toBe('未授予甲星：观摩得分14.80分，未达到16分。');
    });

    it('median: 9 + 8 = 17 reaches 16', () => {
      const s = decide('median');
      expect(s.total).toEqual(fraction(17));
      expect(s.awarded).toBe(true);
    });

    it('trimmed mean: (5+9+10)/3 + 8 = 16 reaches 16 exactly', () => {
      const s = decide('trimmed_mean');
      expect(s.tasks[0]!.combined).toEqual(fraction(8));
      expect(s.total).toEqual(fraction(16));
      expect(s.awarded).toBe(true);
    });

    it('compares the exact total with the threshold, not rounded task scores', () => {
      // Three tasks each at 16/3 (displayed 5.33): exactly 16 in all, which meets 16.
      const trio = mini(3, 16);
      const rule: ScoringRule = { rule: 'mean', quorum: 3, outlierPoints: 10 };
      const exact = trio({ 'A-1': [5, 5, 6], 'A-2': [5, 5, 6], 'A-3': [5, 5, 6] }, rule).stars[0]!;
      expect(exact.tasks.map((t) => t.display)).toEqual(['5.33', '5.33', '5.33']);
      expect(exact).toMatchObject({ total: fraction(16), totalDisplay: '16.00', awarded: true });
      const below = trio({ 'A-1': [5, 5, 6], 'A-2': [5, 5, 6], 'A-3': [5, 5, 5] }, rule).stars[0]!;
      expect(below).toMatchObject({ total: fraction(47, 3), totalDisplay: '15.67', awarded: false });
    });

    it('lists outliers with observer, task, score and combined score', () => {
      const d = duo(five, { rule: 'median', quorum: 3, outlierPoints: 3 });
      // median of 0, 5, 9, 10, 10 is 9: the 0 and the 5 are more than 3 away.
      expect(d.outliers.map((o) => [o.observer.name, o.task, o.score, o.combinedDisplay])).toEqual([
        ['观摩员a', 'A-1', 0, '9.00'],
        ['观摩员b', 'A-1', 5, '9.00'],
      ]);
      expect(d.observation).toEqual({
        rule: { rule: 'median', quorum: 3, outlierPoints: 3 },
        observers: ['a', 'b', 'c', 'd', 'e'].map(observer),
        quorumMet: true,
      });
    });

    const t1 = starOf('industry').tasks[0]!;
    it('caps a task score at its points', () => {
      const s = star(
        decideAward(
          input({
            observation: {
              sheets: sheetsWith({ [t1.code]: [100, 100, 100] }),
              rule: input().observation.rule,
            },
          }),
        ),
        'industry',
      );
      expect(s.tasks[0]!.combined).toEqual(fraction(t1.points));
    });

    it('a star whose tasks miss the quorum of observers is not awarded', () => {
      const d = decideAward(
        input({
          observation: { sheets: sheetsWith({}, 2), rule: { rule: 'mean', quorum: 3, outlierPoints: 0 } },
        }),
      );
      expect(d.observation.quorumMet).toBe(false);
      expect(d.level).toBe(0);
      expect(star(d, 'industry').reasons).toEqual([
        `现场观摩评分人数不足3人：${starOf('industry')
          .tasks.map((t) => `${t.code}（2人）`)
          .join('、')}`,
      ]);
    });

    it('an observer skipping one task costs only the star of that task, when the quorum is then missed', () => {
      const d = decideAward(
        input({
          observation: {
            sheets: sheetsWith({ [t1.code]: [10, 10] }),
            rule: { rule: 'mean', quorum: 3, outlierPoints: 0 },
          },
          rules: capOff,
        }),
      );
      expect(d.observation.quorumMet).toBe(true);
      expect(d.awardedStars).toEqual(codes.filter((c) => c !== 'industry'));
      expect(star(d, 'industry').observationQuorumMet).toBe(false);
    });
  });

  describe('invalid input', () => {
    const problemsOf = (i: AwardInput): string[] => {
      try {
        decideAward(i);
      } catch (e) {
        expect(e).toBeInstanceOf(AwardInputError);
        return (e as AwardInputError).problems;
      }
      throw new Error('expected AwardInputError');
    };

    it('lists every unknown star, task, veto and review-level code in one error', () => {
      const problems = problemsOf(
        input({
          targetStars: ['industry', 'moon'],
          reviews: {
            TOWNSHIP_REVIEW: [
              ...approveAll('TOWNSHIP_REVIEW'),
              { star: 'sun', approved: true, reasons: [], reviewer: township },
            ],
            ['CITY_REVIEW' as ReviewLevel]: [],
          },
          vetoes: [veto('NO-SUCH-VETO')],
          observation: {
            sheets: [{ observer: observer('a'), scores: { 'NO-SUCH-TASK': 3 } }],
            rule: input().observation.rule,
          },
        }),
      );
      expect(problems).toEqual([
        '申报的星级代码 moon 不存在',
        '乡镇审核的星级代码 sun 不存在',
        '审核层级 CITY_REVIEW 不存在（应为 TOWNSHIP_REVIEW、COUNTY_PRE_REVIEW、CITY_RECHECK、PROVINCE_SPOT_CHECK）',
        '否决条件代码 NO-SUCH-VETO 不存在',
        '观摩员a 的评分表中任务代码 NO-SUCH-TASK 不存在',
      ]);
      expect(() => decideAward(input({ targetStars: ['moon'] }))).toThrow(
        '评星输入无效：申报的星级代码 moon 不存在',
      );
    });

    it('refuses two decisions of one level on one star, and an unknown step', () => {
      const problems = problemsOf(
        input({
          reviews: {
            TOWNSHIP_REVIEW: [...approveAll('TOWNSHIP_REVIEW'), ...approveAll('TOWNSHIP_REVIEW', ['safety'])],
          },
          vetoes: [veto(vetoOf('safety').code, 'NOWHERE' as VetoFinding['step'])],
        }),
      );
      expect(problems).toEqual([
        '乡镇审核对星级 safety 有多条决定',
        `否决条件 ${vetoOf('safety').code} 的环节 NOWHERE 不存在`,
      ]);
    });
  });

  it('does not mutate its input and decides the same twice', () => {
    const i = input({ vetoes: [veto(vetoOf('ecology').code)] });
    const copy = structuredClone(i);
    const a = decideAward(i);
    expect(i).toEqual(copy);
    expect(decideAward(copy)).toEqual(a);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties over the rural catalog (with vetoes) and random small catalogs.

const arbCatalog: fc.Arbitrary<Catalog> = fc
  .array(
    fc.record({
      points: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 3 }),
      thresholdShare: fc.integer({ min: 0, max: 100 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .chain((stars) => fc.record({ stars: fc.constant(stars), capstone: fc.option(fc.nat(stars.length - 1)) }))
  .map(({ stars, capstone: cap }) =>
    Catalog.parse({
      id: 'random',
      version: 1,
      branchType: 'rural',
      title: '随机目录',
      example: true,
      stars: stars.map((s, si) => {
        const total = s.points.reduce((a, b) => a + b, 0);
        return {
          code: `star_${'abcde'[si]}`,
          name: `星${si}`,
          threshold: Math.floor((total * s.thresholdShare) / 100),
          capstone: si === cap,
          tasks: s.points.map((points, ti) => ({
            code: `T${si}-${ti}`,
            title: `任务${si}-${ti}`,
            points,
            vetoes: [{ code: `V${si}-${ti}`, description: `否决${si}-${ti}` }],
          })),
        };
      }),
    }),
  );

const mostlyTrue = fc.oneof(
  { arbitrary: fc.constant(true), weight: 9 },
  { arbitrary: fc.constant(false), weight: 1 },
);

function arbInput(catalog: Catalog): fc.Arbitrary<AwardInput> {
  const starCodes = catalog.stars.map((s) => s.code);
  const tasks = catalog.stars.flatMap((s) => s.tasks);
  const vetoCodes = tasks.flatMap((t) => t.vetoes.map((v) => v.code));
  const level = (lvl: ReviewLevel) =>
    fc
      .tuple(...starCodes.map((code) => fc.option(mostlyTrue, { freq: 15 }).map((ok) => [code, ok] as const)))
      .map((ds) =>
        ds
          .filter(([, ok]) => ok !== null)
          .map(([star, ok]): StarReview => ({
            star,
            approved: ok!,
            reasons: ok ? [] : ['不符合'],
            reviewer: reviewers[lvl],
          })),
      );
  // Mostly good scores, so that stars are often awarded and the properties have something to bite on.
  const score = (points: number) =>
    fc.oneof(
      { arbitrary: fc.integer({ min: Math.floor((points * 2) / 3), max: points + 2 }), weight: 4 },
      { arbitrary: fc.nat(points), weight: 1 },
    );
  const sheet = (i: number) =>
    fc
      .tuple(...tasks.map((t) => fc.option(score(t.points), { freq: 150 }).map((x) => [t.code, x] as const)))
      .map((scores): ObserverSheet => ({
        observer: observer(String(i)),
        scores: Object.fromEntries(scores.flatMap(([code, x]) => (x === null ? [] : [[code, x]]))),
      }));
  return fc.record({
    catalog: fc.constant(catalog),
    targetStars: fc
      .tuple(...starCodes.map((code) => mostlyTrue.map((claimed) => (claimed ? [code] : []))))
      .map((cs) => cs.flat()),
    reviews: fc
      .record({
        TOWNSHIP_REVIEW: fc.option(level('TOWNSHIP_REVIEW'), { freq: 15 }),
        COUNTY_PRE_REVIEW: fc.option(level('COUNTY_PRE_REVIEW'), { freq: 15 }),
      })
      .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null))),
    vetoes: fc.oneof(
      { arbitrary: fc.constant<VetoFinding[]>([]), weight: 2 },
      {
        arbitrary: fc
          .subarray(vetoCodes, { maxLength: Math.min(2, vetoCodes.length) })
          .map((vs) => vs.map((v) => veto(v))),
        weight: 1,
      },
    ),
    observation: fc.record({
      sheets: fc
        .integer({ min: 0, max: 5 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => sheet(i)))),
      rule: fc.record({
        rule: fc.constantFrom(...SCORING_RULES),
        quorum: fc.integer({ min: 1, max: 2 }),
        outlierPoints: fc.integer({ min: 0, max: 4 }),
      }),
    }),
    branch: fc.record({ weak: fc.boolean(), weakRectificationClosed: fc.boolean() }),
    rules: fc.record({ capstoneRequiresAllOthers: fc.boolean() }),
  });
}

const arbAny = fc.oneof(fc.constant(rural), arbCatalog).chain(arbInput);
const withFlag = (i: AwardInput, on: boolean): AwardInput => ({
  ...i,
  rules: { capstoneRequiresAllOthers: on },
});

describe('decideAward: properties', () => {
  it('level is the number of awarded stars; a star is awarded exactly when nothing stands against it', () => {
    fc.assert(
      fc.property(arbAny, (i) => {
        const d = decideAward(i);
        expect(d.level).toBe(d.stars.filter((s) => s.awarded).length);
        expect(d.awardedStars).toEqual(d.stars.filter((s) => s.awarded).map((s) => s.star));
        expect(d.stars.map((s) => s.star)).toEqual(i.catalog.stars.map((s) => s.code));
        for (const s of d.stars) {
          expect(s.awarded).toBe(s.reasons.length === 0);
          expect(s.why.startsWith(s.awarded ? '授予' : '未授予')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an awarded star is claimed, approved at every level, unvetoed, unblocked and at/above threshold', () => {
    fc.assert(
      fc.property(arbAny, (i) => {
        const d = decideAward(i);
        for (const s of d.stars.filter((x) => x.awarded)) {
          const catStar = i.catalog.stars.find((c) => c.code === s.star)!;
          expect(i.targetStars).toContain(s.star);
          for (const lvl of REVIEW_LEVELS) {
            expect(i.reviews[lvl]?.find((r) => r.star === s.star)?.approved).toBe(true);
          }
          const starVetoes = new Set(catStar.tasks.flatMap((t) => t.vetoes.map((v) => v.code)));
          expect(i.vetoes.some((v) => starVetoes.has(v.vetoCode))).toBe(false);
          expect(i.branch.weak && !i.branch.weakRectificationClosed).toBe(false);
          expect(s.total).toEqual(addFractions(...s.tasks.map((t) => t.combined)));
          expect(compareFractions(s.total, fraction(catStar.threshold))).toBeGreaterThanOrEqual(0);
          expect(s.tasks.every((t) => t.scoredBy >= i.observation.rule.quorum)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('adding a veto never increases the level, and costs at most its own star when the capstone rule is off', () => {
    const arb = arbAny.chain((i) => {
      const vetoCodes = i.catalog.stars.flatMap((s) => s.tasks.flatMap((t) => t.vetoes.map((v) => v.code)));
      return fc.record({ i: fc.constant(i), code: fc.constantFrom(...vetoCodes) });
    });
    fc.assert(
      fc.property(arb, ({ i, code }) => {
        const before = decideAward(i);
        const after = decideAward({ ...i, vetoes: [...i.vetoes, veto(code)] });
        expect(after.level).toBeLessThanOrEqual(before.level);
        const vetoed = i.catalog.stars.find((s) =>
          s.tasks.some((t) => t.vetoes.some((v) => v.code === code)),
        )!;
        expect(star(after, vetoed.code).awarded).toBe(false);
        if (!i.rules?.capstoneRequiresAllOthers) {
          expect(after.awardedStars).toEqual(before.awardedStars.filter((c) => c !== vetoed.code));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('raising one observer score never lowers the level when the capstone rule is off', () => {
    const arb = arbAny.chain((i) =>
      fc.record({
        i: fc.constant(withFlag(i, false)),
        sheet: fc.nat(),
        task: fc.nat(),
        by: fc.integer({ min: 1, max: 5 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ i, sheet, task, by }) => {
        const sheets = i.observation.sheets;
        fc.pre(sheets.length > 0);
        const s = sheets[sheet % sheets.length]!;
        const scored = Object.keys(s.scores);
        fc.pre(scored.length > 0);
        const code = scored[task % scored.length]!;
        const raised = sheets.map((x) =>
          x === s ? { ...x, scores: { ...x.scores, [code]: x.scores[code]! + by } } : x,
        );
        const before = decideAward(i);
        const after = decideAward({ ...i, observation: { ...i.observation, sheets: raised } });
        expect(after.level).toBeGreaterThanOrEqual(before.level);
        for (const c of before.awardedStars) expect(after.awardedStars).toContain(c);
      }),
      { numRuns: 300 },
    );
  });

  it('with the capstone rule on, the capstone is awarded only with all others; the flag touches nothing else', () => {
    fc.assert(
      fc.property(arbAny, (i) => {
        const on = decideAward(withFlag(i, true));
        const off = decideAward(withFlag(i, false));
        const cap = on.stars.find((s) => s.capstone);
        const rest = (d: AwardDecision) => d.stars.filter((s) => !s.capstone).map((s) => [s.star, s.awarded]);
        expect(rest(on)).toEqual(rest(off));
        if (!cap) return;
        const othersAwarded = on.stars.filter((s) => !s.capstone).every((s) => s.awarded);
        if (cap.awarded) expect(othersAwarded).toBe(true);
        expect(cap.awarded).toBe(othersAwarded && star(off, cap.star).awarded);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and leaves its input untouched', () => {
    fc.assert(
      fc.property(arbAny, (i) => {
        const copy = structuredClone(i);
        const a = decideAward(i);
        expect(i).toEqual(copy);
        expect(decideAward(copy)).toEqual(a);
      }),
      { numRuns: 30 },
    );
  });
});
