import { DEFAULT_CATALOGS, type RankingStar } from '@fivestar/contracts';

// Star codes as the default catalogs name them (the first catalog naming a shared code wins).
const NAMES = new Map<string, string>();
for (const catalog of DEFAULT_CATALOGS)
  for (const s of catalog.stars) if (!NAMES.has(s.code)) NAMES.set(s.code, s.name);

export const starName = (code: string): string => NAMES.get(code) ?? code;

/** A ranking's star: its catalog's name, or the default catalogs' when its round did not list it (named by code). */
export const rankingStarName = (s: RankingStar): string => (s.name === s.code ? starName(s.code) : s.name);

/** Every star code of the default catalogs, in their order (the task list's star filter). */
export const STAR_CODES = [...NAMES.keys()];
