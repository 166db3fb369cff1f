import { createBrowserRouter } from 'react-router';
import { Layout } from './layout/Layout';
import { ErrorPage } from './layout/ErrorPage';
import { RequireUser } from './session';
import { LoginPage } from './pages/login/LoginPage';
import { HomePage } from './pages/home/HomePage';
import { TasksPage } from './pages/tasks/TasksPage';
import { BranchPage } from './pages/branch/BranchPage';
import { CoordinatorPage, RoundDashboardPage } from './pages/coordinator/CoordinatorPage';
import { RankingsPage } from './pages/rankings/RankingsPage';
import { BulletinPage } from './pages/rankings/BulletinPage';
import { InboxPage } from './pages/inbox/InboxPage';
import { AdminPage } from './pages/admin/AdminPage';

/** The route table. h13's pages (coordinator, rankings, inbox, admin) add their entries below theirs. */
export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireUser />,
    errorElement: <ErrorPage />,
    children: [
      {
        element: <Layout />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'tasks', element: <TasksPage /> },
          { path: 'rounds/:roundId/branches/:code', element: <BranchPage /> },
          { path: 'coordinator', element: <CoordinatorPage /> },
          { path: 'coordinator/rounds/:roundId', element: <RoundDashboardPage /> },
          { path: 'rankings', element: <RankingsPage /> },
          { path: 'rankings/bulletin', element: <BulletinPage /> },
          { path: 'inbox', element: <InboxPage /> },
          { path: 'admin/:panel?', element: <AdminPage /> },
          { path: '*', element: <ErrorPage notFound /> },
        ],
      },
    ],
  },
]);
