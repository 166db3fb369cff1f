/**
 * Why a workflow refused a command, as its Update validators raise it (an `ApplicationFailure` whose type
 * is one of these and whose first detail is a `RejectionDetail`). The API maps the type to an HTTP status
 * and the detail's field to the problem's field; it never reads the message text.
 */
export const REJECTION_TYPES = ['WrongStep', 'Forbidden', 'Invalid', 'Conflict'] as const;
export type RejectionType = (typeof REJECTION_TYPES)[number];

export interface RejectionDetail {
  /** Path of the offending input field in the command's body (e.g. `items.0.score`), for `Invalid`. */
  field?: string;
  /** User-facing text (zh-CN). */
  message: string;
}

export function isRejectionType(type: string | undefined | null): type is RejectionType {
  return (REJECTION_TYPES as readonly string[]).includes(type ?? '');
}
