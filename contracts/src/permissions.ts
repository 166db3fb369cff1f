import { roleTitle, SCOPE_CODE_LENGTH, STEP_SIGNERS, type HumanStep, type Role, type Scope } from './cycle';
import { namingScope, type ChainTemplate } from './round';
import { scopeCode, within, type Branch } from './directory';

/**
 * Who may do what to a branch: the one source the API's checks, the workflows' Update validators, the
 * console's buttons and the authorisation matrix test all read. A signer is a role held over the branch's
 * code at one level of its path (the branch, its township, county, city or province): a holder at another
 * level of the same role is not that signer (a city's 专班 does not confirm a county's award).
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
const CITY_TASK_FORCE: Signer = { role: 'coordinator', scope: 'city' };
const PROVINCE_TASK_FORCE: Signer = { role: 'coordinator', scope: 'province' };
/** City observation teams (市级观摩组) observe and score beside the county's. */
const CITY_OBSERVERS: Signer = { role: 'observer', scope: 'city' };

/** A signer as users read it: 县级专班, 乡镇审核人, 市级观摩评分员. */
export const signerTitle = (s: Signer) => roleTitle(s.role, s.scope);

/** Naming (命名) a star level, and deciding objections in its 公示: the county's, the city's or the province's task force. */
const NAMING_TASK_FORCES = [COUNTY_TASK_FORCE, CITY_TASK_FORCE, PROVINCE_TASK_FORCE];

/**
 * Every signer a command may have in some round; a round's chain narrows it per step (`stepSigners`), and
 * the workflow checks that narrower list.
 */
export const COMMAND_SIGNERS: Record<BranchCommand, readonly Signer[]> = {
  submitSelfCheck: [STEP_SIGNERS.SELF_CHECK],
  review: [
    STEP_SIGNERS.TOWNSHIP_REVIEW,
    STEP_SIGNERS.COUNTY_PRE_REVIEW,
    STEP_SIGNERS.CITY_RECHECK,
    STEP_SIGNERS.PROVINCE_SPOT_CHECK,
  ],
  recordObservation: [STEP_SIGNERS.ON_SITE_OBSERVATION, CITY_OBSERVERS],
  closeObservation: [STEP_SIGNERS.ON_SITE_OBSERVATION, CITY_OBSERVERS],
  confirmAward: NAMING_TASK_FORCES,
  upholdObjection: NAMING_TASK_FORCES,
  // 摘星 is the county task force's decision.
  decideRevocation: [COUNTY_TASK_FORCE],
  submitEvidence: [{ role: 'village_secretary', scope: 'branch' }],
  verifyRectification: [{ role: 'township_reviewer', scope: 'township' }],
  // Which urger may urge which holder is narrowed by `mayUrge`; which approver decides by `EXTENSION_APPROVER`.
  // The city's and the province's task forces supervise (督办) the counties' work too.
  urge: [
    COUNTY_TASK_FORCE,
    CITY_TASK_FORCE,
    PROVINCE_TASK_FORCE,
    { role: 'township_reviewer', scope: 'township' },
  ],
  requestExtension: [
    { role: 'village_secretary', scope: 'branch' },
    { role: 'township_reviewer', scope: 'township' },
    { role: 'county_reviewer', scope: 'county' },
    { role: 'observer', scope: 'county' },
    CITY_OBSERVERS,
  ],
  decideExtension: [{ role: 'township_reviewer', scope: 'township' }, COUNTY_TASK_FORCE],
};

/** The sign-off command of each human step. */
export const STEP_COMMAND: Record<HumanStep, BranchCommand> = {
  SELF_CHECK: 'submitSelfCheck',
  TOWNSHIP_REVIEW: 'review',
  COUNTY_PRE_REVIEW: 'review',
  ON_SITE_OBSERVATION: 'recordObservation',
  CITY_RECHECK: 'review',
  PROVINCE_SPOT_CHECK: 'review',
  AWARD: 'confirmAward',
};

/**
 * Who signs `step` of a branch in a round of `chain` (each one of `COMMAND_SIGNERS` of the step's command):
 * the chain's observation teams; at AWARD (and in its 公示) the task force naming `level` stars.
 */
export function stepSigners(step: HumanStep, chain: ChainTemplate, level: number): Signer[] {
  if (step === 'ON_SITE_OBSERVATION') return chain.observers.map((scope) => ({ role: 'observer', scope }));
  if (step === 'AWARD') return [{ role: 'coordinator', scope: namingScope(chain, level) }];
  return [STEP_SIGNERS[step]];
}

/**
 * Who approves an extension (延期) asked by the holder of `role` over a branch: the county task force for
 * the county's own work (a city observer observes in a county's round, under its calendar); a township
 * reviewer for its villages. Coordinators steer the round and have nobody above them in it.
 */
export const EXTENSION_APPROVER: Record<Role, Signer | null> = {
  village_secretary: { role: 'township_reviewer', scope: 'township' },
  township_reviewer: COUNTY_TASK_FORCE,
  county_reviewer: COUNTY_TASK_FORCE,
  city_reviewer: CITY_TASK_FORCE,
  province_reviewer: PROVINCE_TASK_FORCE,
  observer: COUNTY_TASK_FORCE,
  coordinator: null,
  admin: null,
  leader: null,
};

/** Who may urge (催办) work owed by `role`: a task force always; a township reviewer its villages. */
export function mayUrge(urger: Role, owedBy: Role): boolean {
  return urger === 'coordinator' || (urger === 'township_reviewer' && owedBy === 'village_secretary');
}

type BranchPathCodes = Pick<Branch, 'code' | 'townshipCode' | 'countyCode'>;
type Holder = { role: Role; jurisdiction: string };

/** True when the holder has `signer`'s role at `signer`'s level, over the branch's code of that level. */
export function holds(holder: Holder, branch: BranchPathCodes, signer: Signer): boolean {
  return (
    signer.role === holder.role &&
    holder.jurisdiction.length === SCOPE_CODE_LENGTH[signer.scope] &&
    within(holder.jurisdiction, scopeCode(branch, signer.scope))
  );
}

/** Whether `holder` may issue `command` on `branch` (the workflow may still refuse it for the step it is in). */
export function mayCommand(holder: Holder, branch: BranchPathCodes, command: BranchCommand): boolean {
  return COMMAND_SIGNERS[command].some((s) => holds(holder, branch, s));
}

/** The roles that may issue `command` anywhere (the OpenAPI `x-roles` of its route). */
export function commandRoles(command: BranchCommand): Role[] {
  return [...new Set(COMMAND_SIGNERS[command].map((s) => s.role))];
}
