import { catalogTasks, defaultCatalogFor } from '@fivestar/contracts';

/** The default rural catalog and the sign-offs tests send over it: every star, full marks, approved. */
export const rural = defaultCatalogFor('rural')!;
export const allStars = rural.stars.map((s) => s.code);
export const fullScores = Object.fromEntries(catalogTasks(rural).map((t) => [t.code, t.points]));
export const approveAll = {
  decision: 'approve',
  stars: allStars.map((star) => ({ star, approved: true })),
};
