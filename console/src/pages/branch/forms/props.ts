import type { Branch, BranchState } from '@fivestar/contracts';

/** What the branch page gives the current step's form (StepForm picks the form; each form reads these). */
export interface StepFormProps {
  base: string;
  roundId: string;
  branch: Branch;
  state: BranchState;
  onDone: () => void;
  /** A file was uploaded: the page's evidence list shows it at once. */
  onUploaded: () => void;
}
