import type { BulkClaimResult, BulkUrgeResult } from '@fivestar/contracts';
import { workPath, type WorkRef } from '../../work';

/** A row's outcome of a bulk action: done (or taken, with what to say), or the API's message. */
export type ItemResult = { ok: true; message?: string } | { ok: false; message: string };

export interface UrgeRow extends WorkRef {
  key: string;
}

export interface UrgePlan {
  /** 批量催办 per round: the open step of each branch (POST /rounds/:roundId/urge). */
  bulk: { roundId: string; branchIds: string[]; rows: UrgeRow[] }[];
  /** A rectification item is urged by its own route (the bulk route urges a branch's step). */
  single: { path: string; row: UrgeRow }[];
}

/** How to urge `rows`: step work per round in one request, each rectification on its own; no branch, nothing. */
export function planUrges(rows: UrgeRow[]): UrgePlan {
  const plan: UrgePlan = { bulk: [], single: [] };
  for (const row of rows) {
    if (!row.roundId || !row.branchId) continue;
    if (row.findingId) {
      plan.single.push({ path: `${workPath(row)}/urge`, row });
      continue;
    }
    let group = plan.bulk.find((g) => g.roundId === row.roundId);
    if (!group) plan.bulk.push((group = { roundId: row.roundId, branchIds: [], rows: [] }));
    if (!group.branchIds.includes(row.branchId)) group.branchIds.push(row.branchId);
    group.rows.push(row);
  }
  return plan;
}

/** Each row's outcome in a bulk urge's answer: its branch's (the status a single urge would have had). */
export function urgeOutcomes(rows: UrgeRow[], result: BulkUrgeResult): Record<string, ItemResult> {
  const byBranch = new Map(result.items.map((i) => [i.branchId, i]));
  const out: Record<string, ItemResult> = {};
  for (const row of rows) {
    const item = byBranch.get(row.branchId ?? '');
    if (!item) continue;
    out[row.key] =
      item.status < 300
        ? { ok: true }
        : { ok: false, message: item.problem?.detail ?? item.problem?.title ?? `HTTP ${item.status}` };
  }
  return out;
}

/** Each task's outcome in a bulk claim's answer. */
export function claimOutcomes(result: BulkClaimResult): Record<string, ItemResult> {
  return Object.fromEntries(
    result.items.map((i) => [i.key, i.ok ? { ok: true } : { ok: false, message: i.error.message }]),
  );
}
