import { useState } from 'react';
import { OnboardAreaRequest, type AreaOnboarded } from '@fivestar/contracts';
import { api, type FieldErrors } from '../../api';
import { FieldError, SubmitButton, TextField, useCommand } from '../../forms';
import { t } from '../../i18n';
import { useUser } from '../../session';

const EMPTY = { code: '', name: '', username: '', adminName: '', password: '' };
type Values = typeof EMPTY;

/**
 * What the form refuses before sending: a city's or county's code that is not below the administrator's
 * own area (a code of neither shape has the contract's message).
 */
function notBelow(code: string, within: string): FieldErrors {
  return /^(\d{4}|\d{6})$/.test(code) && (!code.startsWith(within) || code.length <= within.length)
    ? { code: t('areas.notBelow') }
    : {};
}

/**
 * 开通: the province's administrator onboards a city or county, a city's a county of the city, each with
 * its first administrator, who then imports the rest of its directory.
 */
export function AreasPanel() {
  const within = useUser()?.jurisdiction ?? '';
  const [values, setValues] = useState(EMPTY);
  const [done, setDone] = useState<AreaOnboarded | null>(null);
  const { errors, pending, submit, clear } = useCommand(OnboardAreaRequest, async (body) => {
    setDone(await api<AreaOnboarded>('/admin/areas', { json: body }));
    setValues(EMPTY);
  });
  // The request's nested admin fields answer to `admin.username`…; the form's inputs are flat.
  const field = (key: keyof Values, name: string, type?: 'password') => (
    <TextField
      label={t(`areas.${key}`)}
      name={name}
      type={type}
      autoComplete={type && 'new-password'}
      value={values[key]}
      onChange={(value) => {
        clear(name);
        setDone(null);
        setValues({ ...values, [key]: value });
      }}
      errors={errors}
      testId={`area-${key}`}
    />
  );
  return (
    <section data-testid="admin-areas">
      <p className="muted">{t(within.length === 2 ? 'areas.help.province' : 'areas.help.city')}</p>
      <form
        className="panel form-row"
        data-testid="area-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const body = {
            code: values.code.trim(),
            name: values.name,
            admin: { username: values.username.trim(), name: values.adminName, password: values.password },
          };
          void submit(body, notBelow(body.code, within));
        }}
      >
        {field('code', 'code')}
        {field('name', 'name')}
        {field('username', 'admin.username')}
        {field('adminName', 'admin.name')}
        {field('password', 'admin.password', 'password')}
        <SubmitButton pending={pending} testId="area-submit">
          {t('areas.submit')}
        </SubmitButton>
        <FieldError errors={errors} name="form" />
      </form>
      {done && (
        <p className="ok" role="status" data-testid="area-done">
          {t(done.created ? 'areas.created' : 'areas.existing', {
            level: t(`import.level.${done.level}`),
            name: done.name,
            code: done.code,
            adminName: done.admin.name,
            username: done.admin.username,
          })}
        </p>
      )}
    </section>
  );
}
