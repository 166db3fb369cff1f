import type { HumanStep, Task } from '@fivestar/contracts';
import { label, t } from '../i18n';
import { starName } from '../stars';

/** The village's name on one line (the whole name in its title), its code small beside it. */
export function BranchName({ branchId, branchName }: { branchId: string | null; branchName: string | null }) {
  if (!branchId) return <>—</>;
  const name = branchName ?? branchId;
  return (
    <span className="branch-cell" title={`${name}（${branchId}）`} data-testid="task-branch">
      <span className="ellipsis branch-name">{name}</span>
      {branchName && <small className="muted">{branchId}</small>}
    </span>
  );
}

/**
 * What a piece of work is, from its structured fields (the server's title repeats the village's name,
 * which the 支部 column shows): the step, or the kind with its step, and the star it concerns.
 */
export function workLabel(w: {
  kind: Task['kind'];
  step: HumanStep | null;
  star?: string | null;
  subject?: string | null;
}): string {
  const what =
    w.kind === 'step' && w.step
      ? t(`step.${w.step}`)
      : `${label('taskKind', w.kind)}${w.step ? `（${t(`step.${w.step}`)}）` : ''}`;
  const about = w.subject ? `${what}：${w.subject}` : what;
  return w.star ? `${about} · ${starName(w.star)}` : about;
}
