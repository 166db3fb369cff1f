import { Catalog } from '../catalog';
import { BranchType } from '../directory';
import enterprise from './enterprise.v1.json';
import organ from './organ.v1.json';
import rural from './rural.v1.json';
import urban from './urban.v1.json';

/**
 * Default catalogs shipped with the product, one per branch type: examples built from the reported
 * themes (see DOMAIN.md and docs/catalogs.md), marked `example: true`, to be replaced by the official ones.
 * A published version is never edited in place: a change is a new file with the next version.
 */
export const DEFAULT_CATALOGS: Catalog[] = [rural, urban, organ, enterprise].map((c) => Catalog.parse(c));

export function defaultCatalogFor(type: BranchType): Catalog | undefined {
  return DEFAULT_CATALOGS.find((c) => c.branchType === type);
}
