import { Link } from 'react-router';
import type { TaskPage } from '@fivestar/contracts';
import { t } from '../../i18n';
import { useUser } from '../../session';
import { useRounds } from '../../lists';
import { useApi } from '../../use-api';
import { TaskList } from '../tasks/TaskList';

/** Home per role: the secretary's tasks and branch; reviewers' tasks; the observer's observation tasks. */
export function HomePage() {
  const user = useUser();
  if (!user) return null;
  if (user.role === 'village_secretary')
    return (
      <section>
        <h1>{t('home.secretary')}</h1>
        <MyBranch />
        <TaskList view="todo" filters={{}} />
      </section>
    );
  const observer = user.role === 'observer';
  return (
    <section>
      <h1>{t(observer ? 'home.observer' : 'home.reviewer')}</h1>
      <TaskList view="todo" filters={observer ? { step: 'ON_SITE_OBSERVATION' } : {}} />
    </section>
  );
}

/** The secretary's branch in the rounds it has tasks in (its jurisdiction is the branch code), by title. */
function MyBranch() {
  const user = useUser();
  const tasks = useApi<TaskPage>('/tasks', { status: 'all', limit: 50 });
  const list = useRounds();
  const titles = new Map((list.data?.items ?? []).map((r) => [r.roundId, r.title]));
  const rounds = [
    ...new Set((tasks.data?.items ?? []).map((i) => i.roundId).filter((r): r is string => !!r)),
  ];
  return (
    <div className="panel" data-testid="my-branch">
      <h2>{t('home.myBranch')}</h2>
      {rounds.length === 0 && <p className="muted">{t('app.none')}</p>}
      {rounds.map((round) => (
        <p key={round}>
          <Link to={`/rounds/${round}/branches/${user?.jurisdiction}`} data-testid="my-branch-link">
            {t('home.openBranch', { round: titles.get(round) ?? round })}
          </Link>
        </p>
      ))}
    </div>
  );
}
