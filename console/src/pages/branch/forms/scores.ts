/** Why a typed score is refused before it is sent (dictionary keys `form.score.<problem>`). */
export type ScoreProblem = 'notNumber' | 'notInteger' | 'negative' | 'tooHigh';

/**
 * One score input's value against its task's points: empty is fine (not sent); `badInput` is the
 * browser's word that the text typed is no number (a number input then reports an empty value).
 */
export function scoreProblem(value: string, points: number, badInput = false): ScoreProblem | undefined {
  if (badInput) return 'notNumber';
  if (value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) return 'notNumber';
  if (!Number.isInteger(n)) return 'notInteger';
  if (n < 0) return 'negative';
  if (n > points) return 'tooHigh';
  return undefined;
}
