import { formatBeijingTime, type BranchState, type TimelineEntry } from '@fivestar/contracts';
import { label, t, tOr } from '../../i18n';

/** A step returned to, an escalation level, a decision, or the workflow's own words. */
const detailText = (d: string) => tOr(`step.${d}`, tOr(`level.${d}`, label('detail', d)));

/**
 * Every step's events, oldest first: who signed or returned, when, with the decision and reasons; and
 * who has handed in an observation score sheet (the timeline records only the observation's close).
 */
export function Timeline({
  entries,
  observation,
}: {
  entries: TimelineEntry[];
  observation: BranchState['observation'];
}) {
  return (
    <section className="panel" data-testid="timeline">
      <h2>{t('branch.timeline')}</h2>
      {observation.sheets.length > 0 && (
        <p className="muted" data-testid="observation-sheets">
          {t('branch.sheets', {
            count: observation.sheets.length,
            observers: observation.sheets.map((s) => s.observer.name).join('、'),
          })}
        </p>
      )}
      <ol className="timeline">
        {entries.map((e, i) => (
          <li key={i} className={e.action} data-testid="timeline-entry" data-action={e.action}>
            <strong>{t(`step.${e.step}`)}</strong> · {t(`branch.action.${e.action}`)}
            {e.actor && ` · ${e.actor.name}`}
            <div className="muted">{formatBeijingTime(e.at)}</div>
            {e.detail && <div>{detailText(e.detail)}</div>}
            {e.reasons && (
              <ul data-testid="timeline-reasons">
                {e.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
