import { useState } from 'react';
import { Link } from 'react-router';
import type { LedgerReport, LedgerReportRow, Task } from '@fivestar/contracts';
import { command } from '../../api';
import { t } from '../../i18n';
import { Deadline } from '../../layout/Deadline';
import { LevelBadge } from '../../layout/LevelBadge';
import { BranchName, workLabel } from '../../layout/WorkCells';
import { useApi } from '../../use-api';
import { branchLink, workPath } from '../../work';
import { RowResult, SelectAll, SelectRow, urgeRows, useBulk } from '../tasks/bulk';

/** Ledger items with a tick box each, 批量催办 over the ticked ones and 催办 per row; each row shows its outcome. */
function ItemsTable({ rows, testid }: { rows: LedgerReportRow[]; testid: string }) {
  const bulk = useBulk();
  if (rows.length === 0)
    return (
      <p className="muted" data-testid={testid}>
        {t('app.none')}
      </p>
    );
  const chosen = rows.filter((r) => bulk.selected.has(r.key));
  return (
    <div data-testid={testid}>
      <div className="toolbar">
        <button
          type="button"
          className="secondary"
          disabled={bulk.pending || !chosen.length}
          onClick={() => void bulk.run(chosen, urgeRows)}
          data-testid="bulk-urge"
        >
          {t('tasks.urge')}
        </button>
      </div>
      <table className="compact">
        <thead>
          <tr>
            <th>
              <SelectAll bulk={bulk} rows={rows} />
            </th>
            <th>{t('col.branch')}</th>
            <th>{t('col.item')}</th>
            <th>{t('coord.deadline')}</th>
            <th>{t('col.level')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="item-row" data-branch={r.branchId ?? ''}>
              <td>
                <SelectRow bulk={bulk} row={r} label={r.title} />
              </td>
              <td>
                <Link to={branchLink(r) ?? '#'}>
                  <BranchName branchId={r.branchId} branchName={r.branchName} />
                </Link>
              </td>
              <td className="nowrap" title={r.title}>
                {workLabel(r)}
              </td>
              <td className="nowrap">
                <Deadline at={r.deadline} provisional={r.provisional} />
              </td>
              <td>
                <LevelBadge level={r.escalationLevel} />
              </td>
              <td>
                {bulk.results[r.key] ? (
                  <RowResult result={bulk.results[r.key]} done={t('coord.urged')} />
                ) : (
                  <button
                    type="button"
                    disabled={bulk.pending}
                    data-testid={`urge-${r.branchId}`}
                    onClick={() => void bulk.run([r], urgeRows)}
                  >
                    {t('coord.urge')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * 逾期 and 督办 items of the round from the ledger (with the villages' names), to urge one by one or
 * ticked; one list above the other, so a row (name, code, outcome) has the page's width at 1366×768.
 */
export function OverdueLists({ roundId }: { roundId: string }) {
  const ledger = useApi<LedgerReport>('/ledger', { roundId });
  const open = (ledger.data?.rows ?? []).filter((r) => r.status === 'open');
  return (
    <div>
      <section>
        <h3>{t('col.overdueItems')}</h3>
        <ItemsTable rows={open.filter((r) => r.light === 'red')} testid="overdue-list" />
      </section>
      <section>
        <h3>{t('col.escalatedItems')}</h3>
        <ItemsTable rows={open.filter((r) => r.escalationLevel !== null)} testid="escalated-list" />
      </section>
    </div>
  );
}

/** The coordinator's extension and 摘星 decisions (tasks of those kinds), decided in place. */
export function Decisions({ roundId }: { roundId: string }) {
  const tasks = useApi<{ items: Task[] }>('/tasks', { roundId, view: 'todo', limit: 200 });
  const bulk = useBulk();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const items = (tasks.data?.items ?? []).filter(
    (x) => x.kind === 'extension_decision' || x.kind === 'revocation_decision',
  );
  const reasonList = (key: string) => (reasons[key]?.trim() ? [reasons[key]!.trim()] : undefined);
  const decide = (task: Task, yes: boolean) => {
    const [path, body] =
      task.kind === 'extension_decision'
        ? [`${workPath(task)}/extension/decision`, { approved: yes, reasons: reasonList(task.key) }]
        : [
            `${workPath({ ...task, findingId: null })}/revocations/${task.findingId}/decision`,
            { confirm: yes, star: task.star ?? undefined, reasons: reasonList(task.key) },
          ];
    // The same decision sent again after a refusal to take it is the same command (its key kept).
    void bulk.run([task], async () => {
      await command(path, body, () => bulk.note(task.key, { ok: true, message: t('command.accepted') }));
      return { [task.key]: { ok: true } };
    });
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
              <Link to={branchLink(task) ?? '#'}>{task.title}</Link>
              <RowResult result={bulk.results[task.key]} done={t('coord.done')} />
              {bulk.results[task.key]?.ok ? null : (
                <span className="actions">
                  <input
                    placeholder={t('coord.reasons')}
                    value={reasons[task.key] ?? ''}
                    onChange={(e) => setReasons((r) => ({ ...r, [task.key]: e.target.value }))}
                  />
                  <button type="button" disabled={bulk.pending} onClick={() => decide(task, true)}>
                    {t(task.kind === 'extension_decision' ? 'coord.approve' : 'coord.confirmRevoke')}
                  </button>
                  <button type="button" disabled={bulk.pending} onClick={() => decide(task, false)}>
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
