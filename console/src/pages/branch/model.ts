import type { Branch, BranchState, Catalog } from '@fivestar/contracts';

/** What GET /api/rounds/:roundId/branches/:code answers. */
export interface BranchView {
  branch: Branch;
  state: BranchState;
}

export interface EvidenceItem {
  sha256: string;
  filename: string;
  size: number;
  kind: string;
  contentType: string;
  uploadedBy: string;
  uploadedAt: string;
}

/** The claimed stars of a catalog, in its order. */
export const claimedStars = (catalog: Catalog, targetStars: string[]) =>
  catalog.stars.filter((s) => targetStars.includes(s.code));

/** Required evidence of the claimed stars not yet attached (the workflow refuses the self-check without it). */
export function missingEvidence(catalog: Catalog, targetStars: string[], attached: Set<string>) {
  return claimedStars(catalog, targetStars).flatMap((s) =>
    s.tasks.flatMap((task) => task.evidence.filter((e) => e.required && !attached.has(e.code))),
  );
}
