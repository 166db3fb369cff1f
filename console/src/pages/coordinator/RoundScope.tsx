import type { RoundView } from '@fivestar/contracts';
import { t } from '../../i18n';
import { useCatalogs } from '../../lists';
import { catalogTitle } from './schedule-scope';

/** A round's 范围 (its townships by name, or 全县) and the catalog versions it pinned. */
export function RoundScope({
  round,
  townshipNames,
}: {
  round: RoundView;
  townshipNames: Map<string, string>;
}) {
  const catalogs = useCatalogs();
  const scope = round.townshipCodes
    ? round.townshipCodes.map((code) => townshipNames.get(code) ?? code).join('、')
    : t('wholeCounty');
  return (
    <dl className="facts panel">
      <dt>{t('coord.scope')}</dt>
      <dd data-testid="round-scope">{scope}</dd>
      <dt>{t('coord.pinned')}</dt>
      <dd data-testid="round-catalogs">
        {round.catalogs.map((pick) => (
          <span key={pick.id} className="fact-item">
            {catalogs.data ? catalogTitle(catalogs.data.items, pick) : pick.id}
            <small className="muted">{t('coord.version', { version: pick.version })}</small>
          </span>
        ))}
      </dd>
    </dl>
  );
}
