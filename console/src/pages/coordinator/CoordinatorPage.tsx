import { useEffect } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import {
  beijingDate,
  type FaultsResult,
  type RoundProgressResult,
  type RoundView,
} from '@fivestar/contracts';
import { t } from '../../i18n';
import { FaultsSummary } from '../../layout/Faults';
import { countyOf, useRounds, useTownships } from '../../lists';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { ProgressView } from './ProgressView';
import { RoundScope } from './RoundScope';
import { StartRoundForm } from './StartRoundForm';
import { Decisions, OverdueLists } from './WorkLists';
import './messages';
import './tables.css';
import './coordinator.css';

/** /coordinator: the county's rounds (newest first) to open, and the form to start one. */
export function CoordinatorPage() {
  const user = useUser();
  const countyCode = countyOf(user?.jurisdiction ?? '');
  const rounds = useRounds();
  const items = rounds.data?.items ?? [];
  return (
    <div className="coordinator" data-testid="coordinator-page">
      <h1>{t('coord.title')}</h1>
      <section className="panel">
        <h2>{t('coord.rounds')}</h2>
        {rounds.data && items.length === 0 && <p className="muted">{t('coord.noRounds')}</p>}
        <ul className="plain" data-testid="round-list">
          {items.map((r) => (
            <li key={r.roundId}>
              <Link to={`/coordinator/rounds/${r.roundId}`} data-testid="round-link">
                {r.title}
              </Link>{' '}
              <small className="muted">
                {t('coord.roundFacts', {
                  scope: r.townshipCodes
                    ? t('coord.townshipCount', { n: r.townshipCodes.length })
                    : t('wholeCounty'),
                  started: beijingDate(Date.parse(r.startedAt)),
                })}
              </small>
            </li>
          ))}
        </ul>
      </section>
      <StartRoundForm countyCode={countyCode} />
    </div>
  );
}

/** /coordinator/rounds/:roundId: scope and catalogs, launch, funnel and grid, overdue and escalated items, decisions. */
export function RoundDashboardPage() {
  const { roundId = '' } = useParams();
  const user = useUser();
  const round = useApi<RoundView>(`/rounds/${roundId}`);
  const progress = useApi<RoundProgressResult>(`/rounds/${roundId}/progress`);
  const faults = useApi<FaultsResult>('/faults', { roundId, limit: 50 });
  // The directory's names (the round's own standings may not be there yet).
  const townships = useTownships(countyOf(user?.jurisdiction ?? ''));
  const names = new Map((townships.data?.items ?? []).map((tw) => [tw.code, tw.name]));
  const { reload: reloadRound } = round;
  const { reload: reloadProgress } = progress;
  const { reload: reloadFaults } = faults;
  // The read models follow the round within seconds: keep the numbers fresh while the page is open.
  useEffect(() => {
    const timer = setInterval(() => {
      reloadRound();
      reloadProgress();
      reloadFaults();
    }, 15_000);
    return () => clearInterval(timer);
  }, [reloadRound, reloadProgress, reloadFaults]);
  const launch = round.data?.progress;
  const error = round.error ?? progress.error;
  return (
    <div className="coordinator" data-testid="round-dashboard">
      <h1 data-testid="round-title">
        {round.data?.title ?? t('coord.progress')} <small className="muted">{roundId}</small>
      </h1>
      {error && (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      )}
      <ProvisionalNotice />
      {round.data && <RoundScope round={round.data} townshipNames={names} />}
      <FaultsSummary faults={faults.data} />
      {launch && (
        <p data-testid="launch-progress">
          {t('coord.launch', {
            launched: launch.launched,
            done: launch.launchDone ? t('coord.launchDone') : '',
          })}{' '}
          <button
            type="button"
            data-testid="refresh-progress"
            onClick={() => {
              round.reload();
              progress.reload();
            }}
          >
            ↻
          </button>
        </p>
      )}
      {progress.data && <ProgressView progress={progress.data} townshipNames={names} />}
      <OverdueLists roundId={roundId} />
      <Decisions roundId={roundId} />
    </div>
  );
}

/** Just started (StartRoundForm's navigation): the years whose deadlines count Monday–Friday for now. */
function ProvisionalNotice() {
  const started = useLocation().state as { provisionalYears?: number[] } | null;
  const years = started?.provisionalYears ?? [];
  if (years.length === 0) return null;
  return (
    <p className="panel warning" role="status" data-testid="provisional-years">
      {t('coord.provisionalYears', { years: years.join('、') })}
    </p>
  );
}
