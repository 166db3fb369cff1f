import { useState } from 'react';
import { Link } from 'react-router';
import type { LedgerResult, LedgerRow, Task } from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { t } from '../../i18n';
import { LevelBadge } from '../../layout/LevelBadge';
import { useApi } from '../../use-api';

/** The branch (or its finding) a piece of work belongs to, as an API path. */
export function workPath(w: {
  roundId: string | null;
  branchId: string | null;
  findingId: string | null;
}): string {
  const branch = `/rounds/${w.roundId}/branches/${w.branchId}`;
  return w.findingId ? `${branch}/findings/${w.findingId}` : branch;
}

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** Runs one action per row; the row shows its outcome (done or the API's message). */
function useRowAction() {
  const [outcome, setOutcome] = useState<Record<string, string>>({});
  const run = async (key: string, action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setOutcome((o) => ({ ...o, [key]: done }));
    } catch (e) {
      setOutcome((o) => ({ ...o, [key]: e instanceof ApiError ? e.message : String(e) }));
    }
  };
  return { outcome, run };
}

function ItemsTable({ rows, testid }: { rows: LedgerRow[]; testid: string }) {
  const { outcome, run } = useRowAction();
  if (rows.length === 0)
    return (
      <p className="muted" data-testid={testid}>
        {t('app.none')}
      </p>
    );
  return (
    <table className="compact" data-testid={testid}>
      <thead>
        <tr>
          <th>{t('coord.branch')}</th>
          <th>{t('coord.item')}</th>
          <th>{t('coord.deadline')}</th>
          <th>{t('coord.level')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>
              <Link to={`/rounds/${r.roundId}/branches/${r.branchId}`}>{r.branchId}</Link>
            </td>
            <td className="wrap">{r.title}</td>
            <td>{when(r.deadline)}</td>
            <td>
              <LevelBadge level={r.escalationLevel} />
            </td>
            <td>
              {outcome[r.key] ?? (
                <button
                  type="button"
                  data-testid={`urge-${r.branchId}`}
                  onClick={() =>
                    void run(r.key, () => api(`${workPath(r)}/urge`, { json: {} }), t('coord.urged'))
                  }
                >
                  {t('coord.urge')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 逾期 and 督办 items of the round from the ledger, each with its urge button. */
export function OverdueLists({ roundId }: { roundId: string }) {
  const ledger = useApi<LedgerResult>('/ledger', { roundId });
  const open = (ledger.data?.rows ?? []).filter((r) => r.status === 'open');
  return (
    <div className="two-cols">
      <section>
        <h3>{t('coord.overdue')}</h3>
        <ItemsTable rows={open.filter((r) => r.light === 'red')} testid="overdue-list" />
      </section>
      <section>
        <h3>{t('coord.escalated')}</h3>
        <ItemsTable rows={open.filter((r) => r.escalationLevel !== null)} testid="escalated-list" />
      </section>
    </div>
  );
}

/** The coordinator's extension and 摘星 decisions (tasks of those kinds), decided in place. */
export function Decisions({ roundId }: { roundId: string }) {
  const tasks = useApi<{ items: Task[] }>('/tasks', { roundId, view: 'todo', limit: 200 });
  const { outcome, run } = useRowAction();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const items = (tasks.data?.items ?? []).filter(
    (x) => x.kind === 'extension_decision' || x.kind === 'revocation_decision',
  );
  const reasonList = (key: string) => (reasons[key]?.trim() ? [reasons[key]!.trim()] : undefined);
  const decide = (task: Task, yes: boolean) => {
    const branch = `/rounds/${task.roundId}/branches/${task.branchId}`;
    const [path, body] =
      task.kind === 'extension_decision'
        ? [`${workPath(task)}/extension/decision`, { approved: yes, reasons: reasonList(task.key) }]
        : [
            `${branch}/revocations/${task.findingId}/decision`,
            { confirm: yes, star: task.star ?? undefined, reasons: reasonList(task.key) },
          ];
    void run(task.key, () => api(path, { json: body }), t('coord.done'));
  };
  return (
    <section data-testid="decisions">
      <h3>{t('coord.decisions')}</h3>
      {items.length === 0 ? (
        <p className="muted">{t('app.none')}</p>
      ) : (
        <ul className="plain">
          {items.map((task) => (
            <li key={task.key} className="decision" data-testid={`decision-${task.kind}`}>
              <strong>
                {t(task.kind === 'extension_decision' ? 'coord.extension' : 'coord.revocation')}
              </strong>{' '}
              <Link to={`/rounds/${task.roundId}/branches/${task.branchId}`}>{task.title}</Link>
              {outcome[task.key] ?? (
                <span className="actions">
                  <input
                    placeholder={t('coord.reasons')}
                    value={reasons[task.key] ?? ''}
                    onChange={(e) => setReasons((r) => ({ ...r, [task.key]: e.target.value }))}
                  />
                  <button type="button" onClick={() => decide(task, true)}>
                    {t(task.kind === 'extension_decision' ? 'coord.approve' : 'coord.confirmRevoke')}
                  </button>
                  <button type="button" onClick={() => decide(task, false)}>
                    {t(task.kind === 'extension_decision' ? 'coord.reject' : 'coord.keepStar')}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
