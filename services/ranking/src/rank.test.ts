import { rankDesc, scaledDecimal } from './rank';

describe('rankDesc', () => {
  const ranks = (scores: number[]) =>
    rankDesc(
      scores.map((s, i) => ({ id: i, s })),
      (x) => x.s,
    ).map((x) => [x.id, x.rank]);

  it('ranks highest first', () => {
    expect(ranks([1, 3, 2])).toEqual([
      [1, 1],
      [2, 2],
      [0, 3],
    ]);
  });

  it('ties share a rank and the next rank is skipped (1, 1, 3)', () => {
    expect(ranks([5, 5, 4, 4, 4, 1])).toEqual([
      [0, 1],
      [1, 1],
      [2, 3],
      [3, 3],
      [4, 3],
      [5, 6],
    ]);
  });

  it('keeps the given order among ties and leaves the input alone', () => {
    const input = [
      { code: 'b', s: 2 },
      { code: 'a', s: 2 },
      { code: 'c', s: 3 },
    ];
    expect(rankDesc(input, (x) => x.s)).toEqual([
      { code: 'c', s: 3, rank: 1 },
      { code: 'b', s: 2, rank: 2 },
      { code: 'a', s: 2, rank: 2 },
    ]);
    expect(input.map((x) => x.code)).toEqual(['b', 'a', 'c']);
  });

  it('handles empty and all-equal lists', () => {
    expect(ranks([])).toEqual([]);
    expect(ranks([0, 0, 0]).map(([, r]) => r)).toEqual([1, 1, 1]);
  });
});

describe('scaledDecimal', () => {
  it('turns decimal strings into exact integers', () => {
    expect(scaledDecimal('2.59', 2)).toBe(259);
    expect(scaledDecimal('0.00', 2)).toBe(0);
    expect(scaledDecimal('5', 2)).toBe(500);
    expect(scaledDecimal('43.9', 1)).toBe(439);
  });

  it('orders averages as numbers, not as text', () => {
    expect(scaledDecimal('10.00', 2)).toBeGreaterThan(scaledDecimal('9.99', 2));
  });
});
