import type { Branch, BranchState } from '@fivestar/contracts';
import { useUser } from '../../../session';
import { useRoundCatalog } from '../catalog';
import { AwardForm } from './AwardForm';
import { ObservationForm } from './ObservationForm';
import { ReviewForm } from './ReviewForm';
import { SelfCheckForm } from './SelfCheckForm';

export interface StepFormProps {
  base: string;
  roundId: string;
  branch: Branch;
  state: BranchState;
  onDone: () => void;
  /** A file was uploaded: the page's evidence list shows it at once. */
  onUploaded: () => void;
}

/** The sign-off form of the current step, shown to the role that signs it (the server checks again). */
export function StepForm(props: StepFormProps) {
  const user = useUser();
  const catalog = useRoundCatalog(props.roundId, props.branch.type);
  if (!user || !catalog || props.state.withdrawn) return null;
  const { step } = props.state;
  const role = user.role;
  if (step === 'SELF_CHECK' && role === 'village_secretary')
    return <SelfCheckForm {...props} catalog={catalog} />;
  if (
    (step === 'TOWNSHIP_REVIEW' && role === 'township_reviewer') ||
    (step === 'COUNTY_PRE_REVIEW' && role === 'county_reviewer')
  )
    return <ReviewForm {...props} />;
  if (step === 'ON_SITE_OBSERVATION' && role === 'observer')
    return <ObservationForm {...props} catalog={catalog} />;
  if (step === 'AWARD' && role === 'coordinator') return <AwardForm {...props} />;
  return null;
}
