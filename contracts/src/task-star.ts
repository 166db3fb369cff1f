import { CatalogStar } from './catalog';

/**
 * A catalog star's code (e.g. `party`): the star a task concerns (`Task.star`) and the ledger's `star`
 * filter, on NATS and over HTTP.
 */
export const StarCode = CatalogStar.shape.code;
