/**
 * A refusal in domain terms, as stores and use cases throw it (identity, the directory import): its kind,
 * its user-facing message (zh-CN) and the input fields at fault. They name no HTTP status: the gateway
 * answers each kind with its own (problemOf in gateway/problem.ts).
 */
export type RefusalKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'locked';

export interface FieldError {
  field: string;
  message: string;
}

export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly fields?: FieldError[],
    /** Seconds until trying again may succeed (`locked`). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const refuse = (kind: Exclude<RefusalKind, 'invalid' | 'locked'>, message: string) =>
  new Refusal(kind, message);

/** Invalid input naming each field at fault; the message lists them all. */
export const invalidFields = (fields: FieldError[]) =>
  new Refusal('invalid', fields.map((e) => `${e.field}: ${e.message}`).join('; '), fields);

/** Invalid input in one field. */
export const invalidField = (field: string, message: string) =>
  new Refusal('invalid', message, [{ field, message }]);
