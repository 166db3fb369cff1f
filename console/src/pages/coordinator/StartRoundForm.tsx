import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { HUMAN_STEPS, StartRoundRequest, type HumanStep, type RankingResult } from '@fivestar/contracts';
import { api } from '../../api';
import { FieldError, SubmitButton, useCommand } from '../../forms';
import { t } from '../../i18n';
import { useApi } from '../../use-api';
import { defaultScheduleForm, previewDueDates, toSchedule, type ScheduleForm } from './schedule';

interface CatalogSummary {
  id: string;
  branchType: string;
  latest: { version: number; title?: string };
  inForce: boolean;
}

/** 发起轮次: the schedule in working days with each step's due date previewed by the contracts' calendar. */
export function StartRoundForm({ countyCode }: { countyCode: string }) {
  const navigate = useNavigate();
  const year = new Date().getFullYear();
  const [roundId, setRoundId] = useState(`${countyCode}-${year}`);
  const [title, setTitle] = useState(`${year}年度五星支部创建`);
  const [form, setForm] = useState<ScheduleForm>(defaultScheduleForm);
  const { errors, pending, submit } = useCommand(StartRoundRequest, async (body) => {
    await api('/rounds', { json: body });
    navigate(`/coordinator/rounds/${body.roundId}`);
  });
  const catalogs = useApi<{ items: CatalogSummary[] }>('/catalogs');
  const ranking = useApi<RankingResult>('/rankings', { countyCode });
  const preview = useMemo(() => previewDueDates(form, Date.now()), [form]);
  const set = (patch: Partial<ScheduleForm>) => setForm((f) => ({ ...f, ...patch }));
  const setStep = (step: HumanStep, days: number) => set({ steps: { ...form.steps, [step]: days } });

  const num = (value: number, onChange: (n: number) => void, testid: string, min = 0) => (
    <input
      type="number"
      min={min}
      className="num"
      value={value}
      data-testid={testid}
      onChange={(e) => onChange(Number(e.target.value))}
    />
  );

  return (
    <form
      className="panel start-round"
      onSubmit={(e) => {
        e.preventDefault();
        // A deadline the calendar cannot compute would stall the round: the preview shows which.
        if (preview.some((p) => 'error' in p)) return;
        void submit({ roundId, countyCode, year, title, schedule: toSchedule(form) });
      }}
      data-testid="start-round-form"
      noValidate
    >
      <h2>{t('coord.start')}</h2>
      <div className="form-row">
        <label>
          {t('coord.roundId')}
          <input value={roundId} onChange={(e) => setRoundId(e.target.value)} data-testid="round-id" />
          <FieldError errors={errors} name="roundId" />
        </label>
        <label>
          {t('coord.roundTitle')}
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="round-title" />
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
          <ul className="plain" data-testid="catalogs-in-force">
            {catalogs.data?.items
              .filter((c) => c.inForce)
              .map((c) => (
                <li key={c.id}>
                  <label className="inline">
                    <input type="checkbox" checked readOnly /> {c.id} · v{c.latest.version} ({c.branchType})
                  </label>
                </li>
              ))}
          </ul>
          <h3>{t('coord.branches')}</h3>
          <table className="compact" data-testid="branches-by-township">
            <tbody>
              {ranking.data?.townships.map((tw) => (
                <tr key={tw.code}>
                  <td className="name" title={tw.name}>
                    {tw.name}
                  </td>
                  <td className="num">{tw.branches}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h3>{t('coord.schedule')}</h3>
          <table className="compact" data-testid="schedule-preview">
            <thead>
              <tr>
                <th>{t('coord.step')}</th>
                <th>{t('coord.days')}</th>
                <th>{t('coord.due')}</th>
              </tr>
            </thead>
            <tbody>
              {HUMAN_STEPS.map((step, i) => {
                const p = preview[i]!;
                return (
                  <tr key={step}>
                    <td>{t(`coord.step.${step}`)}</td>
                    <td>
                      {num(form.steps[step], (n) => setStep(step, n), `days-${step}`, 1)}
                      <FieldError errors={errors} name={`schedule.steps.${step}`} />
                    </td>
                    <td data-testid={`due-${step}`} className={'error' in p ? 'field-error' : undefined}>
                      {'due' in p ? p.due : p.error}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="form-grid">
            <label>
              {t('coord.rectification')}
              {num(form.rectification, (n) => set({ rectification: n }), 'days-rectification', 1)}
            </label>
            <label>
              {t('coord.reminder')}
              {num(form.reminderBefore, (n) => set({ reminderBefore: n }), 'days-reminder')}
            </label>
            <label>
              {t('coord.publicNotice')}
              {num(form.publicNotice, (n) => set({ publicNotice: n }), 'days-public-notice')}
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
              {num(form.quorum, (n) => set({ quorum: n }), 'quorum', 1)}
              <FieldError errors={errors} name="schedule.observation.quorum" />
            </label>
          </div>
        </section>
      </div>
      {errors.form && (
        <p className="field-error" role="alert" data-testid="start-round-error">
          {errors.form}
        </p>
      )}
      {preview.some((p) => 'error' in p) && (
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
