import { useState } from 'react';
import type { BulkClaimResult, BulkUrgeResult } from '@fivestar/contracts';
import { api, command } from '../../api';
import { commandOutcome } from '../../forms';
import { t } from '../../i18n';
import { claimOutcomes, planUrges, urgeOutcomes, type ItemResult, type UrgeRow } from './urge';

/** A row's failure; a command still processing was taken (an outcome to tell, not an error). */
const failure = (err: unknown): ItemResult => {
  const { phase, message } = commandOutcome(err);
  return phase === 'processing' ? { ok: true, message } : { ok: false, message };
};

/** Urges `rows` (see planUrges); a rectification's refusal is its own row's outcome. */
export async function urgeRows(rows: UrgeRow[]): Promise<Record<string, ItemResult>> {
  const { bulk, single } = planUrges(rows);
  const out: Record<string, ItemResult> = {};
  for (const { roundId, branchIds, rows: group } of bulk) {
    const answer = await api<BulkUrgeResult>(`/rounds/${roundId}/urge`, { json: { branchIds } });
    Object.assign(out, urgeOutcomes(group, answer));
  }
  for (const { path, row } of single)
    out[row.key] = await command(path, {}).then((): ItemResult => ({ ok: true }), failure);
  return out;
}

export async function claimRows(rows: { key: string }[]): Promise<Record<string, ItemResult>> {
  const answer = await api<BulkClaimResult>('/tasks/bulk-claim', { json: { keys: rows.map((r) => r.key) } });
  return claimOutcomes(answer);
}

/**
 * The rows ticked for a bulk action and each row's latest outcome. `run` acts on some rows (one, or the
 * ticked ones); when the whole request fails, its message is every one of those rows' outcome.
 */
export function useBulk() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<Record<string, ItemResult>>({});
  const [pending, setPending] = useState(false);
  const toggle = (key: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  const setAll = (keys: string[], on: boolean) => setSelected(new Set(on ? keys : []));
  async function run<R extends { key: string }>(
    rows: R[],
    action: (rows: R[]) => Promise<Record<string, ItemResult>>,
  ): Promise<void> {
    setPending(true);
    try {
      const out = await action(rows);
      setResults((r) => ({ ...r, ...out }));
      const done = new Set(rows.map((row) => row.key));
      setSelected((s) => new Set([...s].filter((key) => !done.has(key))));
    } catch (err) {
      const failed = failure(err);
      setResults((r) => ({ ...r, ...Object.fromEntries(rows.map((row) => [row.key, failed])) }));
    } finally {
      setPending(false);
    }
  }
  /** A row's outcome before its action ends (a command taken, its answer awaited). */
  const note = (key: string, result: ItemResult) => setResults((r) => ({ ...r, [key]: result }));
  return { selected, toggle, setAll, results, pending, run, note };
}

/** A row's tick box for a bulk action. */
export function SelectRow({ bulk, row, label }: { bulk: Bulk; row: { key: string }; label: string }) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={bulk.selected.has(row.key)}
      onChange={() => bulk.toggle(row.key)}
      data-testid="task-select"
    />
  );
}

/** The header's tick box: every row of the table, or none. */
export function SelectAll({ bulk, rows }: { bulk: Bulk; rows: { key: string }[] }) {
  const all = rows.length > 0 && rows.every((r) => bulk.selected.has(r.key));
  return (
    <input
      type="checkbox"
      aria-label={t('tasks.selectAll')}
      checked={all}
      onChange={() =>
        bulk.setAll(
          rows.map((r) => r.key),
          !all,
        )
      }
      data-testid="select-all"
    />
  );
}

/** A row's outcome of the latest action on it: `done` or the API's message. */
export function RowResult({ result, done }: { result: ItemResult | undefined; done: string }) {
  if (!result) return null;
  return (
    <div className={result.ok ? 'ok' : 'error'} data-testid="task-result">
      {result.ok ? (result.message ?? done) : result.message}
    </div>
  );
}

export type Bulk = ReturnType<typeof useBulk>;
