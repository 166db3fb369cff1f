import { scoreProblem } from './scores';

test('a score is a whole number from 0 to the task’s points, or left empty', () => {
  expect(scoreProblem('', 5)).toBeUndefined();
  expect(scoreProblem('0', 5)).toBeUndefined();
  expect(scoreProblem('5', 5)).toBeUndefined();
  expect(scoreProblem('6', 5)).toBe('tooHigh');
  expect(scoreProblem('-1', 5)).toBe('negative');
  expect(scoreProblem('2.5', 5)).toBe('notInteger');
  expect(scoreProblem('abc', 5)).toBe('notNumber');
  // A number input holding text it cannot read reports an empty value and a bad input.
  expect(scoreProblem('', 5, true)).toBe('notNumber');
});
