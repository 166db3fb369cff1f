import { useSearchParams } from 'react-router';
import { HUMAN_STEPS, type TaskView } from '@fivestar/contracts';
import { t } from '../../i18n';
import { countyOf, useRounds, useTownships } from '../../lists';
import { useUser } from '../../session';
import { STAR_CODES, starName } from '../../stars';
import { TaskList, type TaskFilters } from './TaskList';

const VIEWS: TaskView[] = ['todo', 'done', 'overdue', 'cc'];
const FILTERS = ['roundId', 'step', 'townshipCode', 'star', 'light'] as const;
type FilterName = (typeof FILTERS)[number];
const LABELS: Record<FilterName, string> = {
  roundId: 'tasks.round',
  step: 'col.step',
  townshipCode: 'col.township',
  star: 'tasks.star',
  light: 'tasks.light',
};

/** A filter's drop-down: 全部, then the options as [value, label] (a value from an old link kept as it is). */
function Filter({
  name,
  value,
  options,
  onChange,
}: {
  name: FilterName;
  value: string | undefined;
  options: [string, string][];
  onChange: (value: string) => void;
}) {
  const shown: [string, string][] =
    value && !options.some(([v]) => v === value) ? [...options, [value, value]] : options;
  return (
    <label>
      {t(LABELS[name])}
      <select
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
        // A long round title is cut off in the box: the whole of the chosen one on hover.
        title={shown.find(([v]) => v === value)?.[1]}
        data-testid={`filter-${name}`}
      >
        <option value="">{t('tasks.all')}</option>
        {shown.map(([v, text]) => (
          <option key={v} value={v} title={text}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * 我的待办: the four views as tabs, the filters (drop-downs, nothing to type) kept in the URL so a view can
 * be shared or reloaded. Only a county-level user chooses a township: below it there is one.
 */
export function TasksPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const view = (VIEWS.find((v) => v === params.get('view')) ?? 'todo') satisfies TaskView;
  const filters: TaskFilters = Object.fromEntries(
    FILTERS.map((f) => [f, params.get(f) ?? undefined]).filter(([, v]) => v),
  );
  const jurisdiction = user?.jurisdiction ?? '';
  const rounds = useRounds();
  const townships = useTownships(jurisdiction.length === 6 ? countyOf(jurisdiction) : null);
  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });
  const filter = (name: FilterName, options: [string, string][]) => (
    <Filter name={name} value={filters[name]} options={options} onChange={(v) => set(name, v)} />
  );

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
        {filter(
          'roundId',
          (rounds.data?.items ?? []).map((r) => [r.roundId, r.title]),
        )}
        {filter(
          'step',
          HUMAN_STEPS.map((s) => [s, t(`step.${s}`)]),
        )}
        {townships.data &&
          filter(
            'townshipCode',
            townships.data.items.map((tw) => [tw.code, tw.name]),
          )}
        {filter(
          'star',
          STAR_CODES.map((code) => [code, starName(code)]),
        )}
        {filter(
          'light',
          (['red', 'yellow', 'green'] as const).map((l) => [l, t(`light.${l}`)]),
        )}
      </div>
      <TaskList view={view} filters={filters} />
    </section>
  );
}
