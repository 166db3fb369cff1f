import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter } from 'react-router';
import { Layout } from './layout/Layout';
import { ErrorPage } from './layout/ErrorPage';
import { RequireUser } from './session';
import { t } from './i18n';

function Loading() {
  return <p className="muted">{t('app.loading')}</p>;
}

/**
 * A page loaded with its own chunk when first opened: the login page and 我的待办 stay small on modest
 * machines, and ECharts comes only with the rankings.
 */
function page<M>(load: () => Promise<M>, pick: (m: M) => ComponentType) {
  const Page = lazy(() => load().then((m) => ({ default: pick(m) })));
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

/** The route table. */
export const router = createBrowserRouter([
  {
    path: '/login',
    element: page(
      () => import('./pages/login/LoginPage'),
      (m) => m.LoginPage,
    ),
  },
  {
    element: <RequireUser />,
    errorElement: <ErrorPage />,
    children: [
      {
        element: <Layout />,
        children: [
          {
            index: true,
            element: page(
              () => import('./pages/home/HomePage'),
              (m) => m.HomePage,
            ),
          },
          {
            path: 'tasks',
            element: page(
              () => import('./pages/tasks/TasksPage'),
              (m) => m.TasksPage,
            ),
          },
          {
            path: 'rounds/:roundId/branches/:code',
            element: page(
              () => import('./pages/branch/BranchPage'),
              (m) => m.BranchPage,
            ),
          },
          {
            path: 'coordinator',
            element: page(
              () => import('./pages/coordinator/CoordinatorPage'),
              (m) => m.CoordinatorPage,
            ),
          },
          {
            path: 'coordinator/rounds/:roundId',
            element: page(
              () => import('./pages/coordinator/CoordinatorPage'),
              (m) => m.RoundDashboardPage,
            ),
          },
          {
            path: 'campaign',
            element: page(
              () => import('./pages/campaign/CampaignPage'),
              (m) => m.CampaignPage,
            ),
          },
          {
            path: 'rankings',
            element: page(
              () => import('./pages/rankings/RankingsPage'),
              (m) => m.RankingsPage,
            ),
          },
          {
            path: 'rankings/bulletin',
            element: page(
              () => import('./pages/rankings/BulletinPage'),
              (m) => m.BulletinPage,
            ),
          },
          {
            path: 'inbox',
            element: page(
              () => import('./pages/inbox/InboxPage'),
              (m) => m.InboxPage,
            ),
          },
          {
            path: 'admin/:panel?',
            element: page(
              () => import('./pages/admin/AdminPage'),
              (m) => m.AdminPage,
            ),
          },
          { path: '*', element: <ErrorPage notFound /> },
        ],
      },
    ],
  },
]);
