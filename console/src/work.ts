/** Where a piece of work (a task, a ledger row) belongs: its branch page and its API path. */
export interface WorkRef {
  roundId: string | null;
  branchId: string | null;
  findingId: string | null;
}

/** The branch page of a piece of work, or null when it names no branch. */
export const branchLink = (w: Pick<WorkRef, 'roundId' | 'branchId'>): string | null =>
  w.roundId && w.branchId ? `/rounds/${w.roundId}/branches/${w.branchId}` : null;

/** The API path of the branch (or its finding) a piece of work belongs to. */
export function workPath(w: WorkRef): string {
  const branch = `/rounds/${w.roundId}/branches/${w.branchId}`;
  return w.findingId ? `${branch}/findings/${w.findingId}` : branch;
}
