import { ApplicationFailure } from '@temporalio/workflow';
import { within, type Actor, type Role } from '@fivestar/contracts';
import type { z } from 'zod';

/** Validator failures reach the caller as typed errors the API maps to HTTP statuses. */
export function reject(type: 'WrongStep' | 'Forbidden' | 'Invalid' | 'Conflict', message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** Defence in depth behind the API: the actor must hold `role` over `jurisdiction`. */
export function requireActor(actor: Actor | undefined, role: Role, jurisdiction: string): Actor {
  if (!actor) reject('Forbidden', '缺少操作人');
  if (actor.role !== role) reject('Forbidden', `该操作需要角色 ${role}`);
  if (!within(actor.jurisdiction, jurisdiction)) reject('Forbidden', '不在您的管辖范围内');
  return actor;
}

export function requireValid<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    reject('Invalid', `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return r.data;
}
