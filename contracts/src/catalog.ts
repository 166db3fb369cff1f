import { z } from 'zod';
import { BranchType } from './directory';

export const CatalogTask = z.object({
  code: z.string().regex(/^[A-Z0-9.-]{1,20}$/),
  title: z.string().min(1),
  points: z.number().int().positive(),
  evidence: z.array(z.string().min(1)).default([]),
});
export type CatalogTask = z.infer<typeof CatalogTask>;

export const CatalogStar = z.object({
  code: z.string().regex(/^[a-z_]{1,40}$/),
  name: z.string().min(1),
  /** Points (sum over the star's task scores) needed to earn the star. */
  threshold: z.number().int().nonnegative(),
  /** The capstone star (支部过硬星) is earned only together with every other star. */
  capstone: z.boolean().default(false),
  tasks: z.array(CatalogTask).min(1),
});
export type CatalogStar = z.infer<typeof CatalogStar>;

/** A versioned star catalog; a round pins one (id + version) and carries it into every branch workflow. */
export const Catalog = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  branchType: BranchType,
  title: z.string().min(1),
  /** Shipped defaults are examples built from reported themes, to be replaced by the official wording. */
  example: z.boolean(),
  stars: z.array(CatalogStar).min(1),
});
export type Catalog = z.infer<typeof Catalog>;

export function catalogTasks(catalog: Catalog): CatalogTask[] {
  return catalog.stars.flatMap((s) => s.tasks);
}
