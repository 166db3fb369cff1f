import type { CatalogTask } from '@fivestar/contracts';
import { FieldError } from '../../../forms';
import type { FieldErrors } from '../../../api';
import { t } from '../../../i18n';

const PREFIX = 'score:';

/** One score input per task (name `score:<code>`), its message under it as the API names it: scores.<code>. */
export function ScoreInputs({
  tasks,
  errors,
  initial = {},
}: {
  tasks: CatalogTask[];
  errors: FieldErrors;
  initial?: Record<string, number>;
}) {
  return (
    <table>
      <tbody>
        {tasks.map((task) => (
          <tr key={task.code}>
            <td>
              {task.code} {task.title}
            </td>
            <td>
              <input
                className="score"
                name={`${PREFIX}${task.code}`}
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

/** The filled score inputs as numbers (left empty: not sent; not a number: NaN, which the schema refuses). */
export function readScores(form: FormData): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const [name, value] of form.entries())
    if (name.startsWith(PREFIX) && value !== '') scores[name.slice(PREFIX.length)] = Number(value);
  return scores;
}
