import { CloseObservation, RecordObservation, type Catalog } from '@fivestar/contracts';
import { CommandStatus, FieldError, SubmitButton, useCommand } from '../../../forms';
import { t } from '../../../i18n';
import { useUser } from '../../../session';
import { claimedStars } from '../model';
import { readScores, ScoreInputs } from './ScoreInputs';
import { FindingsInput, readFindings } from './FindingsInput';
import type { StepFormProps } from './props';

/**
 * 现场观摩: this observer's score sheet, and closing once the quorum is in. Like the self-check, the form
 * starts empty and shows only the user's own last submission: an observer scores independently, so the
 * branch's self-check scores are neither prefilled nor shown (the hint says so).
 */
export function ObservationForm({ base, state, catalog, onDone }: StepFormProps & { catalog: Catalog }) {
  const user = useUser();
  const mine = state.observation.sheets.find((s) => s.observer.userId === user?.userId);
  const record = useCommand(RecordObservation, (body, command) =>
    command(`${base}/observation`, body).then(onDone),
  );
  const close = useCommand(CloseObservation, (body, command) =>
    command(`${base}/observation/close`, body).then(onDone),
  );
  return (
    <section className="panel" data-testid="observation">
      <form
        noValidate
        data-testid="observation-form"
        onChange={record.changed}
        onSubmit={(e) => {
          e.preventDefault();
          const { scores, errors } = readScores(e.currentTarget);
          void record.submit({ scores, findings: readFindings(new FormData(e.currentTarget)) }, errors);
        }}
      >
        <h2>{t('form.observation')}</h2>
        <p className="hint" data-testid="observation-hint">
          {t('form.observationHint')}
        </p>
        {claimedStars(catalog, state.targetStars).map((star) => (
          <fieldset key={star.code}>
            <legend>{star.name}</legend>
            <ScoreInputs tasks={star.tasks} errors={record.errors} initial={mine?.scores} />
          </fieldset>
        ))}
        <FindingsInput errors={record.errors} />
        <FieldError errors={record.errors} name="form" />
        <CommandStatus cmd={record} />
        {mine && <p className="ok">{t('form.saved')}</p>}
        <SubmitButton pending={record.pending} testId="observation-submit" />
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void close.submit({});
        }}
      >
        <p className="muted">{t('form.sheets', { count: state.observation.sheets.length })}</p>
        <FieldError errors={close.errors} name="form" />
        <CommandStatus cmd={close} />
        <SubmitButton pending={close.pending} testId="observation-close">
          {t('form.closeObservation')}
        </SubmitButton>
      </form>
    </section>
  );
}
