import type { Movement } from '@fivestar/contracts';
import { t } from '../../i18n';

const ARROWS: Record<Exclude<Movement, 'new'>, string> = { up: '↑', down: '↓', same: '→' };

/** ↑ better than before, ↓ worse; nothing without a previous round or period. */
export function MovementArrow({ movement }: { movement: Movement | null }) {
  if (!movement) return <span className="muted">–</span>;
  return (
    <span className={`move move-${movement}`} data-movement={movement}>
      {movement === 'new' ? t('rank.new') : ARROWS[movement]}
    </span>
  );
}
