import type { CalendarFileResult, CalendarYearLoaded } from '@fivestar/contracts';
import type { FieldErrors } from '../../api';
import { t } from '../../i18n';

/** Where a day was read: a sheet row or an .ics line, or its place in the JSON. */
const placeOf = (row: number, column: string) => (row ? t('calendar.row', { row }) : column);

/**
 * The dates read from the file, each with where it came from and what the server said of it (a 400 names
 * `body.workdays.1`: the second make-up workday sent, this table's row for it).
 */
export function DaysTable({ read, errors }: { read: CalendarFileResult; errors: FieldErrors }) {
  const rows = (['holidays', 'workdays'] as const).flatMap((list) =>
    read[list].map((day, i) => ({ day, problem: errors[`${list}.${i}`] })),
  );
  rows.sort((a, b) => a.day.date.localeCompare(b.day.date));
  return (
    <details open={rows.some((r) => r.problem)} data-testid="calendar-days">
      <summary>
        {t('calendar.data')}：{t('calendar.holidays')} {t('calendar.days', { n: read.holidays.length })}，
        {t('calendar.workdays')} {t('calendar.days', { n: read.workdays.length })}
      </summary>
      <table className="compact">
        <thead>
          <tr>
            <th>{t('calendar.date')}</th>
            <th>{t('calendar.kind')}</th>
            <th>{t('calendar.from')}</th>
            <th>{t('calendar.problem')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ day, problem }) => (
            <tr key={`${day.kind}-${day.date}`} data-testid="calendar-day" data-date={day.date}>
              <td className="nowrap">{day.date}</td>
              <td>{t(`calendar.kind.${day.kind}`)}</td>
              <td className="nowrap">{placeOf(day.row, day.column)}</td>
              <td className="field-error wrap">{problem ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const DIFF_KEYS = ['holidaysAdded', 'holidaysRemoved', 'workdaysAdded', 'workdaysRemoved'] as const;

/** A load's (or its preview's) breaks, make-up workdays, working days and difference from the version in force. */
export function LoadedYear({ result }: { result: CalendarYearLoaded }) {
  const changes = DIFF_KEYS.filter((k) => result.diff[k].length > 0);
  const vars = { year: result.year, version: result.version, workingDays: result.workingDays };
  return (
    <div data-testid={result.dryRun ? 'calendar-preview' : 'calendar-loaded'}>
      <p className={result.dryRun ? undefined : 'ok'} data-testid="calendar-summary">
        {result.dryRun && !result.changed
          ? t('calendar.unchanged', vars)
          : t(result.dryRun ? 'calendar.preview' : 'calendar.loaded', vars)}
      </p>
      <div className="grid-2">
        <div>
          <h4>{t('calendar.breaks')}</h4>
          <table className="compact" data-testid="calendar-periods">
            <thead>
              <tr>
                <th>{t('calendar.breakFrom')}</th>
                <th>{t('calendar.breakTo')}</th>
                <th>{t('calendar.breakDays')}</th>
              </tr>
            </thead>
            <tbody>
              {result.periods.map((p) => (
                <tr key={p.from}>
                  <td>{p.from}</td>
                  <td>{p.to}</td>
                  <td className="num">{p.days}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>{t('calendar.makeUp')}</h4>
          <p data-testid="calendar-makeup">{result.workdays.join('、') || t('app.none')}</p>
        </div>
        <div data-testid="calendar-diff">
          <h4>{t('calendar.diff')}</h4>
          {changes.length === 0 ? (
            <p className="muted">{t('calendar.noDiff')}</p>
          ) : (
            <ul className="plain">
              {changes.map((k) => (
                <li key={k} data-testid={`calendar-diff-${k}`}>
                  <strong>{t(`calendar.diff.${k}`)}</strong>：{result.diff[k].join('、')}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}
