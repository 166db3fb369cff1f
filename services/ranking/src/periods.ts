import type { RankingStar } from '@fivestar/contracts';

/**
 * Which round's standings a ranking reads, per county: pure, so the choices are unit-tested.
 *
 * A ranking is of one county's round (by default its round of the latest year). Its county is ranked
 * among the counties of its city, each read from its own round of that year or the nearest year before;
 * a county that has never recorded a round is read as each branch's latest award in any round.
 */

export interface RoundInfo {
  id: string;
  countyCode: string;
  year: number;
  title: string | null;
  /** The townships the round covers, sorted; null: the whole county. */
  townshipCodes: readonly string[] | null;
  /** The stars of its catalogs, in catalog order; null: only its close was seen. */
  stars: readonly RankingStar[] | null;
  /** The campaign it runs under; null: its start did not say (or was not seen). */
  campaignId: string | null;
  startedAt: Date | null;
  closedAt: Date | null;
}

/**
 * Where each county's levels come from: a county mapped to a round id reads that round's standings; to
 * null, no standings at all (its rounds all came later); a county not in the map, each branch's latest
 * award in any round (the county has no recorded round).
 */
export type Sources = Map<string, string | null>;

/** Greater year first, then the later start (a round known only from its close last), then id. */
export function latestFirst(a: RoundInfo, b: RoundInfo): number {
  if (a.year !== b.year) return b.year - a.year;
  const sa = a.startedAt?.getTime() ?? null;
  const sb = b.startedAt?.getTime() ?? null;
  if (sa !== sb) {
    if (sa === null) return 1;
    if (sb === null) return -1;
    return sb - sa;
  }
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The latest of the rounds that pass `keep`, or null. */
function latest(rounds: readonly RoundInfo[], keep: (r: RoundInfo) => boolean): RoundInfo | null {
  return rounds.filter(keep).sort(latestFirst)[0] ?? null;
}

/** The county's round of the latest year (the default of a ranking); null if it has none. */
export function defaultRound(rounds: readonly RoundInfo[], countyCode: string): RoundInfo | null {
  return latest(rounds, (r) => r.countyCode === countyCode);
}

/** Whether two rounds cover the same branches: the same county, and both all of it or the same townships. */
export function sameScope(a: RoundInfo, b: RoundInfo): boolean {
  if (a.countyCode !== b.countyCode) return false;
  if (a.townshipCodes === null || b.townshipCodes === null) return a.townshipCodes === b.townshipCodes;
  return a.townshipCodes.join() === b.townshipCodes.join();
}

/**
 * The round of the same scope with the greatest year before this round's year (升星 and the previous
 * figures compare with it): a round of other townships covers other branches, so it is never previous.
 */
export function previousRound(rounds: readonly RoundInfo[], round: RoundInfo): RoundInfo | null {
  return latest(rounds, (r) => sameScope(r, round) && r.year < round.year);
}

/**
 * The sources of a period: `countyCode` reads `round`; every other county of `rounds` reads its latest
 * round of `round`'s year or before (any year when `round` is null).
 */
export function sourcesFor(
  rounds: readonly RoundInfo[],
  countyCode: string,
  round: RoundInfo | null,
): Sources {
  const sources: Sources = new Map();
  for (const county of new Set(rounds.map((r) => r.countyCode))) {
    const read =
      round && county === countyCode
        ? round
        : latest(rounds, (r) => r.countyCode === county && (!round || r.year <= round.year));
    sources.set(county, read?.id ?? null);
  }
  return sources;
}

/**
 * The source of each county of an area ranking (by county code): its latest whole-county round of `year`
 * (of `campaignId` when given). A round of some townships never stands for its county, nor one known only
 * from its close (its scope is unknown).
 */
export function wholeCountyRounds(
  rounds: readonly RoundInfo[],
  year: number,
  campaignId?: string,
): Map<string, RoundInfo> {
  const chosen = new Map<string, RoundInfo>();
  const eligible = rounds.filter(
    (r) =>
      r.year === year &&
      r.townshipCodes === null &&
      r.startedAt !== null &&
      (campaignId === undefined || r.campaignId === campaignId),
  );
  for (const r of [...eligible].sort(latestFirst)) if (!chosen.has(r.countyCode)) chosen.set(r.countyCode, r);
  return chosen;
}

/** 升星: a level against the previous one (null: no standing before). */
export function levelMovement(level: number, previous: number | null): 'up' | 'down' | 'same' | 'new' {
  if (previous === null) return 'new';
  return level > previous ? 'up' : level < previous ? 'down' : 'same';
}

/** ↑↓ of a rank (1 is best): a smaller number than before is up. */
export function rankMovement(rank: number, previous: number): 'up' | 'down' | 'same' {
  return rank < previous ? 'up' : rank > previous ? 'down' : 'same';
}
