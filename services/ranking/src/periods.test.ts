import {
  defaultRound,
  latestFirst,
  levelMovement,
  previousRound,
  rankMovement,
  sameScope,
  sourcesFor,
  wholeCountyRounds,
  type RoundInfo,
} from './periods';

const r = (
  id: string,
  countyCode: string,
  year: number,
  startedAt: string | null = null,
  townshipCodes: string[] | null = null,
  campaignId: string | null = null,
): RoundInfo => ({
  id,
  countyCode,
  year,
  title: null,
  townshipCodes,
  stars: null,
  campaignId,
  startedAt: startedAt === null ? null : new Date(startedAt),
  closedAt: null,
});

// County 410101 runs 2024, 2025 (twice: a re-run started later) and 2026; 410102 only 2025; 410103 2027.
const rounds = [
  r('a26', '410101', 2026, '2026-01-01T00:00:00Z'),
  r('a24', '410101', 2024, '2026-02-01T00:00:00Z'),
  r('a25', '410101', 2025, '2025-01-01T00:00:00Z'),
  r('a25b', '410101', 2025, '2025-06-01T00:00:00Z'),
  r('b25', '410102', 2025, '2025-03-01T00:00:00Z'),
  r('c27', '410103', 2027, '2027-01-01T00:00:00Z'),
];
const byId = (id: string) => rounds.find((x) => x.id === id)!;

describe('latestFirst', () => {
  it('orders by year, then by the later start, a round known only from its close last, then id', () => {
    const list = [
      r('x', '1', 2025, '2025-01-01T00:00:00Z'),
      r('y', '1', 2025, null),
      r('z', '1', 2026, '2020-01-01T00:00:00Z'),
      r('w', '1', 2025, '2025-02-01T00:00:00Z'),
      r('v', '1', 2025, null),
    ];
    expect([...list].sort(latestFirst).map((x) => x.id)).toEqual(['z', 'w', 'x', 'y', 'v']);
  });
});

describe('defaultRound', () => {
  it('is the round of the latest year, whenever it was started', () => {
    expect(defaultRound(rounds, '410101')?.id).toBe('a26');
    expect(defaultRound(rounds, '410102')?.id).toBe('b25');
  });

  it('is null for a county without rounds', () => {
    expect(defaultRound(rounds, '410199')).toBeNull();
  });
});

describe('previousRound', () => {
  it('is the same county’s round of the greatest earlier year (the later start among equals)', () => {
    expect(previousRound(rounds, byId('a26'))?.id).toBe('a25b');
    expect(previousRound(rounds, byId('a25'))?.id).toBe('a24');
    expect(previousRound(rounds, byId('a24'))).toBeNull();
    // Another county's earlier round is never "previous".
    expect(previousRound(rounds, byId('b25'))).toBeNull();
  });

  it('is of the same scope: the whole county, or the same townships', () => {
    const scoped = [
      r('w24', '410101', 2024, '2024-01-01T00:00:00Z'),
      r('t24', '410101', 2024, '2024-03-01T00:00:00Z', ['410101001', '410101002']),
      r('u25', '410101', 2025, '2025-05-01T00:00:00Z', ['410101001']),
      r('w25', '410101', 2025, '2025-01-01T00:00:00Z'),
      r('t25', '410101', 2025, '2025-03-01T00:00:00Z', ['410101001', '410101002']),
      r('w26', '410101', 2026, '2026-01-01T00:00:00Z'),
      r('t26', '410101', 2026, '2026-02-01T00:00:00Z', ['410101001', '410101002']),
    ];
    const of = (id: string) =>
      previousRound(
        scoped,
        scoped.find((x) => x.id === id)!,
      )?.id ?? null;
    // u25 started last in 2025, but covers one township only.
    expect(of('w26')).toBe('w25');
    expect(of('t26')).toBe('t25');
    expect(of('t25')).toBe('t24');
    expect(of('w25')).toBe('w24');
    expect(of('u25')).toBeNull();
  });
});

describe('sameScope', () => {
  it('compares county and township sets (sorted when stored)', () => {
    const twp = (id: string, county: string, codes: string[] | null) => r(id, county, 2026, null, codes);
    expect(sameScope(twp('a', '410101', null), twp('b', '410101', null))).toBe(true);
    expect(sameScope(twp('a', '410101', ['1', '2']), twp('b', '410101', ['1', '2']))).toBe(true);
    expect(sameScope(twp('a', '410101', ['1', '2']), twp('b', '410101', ['1']))).toBe(false);
    expect(sameScope(twp('a', '410101', ['1']), twp('b', '410101', null))).toBe(false);
    expect(sameScope(twp('a', '410101', null), twp('b', '410102', null))).toBe(false);
  });
});

describe('sourcesFor', () => {
  it('reads the county from its round and the others from their round of that year or before', () => {
    expect(Object.fromEntries(sourcesFor(rounds, '410101', byId('a25')))).toEqual({
      '410101': 'a25',
      '410102': 'b25',
      '410103': null, // its only round is later: nothing yet
    });
    expect(Object.fromEntries(sourcesFor(rounds, '410102', byId('b25')))).toEqual({
      '410101': 'a25b',
      '410102': 'b25',
      '410103': null,
    });
  });

  it('reads every county from its latest round when the county itself has none', () => {
    const sources = sourcesFor(rounds, '410199', null);
    expect(Object.fromEntries(sources)).toEqual({ '410101': 'a26', '410102': 'b25', '410103': 'c27' });
    // Not in the map: its branches' latest awards count.
    expect(sources.has('410199')).toBe(false);
  });
});

describe('movements', () => {
  it('compares a level with the previous one', () => {
    expect(levelMovement(3, 2)).toBe('up');
    expect(levelMovement(2, 3)).toBe('down');
    expect(levelMovement(0, 0)).toBe('same');
    expect(levelMovement(2, null)).toBe('new');
  });

  it('calls a smaller rank number up', () => {
    expect(rankMovement(1, 2)).toBe('up');
    expect(rankMovement(3, 1)).toBe('down');
    expect(rankMovement(2, 2)).toBe('same');
  });
});

describe('wholeCountyRounds', () => {
  const of = (rs: RoundInfo[], year: number, campaignId?: string) =>
    Object.fromEntries([...wholeCountyRounds(rs, year, campaignId)].map(([c, x]) => [c, x.id]));
  const area = [
    r('k1', '410101', 2026, '2026-03-01T00:00:00Z', null, 'c2026'),
    // Started later, but of one township: it never stands for the county.
    r('k1-t', '410101', 2026, '2026-05-01T00:00:00Z', ['410101001'], 'c2026'),
    // A re-run of the whole county, started later, outside the campaign.
    r('k1-again', '410101', 2026, '2026-04-01T00:00:00Z'),
    r('k2', '410102', 2026, '2026-03-01T00:00:00Z', null, 'c2026'),
    r('k2-25', '410102', 2025, '2025-03-01T00:00:00Z', null, 'c2025'),
    // Known only from its close: its scope is unknown.
    r('k3', '410103', 2026),
  ];

  it('takes each county’s latest whole-county round of the year', () => {
    expect(of(area, 2026)).toEqual({ '410101': 'k1-again', '410102': 'k2' });
    expect(of(area, 2025)).toEqual({ '410102': 'k2-25' });
  });

  it('keeps to the campaign when one is given', () => {
    expect(of(area, 2026, 'c2026')).toEqual({ '410101': 'k1', '410102': 'k2' });
    expect(of(area, 2026, 'other')).toEqual({});
  });
});
