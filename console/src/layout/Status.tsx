import type { ReactNode } from 'react';
import type { Loaded } from '../use-api';
import { t } from '../i18n';

/** Loading and error states of a page's data, the same everywhere. */
export function Status<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.error)
    return (
      <p className="error" role="alert" data-testid="load-error">
        {loaded.error.message}
      </p>
    );
  if (loaded.data === undefined) return <p className="muted">{t('app.loading')}</p>;
  return <>{children(loaded.data)}</>;
}
