import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import {
  DEFAULT_CALENDAR_ID,
  CORE_STEPS,
  ROLES,
  RoundStarted,
  Scope,
  StartRoundRequest,
  UncoveredYearPolicy,
  type BranchType,
  type CalendarView,
  type CountyTownships,
  type HumanStep,
} from '@fivestar/contracts';
import { api, type FieldErrors } from '../../api';
import { FieldError, SubmitButton, useCommand } from '../../forms';
import { label, t } from '../../i18n';
import { useCatalogs } from '../../lists';
import { useApi } from '../../use-api';
import {
  calendarOfView,
  defaultScheduleForm,
  previewDueDates,
  rungIndex,
  toSchedule,
  uncoveredRefusals,
  type DuePreview,
  type LadderRung,
  type ScheduleForm,
} from './schedule';
import {
  branchesIn,
  catalogRows,
  chosenCatalog,
  errorUnder,
  keysUnder,
  pickKey,
  toCatalogPicks,
  toggleTownship,
  toTownshipCodes,
  type CatalogRow,
  type Township,
} from './schedule-scope';

/** A number input; `field` names its message (the form's onChange clears it). */
const num = (value: number, onChange: (n: number) => void, testid: string, min = 0, field?: string) => (
  <input
    type="number"
    min={min}
    className="num"
    value={value}
    data-field={field}
    data-testid={testid}
    onChange={(e) => onChange(Number(e.target.value))}
  />
);

/** A message found under a request path (the server's and the contract's share their keys). */
function ErrorUnder({ errors, prefix }: { errors: FieldErrors; prefix: string }) {
  const message = errorUnder(errors, prefix);
  return message ? (
    <span className="field-error" data-testid={`error-${prefix}`}>
      {message}
    </span>
  ) : null;
}

/**
 * 发起轮次: the catalog version per branch type (the one in force by default), the townships taking part,
 * the schedule in working days with each step's due date previewed by the contracts' calendar, the
 * escalation ladder and the policies.
 */
