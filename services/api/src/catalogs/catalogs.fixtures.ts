import { DEFAULT_CATALOGS, defaultCatalogFor, type Catalog } from '@fivestar/contracts';
import type { CatalogError, CatalogParseResult } from './errors';

/** Fixtures shared by the JSON and the Excel catalog import tests (not a test itself). */

/** The rural default catalog: every edited import starts from it. */
export const rural: Catalog = defaultCatalogFor('rural')!;

/** `[id, catalog]` of every default catalog, for the round-trip `it.each`. */
export const defaultCatalogCases = DEFAULT_CATALOGS.map((c) => [c.id, c] as const);

/** One expected error: where (a JSON path or an Excel cell) and what. */
export const at = (path: string, message: string): CatalogError => ({ path, message });

/** The result of a refused import: exactly these errors. */
export const failed = (...errors: CatalogError[]): CatalogParseResult => ({ ok: false, errors });
