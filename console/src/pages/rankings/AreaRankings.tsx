import { useState } from 'react';
import { Link } from 'react-router';
import {
  AREA_CHILD_LABELS,
  BranchType,
  LEVEL_LABELS,
  RANKED_BRANCH_TYPE_LABELS,
  type AreaFigures,
  type AreaRankingResult,
  type RankingStar,
} from '@fivestar/contracts';
import { ApiError } from '../../api';
import { openFile } from '../../download';
import { t } from '../../i18n';
import { useApi } from '../../use-api';
import { MovementArrow } from './Movement';
import { PerStarPanel } from './PerStarPanel';
import './messages';
import '../coordinator/tables.css';
import './rankings.css';

/** Levels from 五星 down to 无星, as the tables print them. */
const LEVELS_DOWN = [5, 4, 3, 2, 1, 0] as const;

type Row = AreaFigures & { rank?: number; rankMovement?: 'up' | 'down' | 'same' | null };

/** The children ranked, with their level distribution (a wide table: it scrolls on a phone). */
export function ChildTable({ rows, total, testid }: { rows: Row[]; total: AreaFigures; testid: string }) {
  const arrows = rows.some((r) => r.rankMovement !== undefined);
  return (
    <div className="scroll-x">
      <table data-testid={testid}>
        <thead>
          <tr>
            <th>{t('rank.rank')}</th>
            <th>{t('rank.name')}</th>
            <th className="num">{t('rank.branchCount')}</th>
            {LEVELS_DOWN.map((l) => (
              <th key={l} className="num">
                {LEVEL_LABELS[l]}
              </th>
            ))}
            <th className="num">{t('rank.totalStars')}</th>
            <th className="num">{t('rank.average')}</th>
            <th className="num">{t('rank.share')}</th>
            {arrows && <th>{t('rank.movement')}</th>}
          </tr>
        </thead>
        <tbody>
          {[...rows, { ...total, rank: undefined, rankMovement: undefined }].map((a) => (
            <tr key={a.code} data-testid={`${testid}-${a.code}`}>
              <td className="num">{a.rank}</td>
              <td className="wrap">{a.code === total.code ? t('rank.areaTotal') : a.name}</td>
              <td className="num">{a.branches}</td>
              {LEVELS_DOWN.map((l) => (
                <td key={l} className="num">
                  {a.levelCounts[l]}
                </td>
              ))}
              <td className="num">{a.totalStars}</td>
              <td className="num">{a.averageStars}</td>
              <td className="num">{a.threeStarsOrMoreShare}</td>
              {arrows && (
                <td>{a.rank !== undefined && <MovementArrow movement={a.rankMovement ?? null} />}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** 各星创建情况 and the figures per branch type of each child and of the area. */
export function AreaDetails({
  stars,
  rows,
  total,
}: {
  stars: RankingStar[];
  rows: AreaFigures[];
  total: AreaFigures;
}) {
  const all = [...rows, { ...total, name: t('rank.areaTotal') }];
  return (
    <>
      <PerStarPanel stars={stars} areas={all} testid="area-stars" />
      <section className="panel">
        <h2>{t('rank.byType')}</h2>
        <div className="scroll-x">
          <table data-testid="area-types">
            <thead>
              <tr>
                <th>{t('rank.name')}</th>
                <th>{t('rank.type')}</th>
                <th className="num">{t('rank.branchCount')}</th>
                <th className="num">{t('rank.totalStars')}</th>
                <th className="num">{t('rank.average')}</th>
                <th className="num">{t('rank.share')}</th>
              </tr>
            </thead>
            <tbody>
              {all.flatMap((a) =>
                BranchType.options
                  .filter((type) => a.byType[type].branches > 0)
                  .map((type) => (
                    <tr key={`${a.code}-${type}`}>
                      <td className="wrap">{a.name}</td>
                      <td>{RANKED_BRANCH_TYPE_LABELS[type]}</td>
                      <td className="num">{a.byType[type].branches}</td>
                      <td className="num">{a.byType[type].totalStars}</td>
                      <td className="num">{a.byType[type].averageStars}</td>
                      <td className="num">{a.byType[type].threeStarsOrMoreShare}</td>
                    </tr>
                  )),
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

/**
 * /rankings for a city or province user: the province's cities or a city's counties, of a campaign year,
 * with the downloads (ranking and the list of five-star branches).
 */
export function AreaRankings({ jurisdiction }: { jurisdiction: string }) {
  const province = jurisdiction.slice(0, 2);
  const [code, setCode] = useState(jurisdiction);
  const [year, setYear] = useState(new Date().getFullYear());
  const [message, setMessage] = useState('');
  // The province's cities name the choices (every city user may read the province's figures too).
  const cities = useApi<AreaRankingResult>('/rankings/areas', { code: province, year });
  const own = useApi<AreaRankingResult>(code === province ? null : '/rankings/areas', { code, year });
  const ranking = code === province ? cities : own;
  const r = ranking.data;
  // A province user picks any city (not 省直, which holds units only); a city user its own.
  const named = new Map((cities.data?.children ?? []).map((c) => [c.code, c.name]));
  const choices =
    jurisdiction.length === 2 ? [...named.keys()].filter((c) => c !== `${province}00`) : [jurisdiction];
  const download = (path: string, format: 'xlsx' | 'html') =>
    openFile(path, { code, year: String(year), format }, format === 'xlsx' ? 'download' : 'tab').catch(
      (e: unknown) => setMessage(e instanceof ApiError ? e.message : String(e)),
    );
  return (
    <div className="rankings" data-testid="area-rankings-page">
      <h1>
        {r ? `${r.name} · ${t('rank.areaTitle', { children: AREA_CHILD_LABELS[r.level] })}` : t('rank.title')}
      </h1>
      <p>
        <Link to="/rankings/bulletin" data-testid="bulletin-link">
          {t('rank.bulletin')}
        </Link>
      </p>
      <div className="panel toolbar">
        <label className="inline">
          {t('rank.area')}
          <select value={code} onChange={(e) => setCode(e.target.value)} data-testid="area-pick">
            <option value={province}>{t('rank.wholeProvince')}</option>
            {choices.map((c) => (
              <option key={c} value={c}>
                {named.get(c) ?? c}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('rank.year')}
          <input
            type="number"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => setYear(Number(e.target.value))}
            data-testid="area-year"
          />
        </label>
        <span className="exports">
          {t('rank.export')}：
          <button
            type="button"
            className="link"
            disabled={!r}
            data-testid="area-xlsx"
            onClick={() => void download('/rankings/areas', 'xlsx')}
          >
            {t('rank.exportRankingXlsx')}
          </button>
          <button
            type="button"
            className="link"
            disabled={!r}
            data-testid="area-html"
            onClick={() => void download('/rankings/areas', 'html')}
          >
            {t('rank.openHtml')}
          </button>
          <button
            type="button"
            className="link"
            disabled={!r}
            data-testid="five-star-xlsx"
            onClick={() => void download('/rankings/areas/five-star', 'xlsx')}
          >
            {t('rank.exportFiveStarXlsx')}
          </button>
        </span>
        {message && (
          <span className="muted" role="status">
            {message}
          </span>
        )}
      </div>
      {ranking.error && <p className="field-error">{ranking.error.message}</p>}
      {r && (
        <>
          <section className="panel">
            <h2>{t('rank.childRanking', { children: AREA_CHILD_LABELS[r.level] })}</h2>
            <ChildTable rows={r.children} total={r.area} testid="area-ranking" />
          </section>
          <AreaDetails stars={r.stars} rows={r.children} total={r.area} />
        </>
      )}
    </div>
  );
}