export function StartRoundForm({ countyCode }: { countyCode: string }) {
  const navigate = useNavigate();
  const year = new Date().getFullYear();
  const [roundId, setRoundId] = useState(`${countyCode}-${year}`);
  const [title, setTitle] = useState(`${year}年度五星支部创建`);
  const [form, setForm] = useState<ScheduleForm>(defaultScheduleForm);
  const [picked, setPicked] = useState<Partial<Record<BranchType, string>>>({});
  const [ticked, setTicked] = useState<ReadonlySet<string> | null>(null);
  const { errors, pending, submit, clear, changed } = useCommand(StartRoundRequest, async (body) => {
    const started = await api<z.infer<typeof RoundStarted>>('/rounds', { json: body });
    // The dashboard tells which years count Monday–Friday for now (暂按工作日计算).
    navigate(`/coordinator/rounds/${body.roundId}`, {
      state: { provisionalYears: started.provisionalYears ?? [] },
    });
  });
  /** A field's messages go once the user changes it. */
  const clearUnder = (prefix: string) => keysUnder(errors, prefix).forEach(clear);
  const catalogs = useCatalogs();
  const townships = useApi<CountyTownships>(`/counties/${countyCode}/townships`);
  const rows = useMemo(() => catalogRows(catalogs.data?.items ?? []), [catalogs.data]);
  const allTownships = townships.data?.items ?? [];
  // The calendar in force (years an administrator loaded included); the bundled one until it answers.
  const calendarView = useApi<CalendarView>(`/calendars/${DEFAULT_CALENDAR_ID}`);
  const calendar = useMemo(() => calendarView.data && calendarOfView(calendarView.data), [calendarView.data]);
  const preview = useMemo(() => previewDueDates(form, Date.now(), calendar ?? undefined), [form, calendar]);
  const refused = uncoveredRefusals(form, preview, (years) => t('start.uncoveredRefused', { years }));
  const blocked = Object.keys(refused).length > 0;
  const set = (patch: Partial<ScheduleForm>) => setForm((f) => ({ ...f, ...patch }));
  const setStep = (step: HumanStep, days: number) => set({ steps: { ...form.steps, [step]: days } });

  return (
    <form
      className="panel start-round"
      onSubmit={(e) => {
        e.preventDefault();
        // Under `refuse`, a stage reaching an uncovered year is refused here, at its field, as the API would.
        void submit(
          {
            roundId,
            countyCode,
            year,
            title,
            schedule: toSchedule(form),
            // What the coordinator saw is pinned, even if a version is imported meanwhile.
            catalogs: toCatalogPicks(rows, picked),
            townshipCodes: toTownshipCodes(allTownships, ticked),
          },
          refused,
        );
      }}
      data-testid="start-round-form"
      onChange={changed}
      noValidate
    >
      <h2>{t('coord.start')}</h2>
      <div className="form-row">
        <label>
          {t('coord.roundId')}
          <input
            name="roundId"
            value={roundId}
            onChange={(e) => setRoundId(e.target.value)}
            data-testid="round-id"
          />
          <FieldError errors={errors} name="roundId" />
        </label>
        <label>
          {t('coord.roundTitle')}
          <input
            name="title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            data-testid="round-title"
          />
          <FieldError errors={errors} name="title" />
        </label>
        <label>
          {t('coord.year')}
          <input value={year} readOnly className="num" />
        </label>
      </div>
      <div className="two-cols">
        <section>
          <h3>{t('coord.catalogs')}</h3>
          <CatalogPicker
            rows={rows}
            picked={picked}
            onPick={(type, key, row) => {
              setPicked((p) => ({ ...p, [type]: key }));
              clearUnder(`catalogs.${row}`);
            }}
            errors={errors}
          />
          <h3>{t('coord.branches')}</h3>
          <TownshipPicker
            all={allTownships}
            ticked={ticked}
            onChange={(next) => {
              setTicked(next);
              clearUnder('townshipCodes');
            }}
            errors={errors}
          />
        </section>
        <section>
          <h3>{t('coord.schedule')}</h3>
          <table className="compact" data-testid="schedule-preview">
            <thead>
              <tr>
                <th>{t('col.step')}</th>
                <th>{t('coord.days')}</th>
                <th>{t('coord.due')}</th>
              </tr>
            </thead>
            <tbody>
              {CORE_STEPS.map((step) => {
                const p = preview.find((s) => s.step === step);
                return (
                  <tr key={step}>
                    <td>{t(`step.${step}`)}</td>
                    <td>
                      {num(
                        form.steps[step],
                        (n) => setStep(step, n),
                        `days-${step}`,
                        1,
                        `schedule.steps.${step}`,
                      )}
                      <FieldError errors={errors} name={`schedule.steps.${step}`} />
                    </td>
                    <td>
                      <DueDate
                        preview={p}
                        refused={refused[`schedule.steps.${step}`]}
                        testId={`due-${step}`}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="form-grid">
            <label>
              {t('coord.rectification')}
              {num(
                form.rectification,
                (n) => set({ rectification: n }),
                'days-rectification',
                1,
                'schedule.rectification',
              )}
              <FieldError errors={errors} name="schedule.rectification" />
            </label>
            <label>
              {t('coord.reminder')}
              {num(form.reminderBefore, (n) => set({ reminderBefore: n }), 'days-reminder')}
            </label>
            <label>
              {t('coord.publicNotice')}
              {num(
                form.publicNotice,
                (n) => set({ publicNotice: n }),
                'days-public-notice',
                0,
                'schedule.publicNotice',
              )}
              <FieldError errors={errors} name="schedule.publicNotice" />
            </label>
            <label>
              {t('coord.unsigned')}
              <select
                value={form.unsignedSelfCheck}
                data-testid="unsigned-policy"
                onChange={(e) =>
                  set({ unsignedSelfCheck: e.target.value as ScheduleForm['unsignedSelfCheck'] })
                }
              >
                <option value="withdraw">{t('coord.unsigned.withdraw')}</option>
                <option value="wait">{t('coord.unsigned.wait')}</option>
              </select>
            </label>
            <label>
              {t('coord.observation')}
              <select
                value={form.observationRule}
                data-testid="observation-rule"
                onChange={(e) => set({ observationRule: e.target.value as ScheduleForm['observationRule'] })}
              >
                {(['mean', 'median', 'trimmed_mean'] as const).map((r) => (
                  <option key={r} value={r}>
                    {t(`coord.rule.${r}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('coord.quorum')}
              {num(form.quorum, (n) => set({ quorum: n }), 'quorum', 1, 'schedule.observation.quorum')}
              <FieldError errors={errors} name="schedule.observation.quorum" />
            </label>
          </div>
          <UncoveredPolicy
            value={form.uncoveredYear}
            onChange={(uncoveredYear) => {
              set({ uncoveredYear });
              clearUnder('schedule');
            }}
            errors={errors}
          />
          <h3>{t('start.ladder')}</h3>
          <LadderEditor
            ladder={form.escalation}
            onChange={(escalation) => {
              set({ escalation });
              clearUnder('schedule.escalation');
            }}
            errors={errors}
          />
          <div className="policies">
            <label className="inline">
              <input
                type="checkbox"
                checked={form.proposeRevocation}
                data-testid="policy-revocation"
                onChange={(e) => set({ proposeRevocation: e.target.checked })}
              />{' '}
              {t('start.policy.revocation')}
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={form.capstoneRequiresAllOthers}
                data-testid="policy-capstone"
                onChange={(e) => set({ capstoneRequiresAllOthers: e.target.checked })}
              />{' '}
              {t('start.policy.capstone')}
            </label>
          </div>
        </section>
      </div>
      {errors.form && (
        <p className="field-error" role="alert" data-testid="start-round-error">
          {errors.form}
        </p>
      )}
      {blocked && (
        <p className="field-error" data-testid="calendar-gap">
          {t('coord.calendarGap')}
        </p>
      )}
      <SubmitButton pending={pending} testId="start-round-submit">
        {t('coord.startSubmit')}
      </SubmitButton>
    </form>
  );
}

/**
 * A stage's latest due date: 暂按工作日 beside it when it reaches a year the calendar does not hold yet,
 * or, under the `refuse` policy, the refusal in its place.
 */
function DueDate({ preview, refused, testId }: { preview?: DuePreview; refused?: string; testId: string }) {
  if (!preview) return null;
  if (refused)
    return (
      <span className="field-error" data-testid={testId}>
        {refused}
      </span>
    );
  return (
    <>
      <span data-testid={testId}>{preview.due}</span>
      {preview.uncoveredYears.length > 0 && (
        <span
          className="tag tag-provisional"
          title={t('deadline.provisionalHint')}
          data-testid={`${testId}-provisional`}
        >
          {t('start.provisionalDue')}
        </span>
      )}
    </>
  );
}

/** 日历未加载年份: refuse to start, or count Monday–Friday for now (re-planned once the year is loaded). */
function UncoveredPolicy(props: {
  value: UncoveredYearPolicy;
  onChange: (value: UncoveredYearPolicy) => void;
  errors: FieldErrors;
}) {
  return (
    <fieldset data-testid="uncovered-policy">
      <legend>{t('start.uncovered')}</legend>
      {UncoveredYearPolicy.options.map((policy) => (
        <label key={policy} className="inline">
          <input
            type="radio"
            name="uncoveredYear"
            value={policy}
            checked={props.value === policy}
            data-field="schedule.uncoveredYear"
            data-testid={`uncovered-${policy}`}
            onChange={() => props.onChange(policy)}
          />
          {label('uncoveredYear', policy)}
        </label>
      ))}
      <p className="hint">{t('start.uncoveredHint')}</p>
      <FieldError errors={props.errors} name="schedule.uncoveredYear" />
      <FieldError errors={props.errors} name="schedule.calendar" />
    </fieldset>
  );
}

/** One select per branch type: every stored version, the one in force marked and chosen by default. */
export function CatalogPicker(props: {
  rows: CatalogRow[];
  picked: Partial<Record<BranchType, string>>;
  onPick: (type: BranchType, key: string, row: number) => void;
  errors: FieldErrors;
}) {
  return (
    <ul className="plain catalog-picker" data-testid="catalogs-in-force">
      {props.rows.map((row, i) => (
        <li key={row.branchType}>
          <label className="inline">
            {label('branchType', row.branchType)}
            <select
              value={pickKey(chosenCatalog(row, props.picked))}
              data-testid={`catalog-${row.branchType}`}
              onChange={(e) => props.onPick(row.branchType, e.target.value, i)}
            >
              {row.choices.map((c) => (
                <option key={pickKey(c)} value={pickKey(c)}>
                  {t(c.inForce ? 'start.catalogInForce' : 'start.catalogVersion', {
                    title: c.title,
                    version: c.version,
                  })}
                </option>
              ))}
            </select>
          </label>
          <ErrorUnder errors={props.errors} prefix={`catalogs.${i}`} />
        </li>
      ))}
    </ul>
  );
}

/** A checkbox per township with its branch count; "all" and "none" at the top. */
function TownshipPicker(props: {
  all: Township[];
  ticked: ReadonlySet<string> | null;
  onChange: (ticked: ReadonlySet<string> | null) => void;
  errors: FieldErrors;
}) {
  const { all, ticked, onChange } = props;
  const chosen = all.filter((tw) => !ticked || ticked.has(tw.code)).length;
  return (
    <div data-testid="township-picker">
      <div className="toolbar">
        <button type="button" onClick={() => onChange(null)} data-testid="townships-all">
          {t('start.all')}
        </button>
        <button type="button" onClick={() => onChange(new Set())} data-testid="townships-none">
          {t('start.none')}
        </button>
        <span data-testid="townships-summary">
          {t('start.townshipsChosen', { townships: chosen, branches: branchesIn(all, ticked) })}
        </span>
      </div>
      <ErrorUnder errors={props.errors} prefix="townshipCodes" />
      <table className="compact" data-testid="branches-by-township">
        <tbody>
          {all.map((tw) => (
            <tr key={tw.code}>
              <td className="name" title={tw.name}>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={!ticked || ticked.has(tw.code)}
                    data-testid={`township-${tw.code}`}
                    onChange={() => onChange(toggleTownship(all, ticked, tw.code))}
                  />{' '}
                  {tw.name}
                </label>
              </td>
              <td className="num">{t('start.branchCount', { n: tw.branches })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** 督办层级: per rung on/off, working days after the deadline, and who is notified at which level. */
function LadderEditor(props: {
  ladder: LadderRung[];
  onChange: (l: LadderRung[]) => void;
  errors: FieldErrors;
}) {
  const { ladder, onChange } = props;
  const setRung = (row: number, patch: Partial<LadderRung>) =>
    onChange(ladder.map((r, i) => (i === row ? { ...r, ...patch } : r)));
  return (
    <>
      <table className="compact" data-testid="ladder-editor">
        <thead>
          <tr>
            <th>{t('col.level')}</th>
            <th>{t('start.rungAfter')}</th>
            <th>{t('start.rungRole')}</th>
            <th>{t('start.rungScope')}</th>
          </tr>
        </thead>
        <tbody>
          {ladder.map((rung, row) => {
            const index = rungIndex(ladder, row);
            return (
              <tr key={rung.level}>
                <td>
                  <label className="inline">
                    <input
                      type="checkbox"
                      checked={rung.enabled}
                      data-testid={`rung-${rung.level}-enabled`}
                      onChange={(e) => setRung(row, { enabled: e.target.checked })}
                    />{' '}
                    {t(`level.${rung.level}`)}
                  </label>
                </td>
                <td>
                  {num(rung.days, (days) => setRung(row, { days }), `rung-${rung.level}-days`)}
                  {index !== null && (
                    <ErrorUnder errors={props.errors} prefix={`schedule.escalation.${index}`} />
                  )}
                </td>
                <td>
                  <select
                    value={rung.role}
                    disabled={!rung.enabled}
                    data-testid={`rung-${rung.level}-role`}
                    onChange={(e) => setRung(row, { role: e.target.value as LadderRung['role'] })}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {t(`role.${role}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <select
                    value={rung.scope}
                    disabled={!rung.enabled}
                    data-testid={`rung-${rung.level}-scope`}
                    onChange={(e) => setRung(row, { scope: e.target.value as LadderRung['scope'] })}
                  >
                    {Scope.options.map((scope) => (
                      <option key={scope} value={scope}>
                        {t(`start.scope.${scope}`)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldError errors={props.errors} name="schedule.escalation" />
    </>
  );
}
