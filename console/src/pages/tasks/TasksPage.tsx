import { useSearchParams } from 'react-router';
import { HUMAN_STEPS, type TaskView } from '@fivestar/contracts';
import { t } from '../../i18n';
import { STAR_CODES, starName } from '../../stars';
import { TaskList, type TaskFilters } from './TaskList';

const VIEWS: TaskView[] = ['todo', 'done', 'overdue', 'cc'];
const FILTERS = ['roundId', 'step', 'townshipCode', 'star', 'light'] as const;

/** 我的待办: the four views as tabs, the filters kept in the URL so a view can be shared or reloaded. */
export function TasksPage() {
  const [params, setParams] = useSearchParams();
  const view = (VIEWS.find((v) => v === params.get('view')) ?? 'todo') satisfies TaskView;
  const filters: TaskFilters = Object.fromEntries(
    FILTERS.map((f) => [f, params.get(f) ?? undefined]).filter(([, v]) => v),
  );
  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });

  return (
    <section>
      <h1>{t('nav.tasks')}</h1>
      <div className="tabs" role="tablist">
        {VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={v === view}
            onClick={() => set('view', v)}
            data-testid={`tab-${v}`}
          >
            {t(`tasks.${v}`)}
          </button>
        ))}
      </div>
      <div className="filters" data-testid="task-filters">
        <label>
          {t('tasks.round')}
          <input
            defaultValue={filters.roundId}
            onBlur={(e) => set('roundId', e.target.value.trim())}
            data-testid="filter-round"
          />
        </label>
        <label>
          {t('tasks.step')}
          <select
            value={filters.step ?? ''}
            onChange={(e) => set('step', e.target.value)}
            data-testid="filter-step"
          >
            <option value="">{t('tasks.all')}</option>
            {HUMAN_STEPS.map((s) => (
              <option key={s} value={s}>
                {t(`step.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tasks.township')}
          <input
            defaultValue={filters.townshipCode}
            onBlur={(e) => set('townshipCode', e.target.value.trim())}
            data-testid="filter-township"
          />
        </label>
        <label>
          {t('tasks.star')}
          <select
            value={filters.star ?? ''}
            onChange={(e) => set('star', e.target.value)}
            data-testid="filter-star"
          >
            <option value="">{t('tasks.all')}</option>
            {STAR_CODES.map((code) => (
              <option key={code} value={code}>
                {starName(code)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tasks.light')}
          <select
            value={filters.light ?? ''}
            onChange={(e) => set('light', e.target.value)}
            data-testid="filter-light"
          >
            <option value="">{t('tasks.all')}</option>
            {(['red', 'yellow', 'green'] as const).map((l) => (
              <option key={l} value={l}>
                {t(`light.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <TaskList view={view} filters={filters} />
    </section>
  );
}
