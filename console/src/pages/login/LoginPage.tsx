import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { LoginRequest } from '@fivestar/contracts';
import { ApiError, login } from '../../api';
import { setLang, t, useLang } from '../../i18n';
import { useUser } from '../../session';
import { fieldErrors } from '../../forms';

export function LoginPage() {
  const user = useUser();
  const lang = useLang();
  const location = useLocation();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  if (user) return <Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = LoginRequest.safeParse({ username: form.get('username'), password: form.get('password') });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setPending(true);
    try {
      await login(parsed.data.username, parsed.data.password);
    } catch (err) {
      setErrors({
        form:
          err instanceof ApiError && err.status === 401 ? t('login.failed') : String((err as Error).message),
      });
    } finally {
      setPending(false);
    }
  }

  return (
    <main className="login">
      <form className="panel" onSubmit={(e) => void submit(e)} data-testid="login-form" noValidate>
        <h1>{t('app.title')}</h1>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" data-testid="login-username" />
          {errors.username && <span className="field-error">{errors.username}</span>}
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            data-testid="login-password"
          />
          {errors.password && <span className="field-error">{errors.password}</span>}
        </label>
        {errors.form && (
          <p className="error" role="alert" data-testid="login-error">
            {errors.form}
          </p>
        )}
        <button type="submit" disabled={pending} data-testid="login-submit">
          {t('login.submit')}
        </button>
        <button type="button" className="link" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('nav.lang')}
        </button>
      </form>
    </main>
  );
}
