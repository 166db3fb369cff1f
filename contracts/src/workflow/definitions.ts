/**
 * Names shared by the workflows and their callers (the API, tests): Updates, queries, ids, inputs.
 * Importable from both the workflow sandbox and Node.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CloseObservation,
  DecideRevocation,
  UpholdObjection,
  DecideExtension,
  RequestExtension,
  Urge,
  Branch,
  BranchState,
  Catalog,
  ChainTemplate,
  ConfirmAward,
  RecordObservation,
  RectificationState,
  Review,
  RoundProgress,
  RoundSchedule,
  Signed,
  SubmitRectificationEvidence,
  SubmitSelfCheck,
  VerifyRectification,
} from '../index';

export const TASK_QUEUE_DEFAULT = 'fivestar-cycle';

export function roundWorkflowId(roundId: string): string {
  return `round/${roundId}`;
}
export function branchWorkflowId(roundId: string, branchCode: string): string {
  return `round/${roundId}/branch/${branchCode}`;
}
export function rectificationWorkflowId(roundId: string, branchCode: string, findingId: string): string {
  return `round/${roundId}/branch/${branchCode}/finding/${findingId}`;
}

export interface BranchAssessmentInput {
  roundId: string;
  branch: Branch;
  catalog: Catalog;
  schedule: RoundSchedule;
  /** The round's chain above the county; absent (every branch before templates existed): `DEFAULT_CHAIN`. */
  chain?: ChainTemplate;
}

export interface RectificationInput {
  roundId: string;
  branch: Branch;
  findingId: string;
  title: string;
  /** The star the finding concerns, when the reviewer named one (a revocation would take it). */
  star?: string | null;
  /** False for a weak branch's 整顿: failing it blocks the award rather than costing a star. */
  revocable?: boolean;
  schedule: RoundSchedule;
}

export interface AssessmentRoundInput {
  roundId: string;
  countyCode: string;
  year: number;
  title: string;
  schedule: RoundSchedule;
  catalogs: Catalog[];
  pageSize: number;
  /** Launcher pages per run before continuing as new (keeps every history small). */
  pagesPerRun: number;
  /** The chain its branches run (passed to each); absent: `DEFAULT_CHAIN`. */
  chain?: ChainTemplate;
  /** Only these townships' branches are launched; absent (every round before it existed): the whole county. */
  townshipCodes?: string[];
  /** The province's campaign the round runs under (announced in round.started). */
  campaignId?: string;
  /** Carried across continue-as-new. */
  progress?: RoundProgress;
}

export type { RoundProgress };

/** What a sign-off Update answers: where the branch stands after it. */
export interface StepResult {
  step: BranchState['step'];
  attempt: number;
  /** Observation sheets in so far (recordObservation only). */
  sheets?: number;
}

export const submitSelfCheckUpdate = defineUpdate<StepResult, [Signed<SubmitSelfCheck>]>('submitSelfCheck');
export const reviewUpdate = defineUpdate<StepResult, [Signed<Review>]>('review');
export const recordObservationUpdate = defineUpdate<StepResult, [Signed<RecordObservation>]>(
  'recordObservation',
);
export const closeObservationUpdate = defineUpdate<StepResult, [Signed<CloseObservation>]>(
  'closeObservation',
);
export const confirmAwardUpdate = defineUpdate<BranchState, [Signed<ConfirmAward>]>('confirmAward');
export const branchStateQuery = defineQuery<BranchState>('state');

export const submitEvidenceUpdate = defineUpdate<RectificationState, [Signed<SubmitRectificationEvidence>]>(
  'submitEvidence',
);
export const verifyRectificationUpdate = defineUpdate<RectificationState, [Signed<VerifyRectification>]>(
  'verifyRectification',
);
export const rectificationStateQuery = defineQuery<RectificationState>('rectificationState');

export const closeRoundUpdate = defineUpdate<RoundProgress, [{ actor: Signed<object>['actor'] }]>(
  'closeRound',
);
export const roundProgressQuery = defineQuery<RoundProgress>('progress');

/** Where a piece of supervised work stands: its deadline, the last urge, a pending extension. */
export interface WorkStatus {
  deadline: string;
  lastUrgedAt: string | null;
  extensionRequestedUntil: string | null;
  /** The deadline or its supervision counted provisionally (暂按工作日计算); absent: not. */
  provisional?: boolean;
}

/** Registered by both `branchAssessment` (the open step) and `rectification` (the item). */
export const urgeUpdate = defineUpdate<WorkStatus, [Signed<Urge>]>('urge');
export const requestExtensionUpdate = defineUpdate<WorkStatus, [Signed<RequestExtension>]>(
  'requestExtension',
);
export const decideExtensionUpdate = defineUpdate<WorkStatus, [Signed<DecideExtension>]>('decideExtension');

export const upholdObjectionUpdate = defineUpdate<StepResult, [Signed<UpholdObjection>]>('upholdObjection');
export const decideRevocationUpdate = defineUpdate<
  BranchState,
  [Signed<DecideRevocation> & { findingId: string }]
>('decideRevocation');
/** From a rectification to its branch: the last rung passed unfixed; propose 摘星 to the coordinator. */
export const revocationProposedSignal =
  defineSignal<[{ findingId: string; star: string | null; title: string }]>('revocationProposed');

/**
 * A working-day calendar year was loaded (`revision` of calendar `calendarId`): work whose plan counted
 * that year provisionally plans again with a calendar at least that new (docs/calendar.md).
 */
export const calendarChangedSignal =
  defineSignal<[{ calendarId: string; year: number; revision: number }]>('calendarChanged');

export interface CalendarReplanInput {
  calendarId: string;
  year: number;
  revision: number;
}
/** The job that tells every workflow with a plan provisional in a loaded year; one per load (revision). */
export function calendarReplanWorkflowId(input: CalendarReplanInput): string {
  return `calendar/${input.calendarId}/${input.year}/revision/${input.revision}`;
}
/** The value a workflow keeps in FivestarProvisionalYears for a year it counted provisionally. */
export const provisionalYearValue = (calendarId: string, year: number) => `${calendarId}:${year}`;
