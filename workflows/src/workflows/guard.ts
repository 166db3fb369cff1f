import { ApplicationFailure } from '@temporalio/workflow';
import { Actor, STEP_LABELS, within, type HumanStep, type Role } from '@fivestar/contracts';
import type { RejectionDetail, RejectionType } from '@fivestar/contracts/workflow';
import type { z } from 'zod';

/**
 * Validator failures reach the caller as typed errors (contracts/src/workflow/rejections.ts): the API maps
 * the type to an HTTP status and the detail's `field` (a path in the command) to the problem's field.
 */
export function reject(type: RejectionType, message: string, field?: string): never {
  const detail: RejectionDetail = field === undefined ? { message } : { field, message };
  throw ApplicationFailure.create({ type, message, details: [detail], nonRetryable: true });
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
  if (a.role !== role) reject('Forbidden', `该操作需要角色 ${role}`);
  if (!within(a.jurisdiction, jurisdiction)) reject('Forbidden', '不在您的管辖范围内');
  return a;
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
