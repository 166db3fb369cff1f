import type { ComponentType } from 'react';
import { HumanStep, holds, STEP_SIGNERS, type Catalog } from '@fivestar/contracts';
import { useUser } from '../../../session';
import { useRoundCatalog } from '../catalog';
import { AwardForm } from './AwardForm';
import { ObservationForm } from './ObservationForm';
import type { StepFormProps } from './props';
import { ReviewForm } from './ReviewForm';
import { SelfCheckForm } from './SelfCheckForm';

/** The sign-off form of each human step. */
const FORMS: Record<HumanStep, ComponentType<StepFormProps & { catalog: Catalog }>> = {
  SELF_CHECK: SelfCheckForm,
  TOWNSHIP_REVIEW: ReviewForm,
  COUNTY_PRE_REVIEW: ReviewForm,
  ON_SITE_OBSERVATION: ObservationForm,
  CITY_RECHECK: ReviewForm,
  PROVINCE_SPOT_CHECK: ReviewForm,
  AWARD: AwardForm,
};

/**
 * The current step's sign-off form, for its signer only: the step's role over this branch, as the workflow
 * checks it (a county reviewer may send `review`, but only at 县级预审; the award's signer follows the
 * round's chain, which the state names).
 */
export function StepForm(props: StepFormProps) {
  const user = useUser();
  const catalog = useRoundCatalog(props.roundId, props.branch.type);
  const step = HumanStep.safeParse(props.state.step);
  if (!user || !catalog || props.state.withdrawn || !step.success) return null;
  const signers = props.state.signers ?? [STEP_SIGNERS[step.data]];
  if (!signers.some((s) => holds(user, props.branch, s))) return null;
  const Form = FORMS[step.data];
  return <Form {...props} catalog={catalog} />;
}
