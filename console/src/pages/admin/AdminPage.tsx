import { NavLink, useParams } from 'react-router';
import { t } from '../../i18n';
import { useUser } from '../../session';
import { AreasPanel } from './AreasPanel';
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
  areas: AreasPanel,
  catalogs: CatalogsPanel,
  calendar: CalendarPanel,
  webhooks: WebhooksPanel,
  deliveries: DeliveriesPanel,
  stats: StatsPanel,
} as const;
type PanelName = keyof typeof PANELS;

/** 开通 is for the province's and cities' administrators: a county has nothing below it to onboard. */
const panelsOf = (jurisdiction: string): PanelName[] =>
  (Object.keys(PANELS) as PanelName[]).filter((p) => p !== 'areas' || jurisdiction.length < 6);

/** /admin/:panel — users, directory import, onboarding (above the county), catalogs, the working-day calendar, webhooks, deliveries, status. */
export function AdminPage() {
  const { panel = 'users' } = useParams();
  const panels = panelsOf(useUser()?.jurisdiction ?? '');
  const name = panels.find((p) => p === panel) ?? 'users';
  const Panel = PANELS[name];
  return (
    <div className="admin" data-testid="admin-page">
      <h1>{t('admin.title')}</h1>
      <nav className="tabs">
        {panels.map((p) => (
          <NavLink key={p} to={`/admin/${p}`} data-testid={`admin-tab-${p}`}>
            {t(`admin.tab.${p}`)}
          </NavLink>
        ))}
      </nav>
      <Panel />
    </div>
  );
}
