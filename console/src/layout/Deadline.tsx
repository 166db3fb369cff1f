import { formatBeijingTime } from '@fivestar/contracts';
import { t } from '../i18n';

/** 暂按工作日计算: a deadline counted Monday–Friday because its year's holidays are not loaded yet. */
export function ProvisionalBadge({ provisional }: { provisional: boolean | undefined }) {
  if (!provisional) return null;
  return (
    <span
      className="tag tag-provisional"
      title={t('deadline.provisionalHint')}
      data-testid="deadline-provisional"
    >
      {t('deadline.provisional')}
    </span>
  );
}

/**
 * A deadline in Beijing time with its 暂按工作日计算 badge when provisional; `null` while the next step's
 * deadline is being planned (期限计算中).
 */
export function Deadline({ at, provisional }: { at: string | null; provisional?: boolean }) {
  if (at === null)
    return (
      <span className="muted" data-testid="deadline-planning">
        {t('deadline.planning')}
      </span>
    );
  return (
    <span className="nowrap">
      {formatBeijingTime(at)}
      <ProvisionalBadge provisional={provisional} />
    </span>
  );
}
