import { useSyncExternalStore } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import type { Actor } from '@fivestar/contracts';
import { currentSession, onSessionChange } from './api';

/** The signed-in user (null when signed out); re-renders on login, refresh and logout. */
export function useUser(): Actor | null {
  return useSyncExternalStore(onSessionChange, () => currentSession()?.user ?? null);
}

/** Routes below this need a session; otherwise to the login page, coming back afterwards. */
export function RequireUser() {
  const user = useUser();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}
