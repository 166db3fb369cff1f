import type { Branch, BranchFault, BranchState, Catalog } from '@fivestar/contracts';

/**
 * A deadline counted Monday–Friday while its year's holidays are not loaded (WorkStatus.provisional): read
 * when the server says so, absent otherwise.
 */
export interface Provisional {
  provisional?: boolean;
}

/** What GET /api/rounds/:roundId/branches/:code answers: the branch, its state, 系统处理异常 (or null). */
export interface BranchView {
  branch: Branch;
  state: BranchState & Provisional;
  fault?: BranchFault | null;
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
