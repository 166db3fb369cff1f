import { useState } from 'react';
import {
  AREA_CHILD_LABELS,
  beijingMonth,
  type AreaBulletinResult,
  type BulletinItem,
  type BulletinResult,
  formatBeijingTime,
} from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { t } from '../../i18n';
import { LevelBadge } from '../../layout/LevelBadge';
import { countyOf } from '../../lists';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { AreaDetails, ChildTable } from './AreaRankings';
import { MovementArrow } from './Movement';
import { PerStarPanel } from './PerStarPanel';
import { openFile } from '../../download';
import './messages';
import '../coordinator/tables.css';
import './rankings.css';

function ItemsTable({ items, testid }: { items: BulletinItem[]; testid: string }) {
  if (items.length === 0)
    return (
      <p className="muted" data-testid={testid}>
        {t('app.none')}
      </p>
    );
  return (
    <table data-testid={testid}>
      <thead>
        <tr>
          <th>{t('rank.name')}</th>
          <th>{t('col.item')}</th>
          <th className="num">{t('rank.daysOverdue')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={`${i.kind}-${i.branchCode}-${i.step ?? i.findingId}`}>
            <td className="wrap">
              {i.townshipName} · {i.branchName}
            </td>
            <td className="wrap">
              {i.title}
              <LevelBadge level={i.escalation?.level} />
            </td>
            <td className="num">{i.daysOverdue}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /rankings/bulletin: 一月一排名 — take the month's snapshot, read and publish the bulletin, export it. */
export function BulletinPage() {
  const user = useUser();
  const jurisdiction = user?.jurisdiction ?? '';
  // A city's or the province's user reads (and its coordinators publish) the area's own bulletin.
  const code = jurisdiction.length <= 4 ? jurisdiction : countyOf(jurisdiction);
  const [period, setPeriod] = useState(beijingMonth(Date.now()));
  const [message, setMessage] = useState('');
  const path = `/bulletins/${code}/${period}`;
  const bulletin = useApi<BulletinResult | AreaBulletinResult>(/^\d{4}-\d{2}$/.test(period) ? path : null);
  const coordinator = user?.role === 'coordinator';
  const act = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setMessage(done);
      bulletin.reload();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : String(e));
    }
  };
  const b = bulletin.data;
  const missing = bulletin.error?.status === 404;
  // One button (the same test id) where it is needed: in the explanation when the month has none yet.
  const snapshotButton = coordinator && (
    <button
      type="button"
      className={b ? 'secondary' : undefined}
      data-testid="bulletin-snapshot"
      onClick={() =>
        void act(() => api('/bulletins/snapshot', { json: { code, period } }), t('rank.snapshotTaken'))
      }
    >
      {t(b ? 'rank.retake' : 'rank.snapshot', { period })}
    </button>
  );
  return (
    <div className="rankings" data-testid="bulletin-page">
      <h1>{t('rank.bulletin')}</h1>
      <div className="panel toolbar">
        <label className="inline">
          {t('rank.period')}
          <input
            type="month"
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            data-testid="bulletin-period"
          />
        </label>
        {coordinator && b && (
          <>
            {snapshotButton}
            <button
              type="button"
              className="secondary"
              data-testid="bulletin-publish"
              onClick={() => void act(() => api(`${path}/publish`, { json: {} }), t('rank.published'))}
            >
              {t('rank.publish')}
            </button>
          </>
        )}
        <span className="exports">
          {t('rank.export')}：
          <button
            type="button"
            className="link"
            disabled={!b}
            data-testid="bulletin-html"
            onClick={() => void act(() => openFile(path, { format: 'html' }, 'tab'), '')}
          >
            {t('rank.openHtml')}
          </button>
          <button
            type="button"
            className="link"
            disabled={!b}
            data-testid="bulletin-xlsx"
            onClick={() => void act(() => openFile(path, { format: 'xlsx' }, 'download'), '')}
          >
            {t('rank.exportBulletinXlsx')}
          </button>
          <button
            type="button"
            className="link"
            data-testid="ledger-xlsx"
            onClick={() => void act(() => openFile('/ledger', { format: 'xlsx' }, 'download'), '')}
          >
            {t('rank.exportLedgerXlsx')}
          </button>
          <button
            type="button"
            className="link"
            data-testid="ledger-csv"
            onClick={() => void act(() => openFile('/ledger', { format: 'csv' }, 'download'), '')}
          >
            {t('rank.exportLedgerCsv')}
          </button>
        </span>
        {message && (
          <span className="muted" role="status" data-testid="bulletin-message">
            {message}
          </span>
        )}
      </div>
      {missing && (
        <section className="panel" data-testid="bulletin-missing">
          <h2>{t('rank.noBulletin', { period })}</h2>
          <p>{t('rank.whatSnapshot')}</p>
          <p>{t(coordinator ? 'rank.takeIt' : 'rank.askCoordinator')}</p>
          {snapshotButton}
        </section>
      )}
      {bulletin.error && !missing && (
        <p className="field-error" role="alert">
          {bulletin.error.message}
        </p>
      )}
      {b && 'level' in b && (
        <article data-testid="bulletin">
          <h2>{b.title}</h2>
          <p className="muted">
            {t('rank.takenAt')} {formatBeijingTime(b.takenAt)}
            {b.previousPeriod && ` · ${t('rank.previous')} ${b.previousPeriod}`}
          </p>
          <section className="panel">
            <h2>{t('rank.childRanking', { children: AREA_CHILD_LABELS[b.level] })}</h2>
            <ChildTable rows={b.children} total={b.area} testid="bulletin-children" />
          </section>
          <AreaDetails stars={b.stars} rows={b.children} total={b.area} />
          <section className="panel">
            <h2>{t('col.escalatedItems')}</h2>
            <ItemsTable items={b.escalated} testid="bulletin-escalated" />
          </section>
        </article>
      )}
      {b && !('level' in b) && (
        <article data-testid="bulletin">
          <h2>{b.title}</h2>
          <p className="muted">
            {t('rank.takenAt')} {formatBeijingTime(b.takenAt)}
            {b.previousPeriod && ` · ${t('rank.previous')} ${b.previousPeriod}`}
          </p>
          <p>
            {b.countyName}：{t('rank.totalStars')}{' '}
            <strong data-testid="bulletin-county-stars">{b.county.totalStars}</strong> · {t('rank.share')}{' '}
            {b.county.threeStarsOrMoreShare}
          </p>
          <section className="panel">
            <h2>{t('rank.townships')}</h2>
            <table data-testid="bulletin-townships">
              <thead>
                <tr>
                  <th>{t('rank.rank')}</th>
                  <th>{t('rank.name')}</th>
                  <th className="num">{t('rank.totalStars')}</th>
                  <th className="num">{t('rank.share')}</th>
                  <th>{t('rank.movement')}</th>
                </tr>
              </thead>
              <tbody>
                {b.townships.map((tw) => (
                  <tr key={tw.code}>
                    <td className="num">{tw.rank}</td>
                    <td className="wrap">{tw.name}</td>
                    <td className="num">{tw.totalStars}</td>
                    <td className="num">{tw.threeStarsOrMoreShare}</td>
                    <td>
                      <MovementArrow movement={tw.rankMovement} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <PerStarPanel stars={b.stars} areas={[...b.townships, b.county]} testid="bulletin-stars" />
          <div className="two-cols">
            <section className="panel">
              <h2>{t('col.overdueItems')}</h2>
              <ItemsTable items={b.overdue} testid="bulletin-overdue" />
            </section>
            <section className="panel">
              <h2>{t('col.escalatedItems')}</h2>
              <ItemsTable items={b.escalated} testid="bulletin-escalated" />
            </section>
          </div>
        </article>
      )}
    </div>
  );
}
