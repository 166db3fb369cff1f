import { ApplicationFailure } from '@temporalio/workflow';
import {
  Actor,
  COMMAND_SIGNERS,
  ROLE_LABELS,
  SCOPE_CODE_LENGTH,
  STEP_LABELS,
  groupFor,
  holds,
  signerTitle,
  within,
  type Branch,
  type BranchCommand,
  type CandidateGroup,
  type HumanStep,
  type Role,
  type Signer,
} from '@fivestar/contracts';
import type { RejectionDetail, RejectionType } from '@fivestar/contracts/workflow';
import type { z } from 'zod';
import type { Refusal } from '../rules/commands';

/**
 * Validator failures reach the caller as typed errors (contracts/src/workflow/rejections.ts): the API maps
 * the type to an HTTP status and the detail's `field` (a path in the command) to the problem's field.
 */
export function reject(type: RejectionType, message: string, field?: string): never {
  const detail: RejectionDetail = field === undefined ? { message } : { field, message };
  throw ApplicationFailure.create({ type, message, details: [detail], nonRetryable: true });
}

/** Raises what a pure rule (workflows/src/rules/commands.ts) refused, if anything. */
export function refuse(refusal: Refusal | null): void {
  if (refusal) reject(refusal.type, refusal.message, refusal.field);
}

/**
 * The actor as the API sends it. An Update sent around the API may carry anything: a malformed actor
 * (an empty jurisdiction lies "within" every code) is nobody.
 */
export function knownActor(actor: unknown): Actor {
  const r = Actor.safeParse(actor);
  if (!r.success) reject('Forbidden', '缺少操作人或操作人无效');
  return r.data;
}

/** Defence in depth behind the API: the actor must hold `role` over `jurisdiction`. */
export function requireActor(actor: unknown, role: Role, jurisdiction: string): Actor {
  const a = knownActor(actor);
  if (a.role !== role) reject('Forbidden', `该操作需由${ROLE_LABELS[role]}办理`);
  if (!within(a.jurisdiction, jurisdiction)) reject('Forbidden', '不在您的管辖范围内');
  return a;
}

type BranchPath = Pick<Branch, 'code' | 'townshipCode' | 'countyCode'>;

/** The actor must hold `signer`'s role at the signer's level, over the branch's code of that level. */
export function requireHolder(actor: unknown, branch: BranchPath, signer: Signer): Actor {
  const a = knownActor(actor);
  // A holder at another level (a county's 专班 where the province names) is told whose the act is.
  if (a.role !== signer.role || a.jurisdiction.length !== SCOPE_CODE_LENGTH[signer.scope]) {
    reject('Forbidden', `该操作需由${signerTitle(signer)}办理`);
  }
  if (!holds(a, branch, signer)) reject('Forbidden', '不在您的管辖范围内');
  return a;
}

/**
 * The actor must be a signer of `command` on the branch (contracts/src/permissions.ts, the API's own
 * source); at a human step, one of `at`, that step's signers in the round's chain (`stepSigners`: a
 * township review is not the county's, a 5-star award the province's where it names five stars).
 */
export function requireSigner(
  actor: unknown,
  branch: BranchPath,
  command: BranchCommand,
  at?: readonly Signer[],
): Actor {
  const signers = COMMAND_SIGNERS[command].filter(
    (s) => !at || at.some((t) => t.role === s.role && t.scope === s.scope),
  );
  const a = knownActor(actor);
  const held = signers.find((s) => holds(a, branch, s));
  return requireHolder(a, branch, held ?? signers.find((s) => s.role === a.role) ?? signers[0]!);
}

/** The group owing `command` on the branch: its first signer there (the one, for all but review). */
export function signerGroup(branch: BranchPath, command: BranchCommand): CandidateGroup {
  const [signer] = COMMAND_SIGNERS[command];
  return groupFor(branch, signer!.role, signer!.scope);
}

/**
 * Separation of duties: nobody acts at two levels of the same branch, whatever role they hold now (an
 * administrator may have re-scoped them since). `actedAt` is the level the user already acted at.
 */
export function requireOneLevel(actedAt: HumanStep | undefined, step: HumanStep): void {
  if (actedAt !== undefined && actedAt !== step) {
    reject(
      'Forbidden',
      `职责分离：同一人不能签署同一支部的两个层级（您已办理${STEP_LABELS[actedAt]}，不能再办理${STEP_LABELS[step]}）`,
    );
  }
}

export function requireValid<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    reject('Invalid', first?.message ?? '输入无效', first?.path.join('.') || undefined);
  }
  return r.data;
}
