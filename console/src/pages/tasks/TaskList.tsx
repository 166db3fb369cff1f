import { Link } from 'react-router';
import { commandRoles, type Light, type TaskPage, type TaskRow, type TaskView } from '@fivestar/contracts';
import { t } from '../../i18n';
import { Deadline } from '../../layout/Deadline';
import { LevelBadge } from '../../layout/LevelBadge';
import { Status } from '../../layout/Status';
import { BranchName, workLabel } from '../../layout/WorkCells';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { branchLink } from '../../work';
import { claimRows, RowResult, SelectAll, SelectRow, urgeRows, useBulk } from './bulk';

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

/** A view of the caller's tasks as a table, with selection for bulk claim and (for those who may) bulk urge. */
export function TaskList({ view, filters }: { view: TaskView; filters: TaskFilters }) {
  const user = useUser();
  const loaded = useApi<TaskPage>('/tasks', { view, limit: 200, ...filters });
  const bulk = useBulk();
  // The list spans branches: the API answers each row's urge for its own branch.
  const canUrge = !!user && commandRoles('urge').includes(user.role);
  const act = (action: (rows: TaskRow[]) => ReturnType<typeof claimRows>, rows: TaskRow[]) =>
    void bulk.run(rows, action).then(loaded.reload);

  return (
    <Status loaded={loaded}>
      {({ items }) => {
        const sorted = [...items].sort(byUrgency);
        const chosen = sorted.filter((i) => bulk.selected.has(i.key));
        return (
          <>
            {view !== 'done' && (
              <div className="filters">
                <button
                  type="button"
                  disabled={bulk.pending || !chosen.length}
                  onClick={() => act(claimRows, chosen)}
                  data-testid="bulk-claim"
                >
                  {t('tasks.claim')}
                </button>
                {canUrge && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={bulk.pending || !chosen.length}
                    onClick={() => act(urgeRows, chosen)}
                    data-testid="bulk-urge"
                  >
                    {t('tasks.urge')}
                  </button>
                )}
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
                    <th>
                      <SelectAll bulk={bulk} rows={sorted} />
                    </th>
                    <th>{t('tasks.light')}</th>
                    <th>{t('col.item')}</th>
                    <th>{t('col.branch')}</th>
                    <th>{t('tasks.deadline')}</th>
                    <th>{t('tasks.escalation')}</th>
                    <th>{t('tasks.assignee')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((task) => {
                    const link = branchLink(task);
                    const what = workLabel(task);
                    return (
                      <tr
                        key={task.key}
                        data-testid="task-row"
                        data-branch={task.branchId ?? ''}
                        data-step={task.step ?? ''}
                      >
                        <td>
                          <SelectRow bulk={bulk} row={task} label={task.title} />
                        </td>
                        <td className="nowrap">
                          <span className={`light light-${task.light}`} />
                          {t(`light.${task.light}`)}
                        </td>
                        {/* The server's title (village and all) stays in the tooltip. */}
                        <td title={task.title}>
                          {link ? (
                            <Link to={link} data-testid="task-open">
                              {what}
                            </Link>
                          ) : (
                            what
                          )}
                          <RowResult result={bulk.results[task.key]} done={t('tasks.ok')} />
                        </td>
                        <td>
                          <BranchName branchId={task.branchId} branchName={task.branchName} />
                        </td>
                        <td>
                          <Deadline at={task.deadline} provisional={task.provisional} />
                        </td>
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
