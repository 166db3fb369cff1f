import { STEP_SIGNERS, type HumanStep, type Role, type Scope } from './cycle';
import { scopeCode, within, type Branch } from './directory';

/**
 * Who may do what to a branch: the one source the API's checks, the workflows' Update validators, the
 * console's buttons and the authorisation matrix test all read. A signer is a role held over the branch's
 * code at a level of its path (the branch, its township, its county).
 */
export interface Signer {
  role: Role;
  scope: Scope;
}

/** Every command on a branch's cycle or on one of its rectification items, by its Update name. */
export const BRANCH_COMMANDS = [
  'submitSelfCheck',
  'review',
  'recordObservation',
  'closeObservation',
  'confirmAward',
  'upholdObjection',
  'decideRevocation',
  'submitEvidence',
  'verifyRectification',
  'urge',
  'requestExtension',
  'decideExtension',
] as const;
export type BranchCommand = (typeof BRANCH_COMMANDS)[number];

const COUNTY_TASK_FORCE: Signer = { role: 'coordinator', scope: 'county' };

export const COMMAND_SIGNERS: Record<BranchCommand, readonly Signer[]> = {
  submitSelfCheck: [STEP_SIGNERS.SELF_CHECK],
  review: [STEP_SIGNERS.TOWNSHIP_REVIEW, STEP_SIGNERS.COUNTY_PRE_REVIEW],
  recordObservation: [STEP_SIGNERS.ON_SITE_OBSERVATION],
  closeObservation: [STEP_SIGNERS.ON_SITE_OBSERVATION],
  confirmAward: [STEP_SIGNERS.AWARD],
  // 公示异议 and 摘星 are the county task force's decisions.
  upholdObjection: [COUNTY_TASK_FORCE],
  decideRevocation: [COUNTY_TASK_FORCE],
  submitEvidence: [{ role: 'village_secretary', scope: 'branch' }],
  verifyRectification: [{ role: 'township_reviewer', scope: 'township' }],
  // Which urger may urge which holder is narrowed by `mayUrge`; which approver decides by `EXTENSION_APPROVER`.
  urge: [COUNTY_TASK_FORCE, { role: 'township_reviewer', scope: 'township' }],
  requestExtension: [
    { role: 'village_secretary', scope: 'branch' },
    { role: 'township_reviewer', scope: 'township' },
    { role: 'county_reviewer', scope: 'county' },
    { role: 'observer', scope: 'county' },
  ],
  decideExtension: [{ role: 'township_reviewer', scope: 'township' }, COUNTY_TASK_FORCE],
};

/** The sign-off command of each human step. */
export const STEP_COMMAND: Record<HumanStep, BranchCommand> = {
  SELF_CHECK: 'submitSelfCheck',
  TOWNSHIP_REVIEW: 'review',
  COUNTY_PRE_REVIEW: 'review',
  ON_SITE_OBSERVATION: 'recordObservation',
  AWARD: 'confirmAward',
};

/**
 * Who approves an extension (延期) asked by the holder of `role`: one level up. Coordinators act for
 * the county task force and have nobody above them in the platform.
 */
export const EXTENSION_APPROVER: Record<Role, Signer | null> = {
  village_secretary: { role: 'township_reviewer', scope: 'township' },
  township_reviewer: { role: 'coordinator', scope: 'county' },
  county_reviewer: { role: 'coordinator', scope: 'county' },
  observer: { role: 'coordinator', scope: 'county' },
  coordinator: null,
  admin: null,
};

/** Who may urge (催办) work owed by `role`: the county task force always; a township reviewer its villages. */
export function mayUrge(urger: Role, owedBy: Role): boolean {
  return urger === 'coordinator' || (urger === 'township_reviewer' && owedBy === 'village_secretary');
}

type BranchPathCodes = Pick<Branch, 'code' | 'townshipCode' | 'countyCode'>;
type Holder = { role: Role; jurisdiction: string };

/** True when `signer`'s role is the holder's and the holder's jurisdiction holds the branch at its level. */
export function holds(holder: Holder, branch: BranchPathCodes, signer: Signer): boolean {
  return signer.role === holder.role && within(holder.jurisdiction, scopeCode(branch, signer.scope));
}

/** Whether `holder` may issue `command` on `branch` (the workflow may still refuse it for the step it is in). */
export function mayCommand(holder: Holder, branch: BranchPathCodes, command: BranchCommand): boolean {
  return COMMAND_SIGNERS[command].some((s) => holds(holder, branch, s));
}

/** The roles that may issue `command` anywhere (the OpenAPI `x-roles` of its route). */
export function commandRoles(command: BranchCommand): Role[] {
  return [...new Set(COMMAND_SIGNERS[command].map((s) => s.role))];
}
