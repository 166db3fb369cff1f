import { useRouteError } from 'react-router';
import { t } from '../i18n';

export function ErrorPage({ notFound = false }: { notFound?: boolean }) {
  const error = useRouteError();
  return (
    <section className="panel" data-testid="error-page">
      <h1>{notFound ? t('app.notFound') : t('app.error')}</h1>
      {!notFound && error instanceof Error && <p className="error">{error.message}</p>}
    </section>
  );
}
