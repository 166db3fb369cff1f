import type { Movement } from '@fivestar/contracts';

const ARROWS: Record<Movement, string> = { up: '↑', down: '↓', same: '→', new: '新' };

/** ↑ better than before, ↓ worse; nothing without a previous round or period. */
export function MovementArrow({ movement }: { movement: Movement | null }) {
  if (!movement) return <span className="muted">–</span>;
  return (
    <span className={`move move-${movement}`} data-movement={movement}>
      {ARROWS[movement]}
    </span>
  );
}
