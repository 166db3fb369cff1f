import type { EscalationLevel } from '@fivestar/contracts';
import { t } from '../i18n';

/** An escalation level (督办) as a coloured tag with its name; nothing without one. */
export function LevelBadge({ level }: { level: EscalationLevel | null | undefined }) {
  if (!level) return null;
  return (
    <span className={`level level-${level}`} data-testid="level-badge" data-level={level}>
      {t(`level.${level}`)}
    </span>
  );
}
