import { NavLink, useParams } from 'react-router';
import { t } from '../../i18n';
import { CalendarPanel } from './CalendarPanel';
import { CatalogsPanel } from './CatalogsPanel';
import { ImportPanel } from './ImportPanel';
import { StatsPanel } from './StatsPanel';
import { UsersPanel } from './UsersPanel';
import { DeliveriesPanel, WebhooksPanel } from './WebhooksPanel';
import './messages';
import '../coordinator/tables.css';

const PANELS = {
  users: UsersPanel,
  import: ImportPanel,
  catalogs: CatalogsPanel,
  calendar: CalendarPanel,
  webhooks: WebhooksPanel,
  deliveries: DeliveriesPanel,
  stats: StatsPanel,
} as const;
type PanelName = keyof typeof PANELS;

/** /admin/:panel — users, directory import, catalogs, the working-day calendar, webhooks, deliveries, status. */
export function AdminPage() {
  const { panel = 'users' } = useParams();
  const name: PanelName = panel in PANELS ? (panel as PanelName) : 'users';
  const Panel = PANELS[name];
  return (
    <div className="admin" data-testid="admin-page">
      <h1>{t('admin.title')}</h1>
      <nav className="tabs">
        {(Object.keys(PANELS) as PanelName[]).map((p) => (
          <NavLink key={p} to={`/admin/${p}`} data-testid={`admin-tab-${p}`}>
            {t(`admin.tab.${p}`)}
          </NavLink>
        ))}
      </nav>
      <Panel />
    </div>
  );
}
