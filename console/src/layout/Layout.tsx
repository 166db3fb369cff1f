import { NavLink, Outlet, useNavigate } from 'react-router';
import { scopeOf, type Role, type Scope } from '@fivestar/contracts';
import { logout } from '../api';
import { roleAt } from '../dictionary';
import { setLang, t, useLang } from '../i18n';
import { useUser } from '../session';
import { useApi } from '../use-api';

/** Nav entries per role, and per level of the user's jurisdiction where a page is for some levels only. */
const NAV: { to: string; key: string; roles: Role[] | 'all'; levels?: Scope[] }[] = [
  { to: '/', key: 'nav.home', roles: 'all' },
  { to: '/tasks', key: 'nav.tasks', roles: 'all' },
  { to: '/inbox', key: 'nav.inbox', roles: 'all' },
  // A county's rounds: started and followed by the county's 专班 (its townships, its due dates).
  { to: '/coordinator', key: 'nav.coordinator', roles: ['coordinator'], levels: ['county', 'township'] },
  // The province's campaign: opened and steered by its 专班, read by the province's and cities' users.
  { to: '/campaign', key: 'nav.campaign', roles: 'all', levels: ['province', 'city'] },
  {
    to: '/rankings',
    key: 'nav.rankings',
    roles: ['coordinator', 'county_reviewer', 'township_reviewer', 'admin', 'leader', 'observer'],
  },
  { to: '/admin', key: 'nav.admin', roles: ['admin'] },
];

export function Layout() {
  const user = useUser();
  const lang = useLang();
  const navigate = useNavigate();
  // The badge is a hint: a failed count leaves it out instead of breaking the page.
  const inbox = useApi<{ unread: number }>(user ? '/inbox' : null, { unreadOnly: 'true', limit: 1 });
  if (!user) return null;
  const unread = inbox.data?.unread ?? 0;
  const level = scopeOf(user.jurisdiction);
  const nav = NAV.filter(
    (n) =>
      (n.roles === 'all' || n.roles.includes(user.role)) &&
      (!n.levels || (level !== undefined && n.levels.includes(level))),
  );
  return (
    <div className="app">
      <header className="app-header">
        <strong className="brand">{t('app.title')}</strong>
        <nav data-testid="nav">
          {nav.map((n) => (
            <NavLink key={n.to} to={n.to} end data-testid={`nav-${n.to.slice(1) || 'home'}`}>
              {t(n.key)}
              {n.to === '/inbox' && unread > 0 && (
                <span className="badge" data-testid="inbox-unread">
                  {unread}
                </span>
              )}
            </NavLink>
          ))}
        </nav>
        <span className="user" data-testid="current-user" title={user.jurisdiction}>
          {user.name} · {roleAt(user.role, user.jurisdiction)}
        </span>
        <button
          type="button"
          className="link"
          data-testid="lang-switch"
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
        >
          {t('nav.lang')}
        </button>
        <button
          type="button"
          className="link"
          data-testid="logout"
          onClick={() => void logout().then(() => navigate('/login'))}
        >
          {t('nav.logout')}
        </button>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
