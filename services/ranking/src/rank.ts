/**
 * Competition ranking ("1224"): highest score first; equal scores share a rank and the next rank is
 * skipped (1, 1, 3). Ties keep the order they were given in (callers pass them sorted by code).
 */
export function rankDesc<T extends object>(
  items: readonly T[],
  score: (item: T) => number,
): Array<T & { rank: number }> {
  const sorted = items
    .map((item, index) => ({ item, score: score(item), index }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  let rank = 0;
  return sorted.map((entry, pos) => {
    if (pos === 0 || entry.score !== sorted[pos - 1]!.score) rank = pos + 1;
    return { ...entry.item, rank };
  });
}

/**
 * A non-negative decimal string as an integer count of its last place ("2.59" at 2 places → 259), so
 * published figures compare exactly, without binary floating point.
 */
export function scaledDecimal(value: string, places: number): number {
  const [whole = '0', fraction = ''] = value.split('.');
  return Number(whole + fraction.padEnd(places, '0').slice(0, places));
}
