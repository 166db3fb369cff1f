import type { CatalogList, CountyBranches, CountyTownships, RoundList } from '@fivestar/contracts';
import { useApi } from './use-api';

/** Every jurisdiction code (6, 9 or 12 digits) begins with its county's six. */
export const countyOf = (jurisdiction: string) => jurisdiction.slice(0, 6);

/** The rounds of the caller's county, newest first (pickers, titles instead of ids). */
export const useRounds = () => useApi<RoundList>('/rounds');

/** A county's townships with their names (null: none wanted, nothing fetched). */
export const useTownships = (countyCode: string | null) =>
  useApi<CountyTownships>(countyCode && `/counties/${countyCode}/townships`);

/** A county's branches with their names and townships (null: none wanted, nothing fetched). */
export const useBranches = (countyCode: string | null) =>
  useApi<CountyBranches>(countyCode && `/counties/${countyCode}/branches`);

/** The stored catalogs, each id with its versions, newest first (pickers, titles, the admin's list). */
export const useCatalogs = () => useApi<CatalogList>('/catalogs');
