import { useMemo, useState, type ReactNode } from 'react';
import {
  OpenCampaignRequest,
  type BranchType,
  type CampaignView,
  type NamingScope,
} from '@fivestar/contracts';
import { api, type FieldErrors } from '../../api';
import { FieldError, SubmitButton, TextField, useCommand } from '../../forms';
import { t } from '../../i18n';
import { useCatalogs } from '../../lists';
import { CatalogPicker } from '../coordinator/StartRoundForm';
import { catalogRows, toCatalogPicks } from '../coordinator/schedule-scope';
import { defaultChainForm, toChain, type ChainForm } from './chain';

const STARS = [1, 2, 3, 4, 5];

/** A seed nobody chose (省抽查's draw is public once the seed is: docs/rounds.md). */
const freshSeed = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');

function StarSelect(props: { value: number; onChange: (n: number) => void; testId: string }) {
  return (
    <select
      value={props.value}
      onChange={(e) => props.onChange(Number(e.target.value))}
      data-testid={props.testId}
    >
      {STARS.map((n) => (
        <option key={n} value={n}>
          {t('campaign.starsUp', { n })}
        </option>
      ))}
    </select>
  );
}

function NumberInput(props: { value: number; onChange: (n: number) => void; testId: string; max?: number }) {
  return (
    <input
      type="number"
      className="num"
      min={0}
      max={props.max}
      value={props.value}
      onChange={(e) => props.onChange(Number(e.target.value))}
      data-testid={props.testId}
    />
  );
}

/** A stage of the chain switched on or off, its settings shown while on. */
function Stage(props: {
  on: boolean;
  onToggle: (on: boolean) => void;
  title: string;
  testId: string;
  errors: FieldErrors;
  field: string;
  children: ReactNode;
}) {
  return (
    <fieldset className="stage">
      <label className="inline">
        <input
          type="checkbox"
          checked={props.on}
          onChange={(e) => props.onToggle(e.target.checked)}
          data-testid={props.testId}
        />
        {props.title}
      </label>
      {props.on && <div className="form-row">{props.children}</div>}
      <FieldError errors={props.errors} name={props.field} />
    </fieldset>
  );
}

/** The chain above the county: today's chain by default, or the stages the province sets. */
function ChainFields(props: { form: ChainForm; set: (form: ChainForm) => void; errors: FieldErrors }) {
  const { form, set, errors } = props;
  const recheck = form.cityRecheck;
  const spot = form.spotCheck;
  const naming = (scope: NamingScope, patch: Partial<ChainForm['naming'][NamingScope]>) =>
    set({ ...form, naming: { ...form.naming, [scope]: { ...form.naming[scope], ...patch } } });
  return (
    <fieldset data-testid="campaign-chain">
      <legend>{t('campaign.chain')}</legend>
      {[false, true].map((custom) => (
        <label key={String(custom)} className="inline">
          <input
            type="radio"
            name="chain"
            checked={form.custom === custom}
            onChange={() => set({ ...form, custom })}
            data-testid={custom ? 'chain-custom' : 'chain-today'}
          />
          {t(custom ? 'campaign.chainCustom' : 'campaign.chainToday')}
        </label>
      ))}
      {form.custom && (
        <>
          <fieldset className="stage">
            <legend>{t('campaign.observers')}</legend>
            {(['county', 'city'] as const).map((level) => (
              <label key={level} className="inline">
                <input
                  type="checkbox"
                  checked={form.observers[level]}
                  onChange={(e) =>
                    set({ ...form, observers: { ...form.observers, [level]: e.target.checked } })
                  }
                  data-testid={`observers-${level}`}
                />
                {t(`campaign.observers.${level}`)}
              </label>
            ))}
            <FieldError errors={errors} name="chain.observers" />
          </fieldset>
          <Stage
            on={recheck.on}
            onToggle={(on) => set({ ...form, cityRecheck: { ...recheck, on } })}
            title={t('campaign.cityRecheck')}
            testId="city-recheck"
            errors={errors}
            field="chain.cityRecheck"
          >
            <label>
              {t('campaign.minStars')}
              <StarSelect
                value={recheck.minStars}
                onChange={(minStars) => set({ ...form, cityRecheck: { ...recheck, minStars } })}
                testId="city-recheck-stars"
              />
            </label>
            <label>
              {t('campaign.workingDays')}
              <NumberInput
                value={recheck.workingDays}
                onChange={(workingDays) => set({ ...form, cityRecheck: { ...recheck, workingDays } })}
                testId="city-recheck-days"
              />
              <FieldError errors={errors} name="chain.cityRecheck.due" />
            </label>
          </Stage>
          <Stage
            on={spot.on}
            onToggle={(on) => set({ ...form, spotCheck: { ...spot, on } })}
            title={t('campaign.spotCheck')}
            testId="spot-check"
            errors={errors}
            field="chain.provinceSpotCheck"
          >
            <label>
              {t('campaign.minStars')}
              <StarSelect
                value={spot.minStars}
                onChange={(minStars) => set({ ...form, spotCheck: { ...spot, minStars } })}
                testId="spot-check-stars"
              />
            </label>
            <label>
              {t('campaign.share')}
              <NumberInput
                value={spot.percent}
                max={100}
                onChange={(percent) => set({ ...form, spotCheck: { ...spot, percent } })}
                testId="spot-check-percent"
              />
              <FieldError errors={errors} name="chain.provinceSpotCheck.share" />
            </label>
            <TextField
              label={t('campaign.seed')}
              name="chain.provinceSpotCheck.seed"
              value={spot.seed}
              onChange={(seed) => set({ ...form, spotCheck: { ...spot, seed } })}
              errors={errors}
              testId="spot-check-seed"
            />
            <label>
              {t('campaign.workingDays')}
              <NumberInput
                value={spot.workingDays}
                onChange={(workingDays) => set({ ...form, spotCheck: { ...spot, workingDays } })}
                testId="spot-check-days"
              />
              <FieldError errors={errors} name="chain.provinceSpotCheck.due" />
            </label>
          </Stage>
          <fieldset className="stage">
            <legend>{t('campaign.naming')}</legend>
            {(['city', 'province'] as const).map((scope) => (
              <div key={scope} className="form-row">
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={form.naming[scope].on}
                    onChange={(e) => naming(scope, { on: e.target.checked })}
                    data-testid={`naming-${scope}`}
                  />
                  {t(`campaign.naming.${scope}`)}
                </label>
                {form.naming[scope].on && (
                  <StarSelect
                    value={form.naming[scope].fromLevel}
                    onChange={(fromLevel) => naming(scope, { fromLevel })}
                    testId={`naming-${scope}-stars`}
                  />
                )}
              </div>
            ))}
            <p className="hint">{t('campaign.namingHint')}</p>
            <FieldError errors={errors} name="chain.naming" />
          </fieldset>
        </>
      )}
    </fieldset>
  );
}

