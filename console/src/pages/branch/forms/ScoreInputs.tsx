import type { ReactNode } from 'react';
import type { CatalogTask } from '@fivestar/contracts';
import { FieldError } from '../../../forms';
import type { FieldErrors } from '../../../api';
import { t } from '../../../i18n';
import { scoreProblem } from './scores';

const PREFIX = 'score:';

/**
 * One score input per task (name `score:<code>`), its message under it as the API names it: scores.<code>
 * (the input's `data-field`, so the form's onChange clears it). Fixed column widths: every star's table
 * lines up with the others.
 */
export function ScoreInputs({
  tasks,
  errors,
  initial = {},
  underTask,
}: {
  tasks: CatalogTask[];
  errors: FieldErrors;
  initial?: Record<string, number>;
  /** What goes under a task's title (the self-check's evidence for that task). */
  underTask?: (task: CatalogTask) => ReactNode;
}) {
  return (
    <table className="score-table">
      <colgroup>
        <col />
        <col className="score-col" />
      </colgroup>
      <thead>
        <tr>
          <th>{t('form.task')}</th>
          <th>{t('form.score')}</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <tr key={task.code}>
            <td>
              <span className="muted">{task.code}</span> {task.title}
              {underTask?.(task)}
            </td>
            <td>
              <input
                className="score"
                name={`${PREFIX}${task.code}`}
                data-field={`scores.${task.code}`}
                type="number"
                min={0}
                max={task.points}
                defaultValue={initial[task.code]}
                aria-label={task.title}
                data-testid={`score-${task.code}`}
              />{' '}
              <span className="muted">{t('form.points', { points: task.points })}</span>
              <FieldError errors={errors} name={`scores.${task.code}`} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The filled score inputs as numbers (left empty: not sent), and a message for each one refused here:
 * not a whole number, or outside 0 to the task's points (the input's `max`).
 */
export function readScores(form: HTMLFormElement): { scores: Record<string, number>; errors: FieldErrors } {
  const scores: Record<string, number> = {};
  const errors: FieldErrors = {};
  for (const input of form.querySelectorAll<HTMLInputElement>(`input[name^="${PREFIX}"]`)) {
    const code = input.name.slice(PREFIX.length);
    const points = Number(input.max);
    const problem = scoreProblem(input.value, points, input.validity.badInput);
    if (problem) errors[`scores.${code}`] = t(`form.score.${problem}`, { points });
    else if (input.value.trim() !== '') scores[code] = Number(input.value);
  }
  return { scores, errors };
}
