import {
  areaFiguresOf,
  childName,
  decimal,
  figuresOf,
  rankChildren,
  starsOf,
  type LevelTally,
} from './area-figures';

const STARS = [
  { code: 'party', name: '支部过硬星' },
  { code: 'industry', name: '产业兴旺星' },
];

describe('figuresOf', () => {
  it('adds up a township of 1 five-star, 4 four-star, 13 three-star and 23 two-star branches', () => {
    // 5 + 16 + 39 + 46 = 106 stars over 41 branches: 2.585… → 2.59; 18 of 41 at three or more: 43.90%.
    expect(figuresOf([0, 0, 23, 13, 4, 1], { party: 1, industry: 18 }, STARS)).toEqual({
      branches: 41,
      levelCounts: { 0: 0, 1: 0, 2: 23, 3: 13, 4: 4, 5: 1 },
      starCounts: { party: 1, industry: 18 },
      totalStars: 106,
      averageStars: '2.59',
      threeStarsOrMoreShare: '43.90',
    });
  });

  it('answers zeros for no branches, and 0 for a star nobody holds', () => {
    expect(figuresOf([], {}, STARS)).toMatchObject({
      branches: 0,
      totalStars: 0,
      averageStars: '0.00',
      threeStarsOrMoreShare: '0.00',
      starCounts: { party: 0, industry: 0 },
    });
  });
});

describe('decimal', () => {
  it('rounds half up to two places on integers', () => {
    expect(decimal(1, 3, 100)).toBe('33.33');
    expect(decimal(2, 3, 100)).toBe('66.67');
    // 0.125 exactly: half up.
    expect(decimal(1, 8)).toBe('0.13');
    expect(decimal(5, 8, 100)).toBe('62.50');
    expect(decimal(7, 2)).toBe('3.50');
    expect(decimal(1, 1, 100)).toBe('100.00');
  });
});

describe('areaFiguresOf', () => {
  // Two counties of a city: 410101 with 2 rural (5 and 3 stars) and 1 urban (0); 410102 with 1 organ (4).
  const levels: LevelTally[] = [
    { child: '410101', type: 'rural', level: 5, branches: 1 },
    { child: '410101', type: 'rural', level: 3, branches: 1 },
    { child: '410101', type: 'urban', level: 0, branches: 1 },
    { child: '410102', type: 'organ', level: 4, branches: 1 },
  ];
  const held = [
    { child: '410101', type: 'rural' as const, star: 'party', branches: 1 },
    { child: '410101', type: 'rural' as const, star: 'industry', branches: 2 },
    { child: '410102', type: 'organ' as const, star: 'industry', branches: 1 },
  ];

  it('adds up all the tallies, and each branch type apart', () => {
    const city = areaFiguresOf('4101', '郑州市', levels, held, STARS);
    expect(city).toMatchObject({
      code: '4101',
      name: '郑州市',
      branches: 4,
      totalStars: 12,
      averageStars: '3.00',
      threeStarsOrMoreShare: '75.00',
      levelCounts: { 0: 1, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 },
      starCounts: { party: 1, industry: 3 },
    });
    expect(city.byType.rural).toMatchObject({ branches: 2, totalStars: 8, averageStars: '4.00' });
    expect(city.byType.urban).toMatchObject({ branches: 1, totalStars: 0, threeStarsOrMoreShare: '0.00' });
    expect(city.byType.organ).toMatchObject({
      branches: 1,
      totalStars: 4,
      starCounts: { party: 0, industry: 1 },
    });
    expect(city.byType.enterprise).toMatchObject({ branches: 0, averageStars: '0.00' });
  });

  it('ranks children by the published score, equal scores sharing a rank', () => {
    const of = (child: string) =>
      areaFiguresOf(
        child,
        child,
        levels.filter((t) => t.child === child),
        held.filter((t) => t.child === child),
        STARS,
      );
    const tie = { ...of('410103'), averageStars: '4.00' };
    expect(rankChildren([of('410101'), tie, of('410102')]).map((c) => [c.code, c.rank])).toEqual([
      ['410102', 1],
      ['410103', 1],
      ['410101', 3],
    ]);
  });
});

describe('names and stars', () => {
  it('names the level’s own units 省直 and 市直, others by name or code', () => {
    expect(childName('province', '41', '4100', null)).toBe('省直');
    expect(childName('city', '4110', '411000', '许昌市本级')).toBe('市直');
    expect(childName('province', '41', '4110', '许昌市')).toBe('许昌市');
    expect(childName('province', '41', '4110', null)).toBe('4110');
  });

  it('lists the rounds’ stars in order, then other stars held, by code', () => {
    const held = [
      { child: 'x', type: 'rural' as const, star: 'zeta', branches: 1 },
      { child: 'x', type: 'rural' as const, star: 'alpha', branches: 1 },
    ];
    expect(starsOf([STARS, null, [{ code: 'party', name: '重复' }]], held)).toEqual([
      ...STARS,
      { code: 'alpha', name: 'alpha' },
      { code: 'zeta', name: 'zeta' },
    ]);
  });
});