/**
 * 开启年度创建: the year and title, the catalog version per branch type (those in force by default) and
 * the chain (today's by default). The schedule is the platform's default: the counties' rounds plan
 * their deadlines on the working-day calendar.
 */
export function OpenCampaignForm(props: { provinceCode: string; onOpened: (c: CampaignView) => void }) {
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(String(thisYear));
  const [title, setTitle] = useState(t('campaign.defaultTitle', { year: thisYear }));
  const [picked, setPicked] = useState<Partial<Record<BranchType, string>>>({});
  const [chain, setChain] = useState(() => defaultChainForm(freshSeed()));
  const catalogs = useCatalogs();
  const rows = useMemo(() => catalogRows(catalogs.data?.items ?? []), [catalogs.data]);
  const { errors, pending, submit, clear } = useCommand(OpenCampaignRequest, async (body) => {
    props.onOpened(await api<CampaignView>('/campaigns', { json: body }));
  });
  return (
    <form
      className="panel"
      data-testid="open-campaign-form"
      noValidate
      // Any change drops the messages: the chain's fields answer to several keys at once.
      onChange={() => Object.keys(errors).forEach(clear)}
      onSubmit={(e) => {
        e.preventDefault();
        void submit({
          provinceCode: props.provinceCode,
          year: Number(year),
          title,
          catalogs: toCatalogPicks(rows, picked),
          chain: toChain(chain),
        });
      }}
    >
      <h2>{t('campaign.open')}</h2>
      <div className="form-row">
        <TextField
          label={t('campaign.year')}
          name="year"
          type="number"
          value={year}
          onChange={setYear}
          errors={errors}
          testId="campaign-year"
        />
        <TextField
          label={t('campaign.titleField')}
          name="title"
          value={title}
          onChange={setTitle}
          errors={errors}
          testId="campaign-title"
        />
      </div>
      <h3>{t('coord.catalogs')}</h3>
      <CatalogPicker
        rows={rows}
        picked={picked}
        onPick={(type, key) => setPicked((p) => ({ ...p, [type]: key }))}
        errors={errors}
      />
      <ChainFields form={chain} set={setChain} errors={errors} />
      <SubmitButton pending={pending} testId="campaign-submit">
        {t('campaign.open')}
      </SubmitButton>
      <FieldError errors={errors} name="form" />
    </form>
  );
}
