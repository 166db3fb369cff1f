import type { Aggregate, RankingResult } from '@fivestar/contracts';
import { Link } from 'react-router';
import { t } from '../../i18n';
import { countyOf } from '../../lists';
import { useUser } from '../../session';
import { AreaRankings } from './AreaRankings';
import { useApi } from '../../use-api';
import { BarChartBox } from './charts';
import { MovementArrow } from './Movement';
import { rankingStarName, starName } from '../../stars';
import './messages';
import '../coordinator/tables.css';
import './rankings.css';

const LEVELS = [0, 1, 2, 3, 4, 5] as const;

function AreaTable({ rows, testid }: { rows: Aggregate[]; testid: string }) {
  return (
    <table data-testid={testid}>
      <thead>
        <tr>
          <th>{t('rank.rank')}</th>
          <th>{t('rank.name')}</th>
          <th className="num">{t('rank.branchCount')}</th>
          <th className="num">{t('rank.totalStars')}</th>
          <th className="num">{t('rank.average')}</th>
          <th className="num">{t('rank.share')}</th>
          <th>{t('rank.movement')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.code} data-testid={`${testid}-${a.code}`}>
            <td className="num">{a.rank}</td>
            <td className="wrap">{a.name}</td>
            <td className="num">{a.branches}</td>
            <td className="num" data-testid={`stars-${a.code}`}>
              {a.totalStars}
            </td>
            <td className="num">{a.averageStars}</td>
            <td className="num">{a.threeStarsOrMoreShare}</td>
            <td>
              <MovementArrow movement={a.rankMovement} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * /rankings: a county's (or township's, branch's) user sees the county's current round; a city's or the
 * province's user the ranking of the area's children (AreaRankings).
 */
export function RankingsPage() {
  const jurisdiction = useUser()?.jurisdiction ?? '';
  if (jurisdiction.length > 0 && jurisdiction.length <= 4)
    return <AreaRankings jurisdiction={jurisdiction} />;
  return <CountyRankings countyCode={countyOf(jurisdiction)} />;
}

/** The county's current round, townships and branches with arrows, two charts. */
function CountyRankings({ countyCode }: { countyCode: string }) {
  const ranking = useApi<RankingResult>('/rankings', { countyCode });
  const r = ranking.data;
  // Only branches with stars (or withdrawn ones) are listed: level 0 would make a long, empty table.
  const branches = (r?.branches ?? []).filter((b) => b.level > 0 || b.withdrawn);
  return (
    <div className="rankings" data-testid="rankings-page">
      <h1>
        {t('rank.title')}
        {r?.round && (
          <span className="muted">
            {' '}
            · {r.round.title ?? r.round.id}
            {r.frozen && t('rank.frozen')}
          </span>
        )}
      </h1>
      <p>
        <Link to="/rankings/bulletin" data-testid="bulletin-link">
          {t('rank.bulletin')}
        </Link>
      </p>
      {ranking.error && <p className="field-error">{ranking.error.message}</p>}
      {r && (
        <>
          <div className="two-cols">
            <section className="panel">
              <h2>{t('rank.levels')}</h2>
              <BarChartBox
                testid="chart-levels"
                labels={LEVELS.map((n) => t('rank.levelN', { n }))}
                values={LEVELS.map((n) => r.county.levelCounts[n])}
              />
            </section>
            <section className="panel">
              <h2>{t('rank.perStar')}</h2>
              <BarChartBox
                testid="chart-stars"
                labels={r.stars.map(rankingStarName)}
                values={r.stars.map((s) => r.county.starCounts[s.code] ?? 0)}
              />
            </section>
          </div>
          <p data-testid="county-total">
            {r.county.name}：{t('rank.totalStars')}{' '}
            <strong data-testid="county-stars">{r.county.totalStars}</strong> · {t('rank.share')}{' '}
            {r.county.threeStarsOrMoreShare}
          </p>
          <section className="panel">
            <h2>{t('rank.townships')}</h2>
            <AreaTable rows={r.townships} testid="township-ranking" />
          </section>
          <section className="panel">
            <h2>{t('rank.branches')}</h2>
            <table data-testid="branch-ranking">
              <thead>
                <tr>
                  <th>{t('rank.rank')}</th>
                  <th>{t('rank.name')}</th>
                  <th className="num">{t('rank.level')}</th>
                  <th>{t('rank.stars')}</th>
                  <th>{t('rank.movement')}</th>
                </tr>
              </thead>
              <tbody>
                {branches.map((b) => (
                  <tr key={b.code} data-testid={`branch-ranking-${b.code}`}>
                    <td className="num">{b.rank}</td>
                    <td className="wrap">
                      {b.name}
                      {b.withdrawn && <span className="muted"> （{t('rank.withdrawn')}）</span>}
                    </td>
                    <td className="num">{b.level}</td>
                    <td className="wrap">{b.stars.map(starName).join('、')}</td>
                    <td>
                      <MovementArrow movement={b.movement} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {branches.length === 0 && <p className="muted">{t('app.none')}</p>}
          </section>
        </>
      )}
    </div>
  );
}
