/**
 * A refusal in domain terms, as stores and use cases throw it (identity, the directory import): its kind,
 * its user-facing message (zh-CN) and the input fields at fault. They name no HTTP status: the gateway
 * answers each kind with its own (problemOf in gateway/problem.ts).
 */
export type RefusalKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'locked'
  /** An upload past a parsing limit. */
  | 'too_large'
  /** Too much of the same work under way; `retryAfter` says when to try again. */
  | 'busy';

export interface FieldError {
  field: string;
  message: string;
}

export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly fields?: FieldError[],
    /** Seconds until trying again may succeed (`locked`, `busy`). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const refuse = (kind: Exclude<RefusalKind, 'invalid' | 'locked' | 'busy'>, message: string) =>
  new Refusal(kind, message);

/** Invalid input naming each field at fault; the message lists them all. */
export const invalidFields = (fields: FieldError[]) =>
  new Refusal('invalid', fields.map((e) => `${e.field}: ${e.message}`).join('; '), fields);

/** Invalid input in one field. */
export const invalidField = (field: string, message: string) =>
  new Refusal('invalid', message, [{ field, message }]);
