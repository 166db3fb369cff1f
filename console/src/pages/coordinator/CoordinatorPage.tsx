import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { RankingResult, RoundProgressResult, RoundView } from '@fivestar/contracts';
import { t } from '../../i18n';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { ProgressView } from './ProgressView';
import { StartRoundForm } from './StartRoundForm';
import { Decisions, OverdueLists } from './WorkLists';
import './messages';
import './tables.css';
import './coordinator.css';

const countyOf = (jurisdiction: string) => jurisdiction.slice(0, 6);

/** /coordinator: start a round, or open the county's current one. */
export function CoordinatorPage() {
  const user = useUser();
  const navigate = useNavigate();
  const countyCode = countyOf(user?.jurisdiction ?? '');
  const ranking = useApi<RankingResult>('/rankings', { countyCode });
  const [roundId, setRoundId] = useState('');
  const current = ranking.data?.round;
  return (
    <div className="coordinator" data-testid="coordinator-page">
      <h1>{t('coord.title')}</h1>
      <div className="panel form-row">
        {current && (
          <Link to={`/coordinator/rounds/${current.id}`} data-testid="current-round">
            {t('coord.current')}：{current.title ?? current.id}
          </Link>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (roundId.trim()) navigate(`/coordinator/rounds/${roundId.trim()}`);
          }}
        >
          <input
            value={roundId}
            onChange={(e) => setRoundId(e.target.value)}
            placeholder={t('coord.roundId')}
          />
          <button type="submit">{t('coord.open')}</button>
        </form>
      </div>
      <StartRoundForm countyCode={countyCode} />
    </div>
  );
}

/** /coordinator/rounds/:roundId: launch, funnel and grid, overdue and escalated items, decisions. */
export function RoundDashboardPage() {
  const { roundId = '' } = useParams();
  const user = useUser();
  const round = useApi<RoundView>(`/rounds/${roundId}`);
  const progress = useApi<RoundProgressResult>(`/rounds/${roundId}/progress`);
  // Township names only (the directory's); the round's own standings may not be there yet.
  const ranking = useApi<RankingResult>('/rankings', { countyCode: countyOf(user?.jurisdiction ?? '') });
  const names = new Map((ranking.data?.townships ?? []).map((tw) => [tw.code, tw.name]));
  const { reload: reloadRound } = round;
  const { reload: reloadProgress } = progress;
  // The read models follow the round within seconds: keep the numbers fresh while the page is open.
  useEffect(() => {
    const timer = setInterval(() => {
      reloadRound();
      reloadProgress();
    }, 15_000);
    return () => clearInterval(timer);
  }, [reloadRound, reloadProgress]);
  const launch = round.data?.progress;
  const error = round.error ?? progress.error;
  return (
    <div className="coordinator" data-testid="round-dashboard">
      <h1>
        {t('coord.progress')} · {roundId}
      </h1>
      {error && (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      )}
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
