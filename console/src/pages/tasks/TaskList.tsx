import { useState } from 'react';
import { Link } from 'react-router';
import type {
  BulkClaimResult,
  BulkUrgeResult,
  Light,
  Task,
  TaskPage,
  TaskRow,
  TaskView,
} from '@fivestar/contracts';
import { api } from '../../api';
import { label, t } from '../../i18n';
import { LevelBadge } from '../../layout/LevelBadge';
import { Status } from '../../layout/Status';
import { useUser } from '../../session';
import { useApi } from '../../use-api';

export interface TaskFilters {
  roundId?: string;
  step?: string;
  townshipCode?: string;
  star?: string;
  light?: string;
}

const LIGHT_ORDER: Record<Light, number> = { red: 0, yellow: 1, green: 2 };
/** Overdue (red) first, then the nearest deadline. */
const byUrgency = (a: TaskRow, b: TaskRow) =>
  LIGHT_ORDER[a.light] - LIGHT_ORDER[b.light] || a.deadline.localeCompare(b.deadline);

export const branchLink = (task: Pick<Task, 'roundId' | 'branchId'>) =>
  task.roundId && task.branchId ? `/rounds/${task.roundId}/branches/${task.branchId}` : null;

/** The village's name on one line (the whole name in its title), its code small beside it. */
function BranchName({ task }: { task: TaskRow }) {
  if (!task.branchId) return <>—</>;
  const name = task.branchName ?? task.branchId;
  return (
    <span className="branch-cell" title={`${name}（${task.branchId}）`} data-testid="task-branch">
      <span className="ellipsis branch-name">{name}</span>
      {task.branchName && <small className="muted">{task.branchId}</small>}
    </span>
  );
}

type ItemResult = { ok: boolean; message?: string };

/** A view of the caller's tasks as a table, with selection for bulk claim and (for those who may) bulk urge. */
export function TaskList({ view, filters }: { view: TaskView; filters: TaskFilters }) {
  const user = useUser();
  const loaded = useApi<TaskPage>('/tasks', { view, limit: 200, ...filters });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [results, setResults] = useState<Record<string, ItemResult>>({});
  const [pending, setPending] = useState(false);
  const canUrge = user?.role === 'coordinator' || user?.role === 'township_reviewer';

  async function bulk(action: 'claim' | 'urge', items: TaskRow[]) {
    setPending(true);
    try {
      const out: Record<string, ItemResult> = {};
      if (action === 'claim') {
        const r = await api<BulkClaimResult>('/tasks/bulk-claim', {
          json: { keys: items.map((i) => i.key) },
        });
        for (const i of r.items) out[i.key] = i.ok ? { ok: true } : { ok: false, message: i.error.message };
      } else {
        // Urges go per round: one request for each round's branches.
        for (const [roundId, group] of Object.entries(Object.groupBy(items, (i) => i.roundId ?? ''))) {
          const branchIds = [
            ...new Set((group ?? []).map((i) => i.branchId).filter((b): b is string => !!b)),
          ];
          if (!roundId || !branchIds.length) continue;
          const r = await api<BulkUrgeResult>(`/rounds/${roundId}/urge`, { json: { branchIds } });
          for (const u of r.items)
            for (const i of group ?? [])
              if (i.branchId === u.branchId)
                out[i.key] =
                  u.status < 300
                    ? { ok: true }
                    : { ok: false, message: u.problem?.detail ?? u.problem?.title };
        }
      }
      setResults(out);
      setSelected(new Set());
      loaded.reload();
    } catch (err) {
      setResults({ '': { ok: false, message: (err as Error).message } });
    } finally {
      setPending(false);
    }
  }

  return (
    <Status loaded={loaded}>
      {({ items }) => {
        const sorted = [...items].sort(byUrgency);
        const chosen = sorted.filter((i) => selected.has(i.key));
        const toggle = (key: string) =>
          setSelected((s) => {
            const next = new Set(s);
            if (!next.delete(key)) next.add(key);
            return next;
          });
        return (
          <>
            {view !== 'done' && (
              <div className="filters">
                <button
                  type="button"
                  disabled={pending || !chosen.length}
                  onClick={() => void bulk('claim', chosen)}
                  data-testid="bulk-claim"
                >
                  {t('tasks.claim')}
                </button>
                {canUrge && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={pending || !chosen.length}
                    onClick={() => void bulk('urge', chosen)}
                    data-testid="bulk-urge"
                  >
                    {t('tasks.urge')}
                  </button>
                )}
                {results['']?.message && <span className="error">{results[''].message}</span>}
              </div>
            )}
            {sorted.length === 0 ? (
              <p className="muted" data-testid="tasks-empty">
                {t('tasks.empty')}
              </p>
            ) : (
              <table data-testid="task-table">
                <thead>
                  <tr>
                    <th />
                    <th>{t('tasks.light')}</th>
                    <th>{t('tasks.title')}</th>
                    <th>{t('tasks.step')}</th>
                    <th>{t('tasks.branch')}</th>
                    <th>{t('tasks.deadline')}</th>
                    <th>{t('tasks.escalation')}</th>
                    <th>{t('tasks.assignee')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((task) => {
                    const link = branchLink(task);
                    const result = results[task.key];
                    return (
                      <tr
                        key={task.key}
                        data-testid="task-row"
                        data-branch={task.branchId ?? ''}
                        data-step={task.step ?? ''}
                      >
                        <td>
                          <input
                            type="checkbox"
                            aria-label={task.title}
                            checked={selected.has(task.key)}
                            onChange={() => toggle(task.key)}
                            data-testid="task-select"
                          />
                        </td>
                        <td className="nowrap">
                          <span className={`light light-${task.light}`} />
                          {t(`light.${task.light}`)}
                        </td>
                        <td>
                          {link ? (
                            <Link to={link} data-testid="task-open">
                              {task.title}
                            </Link>
                          ) : (
                            task.title
                          )}
                          {result && (
                            <div className={result.ok ? 'ok' : 'error'} data-testid="task-result">
                              {result.ok ? t('tasks.ok') : result.message}
                            </div>
                          )}
                        </td>
                        <td>{task.step ? t(`step.${task.step}`) : label('taskKind', task.kind)}</td>
                        <td>
                          <BranchName task={task} />
                        </td>
                        <td>{new Date(task.deadline).toLocaleString()}</td>
                        <td>
                          <LevelBadge level={task.escalationLevel} />
                        </td>
                        <td data-testid="task-assignee">{task.assignee?.name ?? '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </>
        );
      }}
    </Status>
  );
}
