import { formatBeijingTime, HUMAN_STEPS, type BranchState } from '@fivestar/contracts';
import { useParams } from 'react-router';
import { t } from '../../i18n';
import { ProvisionalBadge } from '../../layout/Deadline';
import { FaultBanner } from '../../layout/Faults';
import { Status } from '../../layout/Status';
import { useApi } from '../../use-api';
import { EvidenceList } from './EvidenceList';
import { Findings } from './Findings';
import { StepForm } from './forms/StepForm';
import type { BranchView, EvidenceItem, Provisional } from './model';
import { Stars } from './Stars';
import { Timeline } from './Timeline';

/** One branch in one round: the current step's form for whoever signs it, then stars, timeline, evidence, findings. */
export function BranchPage() {
  const { roundId = '', code = '' } = useParams();
  const base = `/rounds/${roundId}/branches/${code}`;
  const view = useApi<BranchView>(base);
  const evidence = useApi<{ items: EvidenceItem[] }>(`${base}/evidence`);
  // The workflow moves on just after its Update answers: look again shortly, as the read may lag a moment.
  const reload = () => {
    for (const ms of [0, 600, 1500, 3000]) {
      setTimeout(() => {
        view.reload();
        evidence.reload();
      }, ms);
    }
  };
  return (
    <Status loaded={view}>
      {({ branch, state, fault }) => (
        <article data-testid="branch-page">
          <header className="panel">
            <h1 className="ellipsis" title={branch.name} data-testid="branch-name">
              {branch.name}
            </h1>
            <p data-testid="branch-step" data-step={state.step}>
              {t('branch.currentStep', { step: t(`step.${state.step}`), attempt: state.attempt })}
              <StepDeadline state={state} />
              {state.level !== null && ` · ${t('branch.level', { level: state.level })}`}
            </p>
          </header>
          <FaultBanner fault={fault} />
          <StepForm
            base={base}
            roundId={roundId}
            branch={branch}
            state={state}
            onDone={reload}
            onUploaded={evidence.reload}
          />
          <Stars state={state} />
          <div className="grid-2">
            <Timeline entries={state.timeline} observation={state.observation} />
            <div>
              <EvidenceList items={evidence.data?.items ?? []} />
              <Findings
                base={base}
                branch={branch}
                findings={state.findings}
                uploads={evidence.data?.items ?? []}
                onChanged={reload}
              />
            </div>
          </div>
        </article>
      )}
    </Status>
  );
}

/**
 * The open step's deadline (暂按工作日计算 when counted provisionally); 期限计算中 while a human step's
 * deadline is being planned; nothing for steps without one.
 */
function StepDeadline({ state }: { state: BranchState & Provisional }) {
  if (state.deadline)
    return (
      <>
        {` · ${t('branch.deadline', { deadline: formatBeijingTime(state.deadline) })}`}
        <ProvisionalBadge provisional={state.provisional} />
      </>
    );
  const planned = (HUMAN_STEPS as readonly string[]).includes(state.step) && !state.withdrawn;
  return planned ? (
    <span className="muted" data-testid="deadline-planning">
      {` · ${t('deadline.planning')}`}
    </span>
  ) : null;
}
