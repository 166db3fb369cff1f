import { Catalog } from '../catalog';
import { BranchType } from '../directory';
import rural from './rural.v1.json';
import urban from './urban.v1.json';

/** Default catalogs shipped with the product (examples: see DOMAIN.md). */
export const DEFAULT_CATALOGS: Catalog[] = [Catalog.parse(rural), Catalog.parse(urban)];

export function defaultCatalogFor(type: BranchType): Catalog | undefined {
  return DEFAULT_CATALOGS.find((c) => c.branchType === type);
}
