import type { FieldErrors } from '../../../api';
import { FieldError, lines } from '../../../forms';
import { t } from '../../../i18n';

/** 整改事项 raised with a sign-off, one a line: each becomes a rectification with a deadline after the award. */
export function FindingsInput({ errors }: { errors: FieldErrors }) {
  return (
    <label>
      {t('form.findings')}
      <textarea name="findings" rows={2} data-testid="findings-input" />
      <FieldError errors={errors} name="findings" />
    </label>
  );
}

export const readFindings = (form: FormData) => lines(form.get('findings'))?.map((title) => ({ title }));
