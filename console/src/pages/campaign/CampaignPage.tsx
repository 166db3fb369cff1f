import { useState } from 'react';
import {
  beijingDate,
  scopeOf,
  type CampaignList,
  type CampaignRoundsStarted,
  type CampaignView,
  type ChainTemplate,
} from '@fivestar/contracts';
import { api } from '../../api';
import { label, t } from '../../i18n';
import { useCatalogs } from '../../lists';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { OpenCampaignForm } from './OpenCampaignForm';
import './messages';
import '../coordinator/messages';
import '../coordinator/coordinator.css';
import './campaign.css';

/** The chain in words, one line a stage; null is today's chain. */
function chainLines(chain: ChainTemplate | null): string[] {
  if (!chain) return [t('campaign.chainToday')];
  return [
    t('campaign.show.observers', {
      levels: chain.observers.map((l) => t(`campaign.observers.${l}`)).join(t('app.listSep')),
    }),
    chain.cityRecheck
      ? t('campaign.show.cityRecheck', { n: chain.cityRecheck.minStars })
      : t('campaign.show.noCityRecheck'),
    chain.provinceSpotCheck
      ? t('campaign.show.spotCheck', {
          n: chain.provinceSpotCheck.minStars,
          percent: Math.round(chain.provinceSpotCheck.share * 1000) / 10,
        })
      : t('campaign.show.noSpotCheck'),
    t('campaign.show.namingLine', {
      list: chain.naming.length
        ? chain.naming
            .map((n) => t('campaign.show.naming', { n: n.fromLevel, level: t(`campaign.naming.${n.scope}`) }))
            .join(t('app.listSep'))
        : t('campaign.show.countyNames'),
    }),
  ];
}

/** 为各县启动轮次: asked first, then the answer in counts (started, already running so skipped). */
function StartRounds({ campaign, onStarted }: { campaign: CampaignView; onStarted: () => void }) {
  const [pending, setPending] = useState(false);
  const [answer, setAnswer] = useState<CampaignRoundsStarted | null>(null);
  const [error, setError] = useState('');
  const missing = campaign.counties.total - campaign.counties.withRound;
  const start = async () => {
    if (!window.confirm(t('campaign.confirmStart', { n: missing, title: campaign.title }))) return;
    setPending(true);
    setError('');
    try {
      setAnswer(await api<CampaignRoundsStarted>(`/campaigns/${campaign.campaignId}/rounds`, { json: {} }));
      onStarted();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="start-rounds">
      <button
        type="button"
        disabled={pending || missing === 0}
        onClick={() => void start()}
        data-testid="campaign-start-rounds"
      >
        {pending
          ? t('app.submitting')
          : missing
            ? t('campaign.startRounds', { n: missing })
            : t('campaign.allStarted')}
      </button>
      {answer && (
        <p className="ok" role="status" data-testid="campaign-started">
          {t('campaign.started', { started: answer.started.length, skipped: answer.skipped.length })}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** One campaign as `GET /campaigns/:id` has it; the province's 专班 starts the counties' rounds here. */
function CampaignCard({ campaignId, steer }: { campaignId: string; steer: boolean }) {
  const view = useApi<CampaignView>(`/campaigns/${campaignId}`);
  const catalogs = useCatalogs();
  const c = view.data;
  if (!c) return view.error ? <p className="field-error">{view.error.message}</p> : null;
  const titleOf = (id: string, version: number) =>
    catalogs.data?.items.find((s) => s.id === id)?.versions.find((v) => v.version === version)?.title ?? id;
  const typeOf = (id: string) => catalogs.data?.items.find((s) => s.id === id)?.branchType;
  const { total, withRound } = c.counties;
  return (
    <section className="panel campaign-card" data-testid={`campaign-${c.campaignId}`}>
      <h2>{c.title}</h2>
      <p className="muted">
        {t('campaign.facts', { year: c.year, opened: beijingDate(Date.parse(c.openedAt)) })}
      </p>
      <h3>{t('campaign.counties')}</h3>
      <p data-testid="campaign-counties">{t('campaign.countiesWithRound', { withRound, total })}</p>
      <progress max={Math.max(total, 1)} value={withRound} />
      {steer && <StartRounds campaign={c} onStarted={view.reload} />}
      <h3>{t('campaign.catalogs')}</h3>
      <ul className="plain" data-testid="campaign-catalogs">
        {c.catalogs.map((p) => {
          const type = typeOf(p.id);
          return (
            <li key={p.id}>
              {type && `${label('branchType', type)}：`}
              {t('start.catalogVersion', { title: titleOf(p.id, p.version), version: p.version })}
            </li>
          );
        })}
      </ul>
      <h3>{t('campaign.chain')}</h3>
      <ul className="plain" data-testid="campaign-chain-view">
        {chainLines(c.chain).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}

/**
 * /campaign: the province's yearly campaign. Its 专班 (a coordinator of the province) opens the year's and
 * starts every county's round under it; the province's and cities' other users read it.
 */
export function CampaignPage() {
  const user = useUser();
  const list = useApi<CampaignList>('/campaigns');
  if (!user) return null;
  const steer = user.role === 'coordinator' && scopeOf(user.jurisdiction) === 'province';
  const items = list.data?.items ?? [];
  const year = new Date().getFullYear();
  return (
    <div className="campaign" data-testid="campaign-page">
      <h1>{t('campaign.pageTitle')}</h1>
      {!steer && (
        <p className="muted" data-testid="campaign-read-only">
          {t('campaign.readOnly')}
        </p>
      )}
      {list.data && items.length === 0 && <p className="muted">{t('campaign.none')}</p>}
      {items.map((c) => (
        <CampaignCard key={c.campaignId} campaignId={c.campaignId} steer={steer} />
      ))}
      {steer && list.data && !items.some((c) => c.year === year) && (
        <OpenCampaignForm provinceCode={user.jurisdiction} onOpened={list.reload} />
      )}
    </div>
  );
}
