import { ConfirmAward } from '@fivestar/contracts';
import { CommandStatus, FieldError, SubmitButton, useCommand } from '../../../forms';
import { t } from '../../../i18n';
import type { StepFormProps } from './props';

/** 授星: the coordinator confirms; the workflow computes the award record shown below. */
export function AwardForm({ base, onDone }: StepFormProps) {
  const cmd = useCommand(ConfirmAward, (body, command) => command(`${base}/award`, body).then(onDone));
  return (
    <form
      className="panel"
      data-testid="award-form"
      onChange={cmd.changed}
      onSubmit={(e) => {
        e.preventDefault();
        void cmd.submit({ notes: String(new FormData(e.currentTarget).get('notes') ?? '') || undefined });
      }}
    >
      <h2>{t('form.award')}</h2>
      <label>
        {t('form.notes')}
        <textarea name="notes" rows={2} data-testid="award-notes" />
        <FieldError errors={cmd.errors} name="notes" />
      </label>
      <FieldError errors={cmd.errors} name="form" />
      <CommandStatus cmd={cmd} />
      <SubmitButton pending={cmd.pending} testId="award-submit">
        {t('form.award')}
      </SubmitButton>
    </form>
  );
}
