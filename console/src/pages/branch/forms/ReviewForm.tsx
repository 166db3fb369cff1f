import { useState } from 'react';
import { HUMAN_STEPS, Review } from '@fivestar/contracts';
import { CommandStatus, FieldError, lines, SubmitButton, useCommand } from '../../../forms';
import { t } from '../../../i18n';
import { starName } from '../../../stars';
import { FindingsInput, readFindings } from './FindingsInput';
import type { StepFormProps } from './props';

/** 乡镇审核 / 县级预审 / 市复核 / 省抽查: approve with a verdict per claimed star, or return to an earlier step with reasons. */
export function ReviewForm({ base, state, onDone }: StepFormProps) {
  const [decision, setDecision] = useState<'approve' | 'return'>('approve');
  const cmd = useCommand(Review, (body, command) => command(`${base}/review`, body).then(onDone));
  const earlier = HUMAN_STEPS.slice(0, HUMAN_STEPS.indexOf(state.step as (typeof HUMAN_STEPS)[number]));

  return (
    <form
      className="panel"
      data-testid="review-form"
      noValidate
      onChange={cmd.changed}
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        void cmd.submit(
          decision === 'return'
            ? { decision, returnTo: form.get('returnTo') || undefined, reasons: lines(form.get('reasons')) }
            : {
                decision,
                findings: readFindings(form),
                stars: state.targetStars.map((star) => {
                  const approved = form.get(`approved:${star}`) === 'on';
                  return {
                    star,
                    approved,
                    reasons: approved ? undefined : lines(form.get(`reasons:${star}`)),
                  };
                }),
              },
        );
      }}
    >
      <h2>{t('form.review')}</h2>
      <fieldset>
        <legend>{t('form.decision')}</legend>
        {(['approve', 'return'] as const).map((d) => (
          <label key={d} className="inline">
            <input
              type="radio"
              name="decision"
              checked={decision === d}
              onChange={() => setDecision(d)}
              data-testid={`decision-${d}`}
            />
            {t(`form.${d}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'approve' ? (
        <>
          {state.targetStars.map((star, i) => (
            <fieldset key={star} data-testid="star-verdict" data-star={star}>
              <legend>{starName(star)}</legend>
              <label className="inline">
                <input
                  type="checkbox"
                  name={`approved:${star}`}
                  data-field={`stars.${i}.reasons`}
                  defaultChecked
                  data-testid={`approve-${star}`}
                />
                {t('form.starApproved')}
              </label>
              <label>
                {t('form.reasons')}
                <textarea
                  name={`reasons:${star}`}
                  data-field={`stars.${i}.reasons`}
                  rows={2}
                  data-testid={`star-reasons-${star}`}
                />
                <FieldError errors={cmd.errors} name={`stars.${i}.reasons`} />
              </label>
            </fieldset>
          ))}
          <FindingsInput errors={cmd.errors} />
        </>
      ) : (
        <>
          <label>
            {t('form.returnTo')}
            <select name="returnTo" defaultValue={earlier[0]} data-testid="return-to">
              {earlier.map((s) => (
                <option key={s} value={s}>
                  {t(`step.${s}`)}
                </option>
              ))}
            </select>
            <FieldError errors={cmd.errors} name="returnTo" />
          </label>
          <label>
            {t('form.reasons')}
            <textarea name="reasons" rows={3} data-testid="return-reasons" />
            <FieldError errors={cmd.errors} name="reasons" />
          </label>
        </>
      )}
      <FieldError errors={cmd.errors} name="stars" />
      <FieldError errors={cmd.errors} name="form" />
      <CommandStatus cmd={cmd} />
      <SubmitButton pending={cmd.pending} testId="review-submit" />
    </form>
  );
}
