import { useState } from 'react';
import {
  DEFAULT_CALENDAR_ID,
  formatBeijingTime,
  holidayPeriods,
  type CalendarList,
  type CalendarView,
  type CalendarYearRecord,
} from '@fivestar/contracts';
import { t } from '../../i18n';
import { Status } from '../../layout/Status';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { CalendarLoad } from './CalendarLoad';
import './calendar-messages';

/** 工作日历: the years each calendar holds (version, source, who loaded it); an administrator loads a year. */
export function CalendarPanel() {
  const user = useUser();
  const list = useApi<CalendarList>('/calendars');
  const [calendarId, setCalendarId] = useState(DEFAULT_CALENDAR_ID);
  const view = useApi<CalendarView>(`/calendars/${calendarId}`);
  const ids = list.data?.items.map((c) => c.id) ?? [calendarId];
  return (
    <section data-testid="admin-calendar">
      <p className="muted">{t('calendar.help')}</p>
      {ids.length > 1 && (
        <label className="inline">
          {t('calendar.calendar')}
          <select
            value={calendarId}
            onChange={(e) => setCalendarId(e.target.value)}
            data-testid="calendar-id"
          >
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      )}
      <Status loaded={view}>{(v) => <YearsTable years={v.years} />}</Status>
      {user?.role === 'admin' ? (
        <CalendarLoad calendarId={calendarId} onLoaded={view.reload} />
      ) : (
        <p className="muted">{t('calendar.readOnly')}</p>
      )}
    </section>
  );
}

/** Version 0 is the data shipped with the software; later ones are loads. */
const versionText = (y: CalendarYearRecord) =>
  y.version === 0 ? t('calendar.bundled') : t('calendar.versionN', { version: y.version });

function YearsTable({ years }: { years: CalendarYearRecord[] }) {
  return (
    <table className="compact" data-testid="calendar-years">
      <thead>
        <tr>
          <th className="nowrap">{t('calendar.year')}</th>
          <th className="nowrap">{t('calendar.version')}</th>
          <th className="nowrap">{t('calendar.holidays')}</th>
          <th>{t('calendar.workdays')}</th>
          <th>{t('calendar.source')}</th>
          <th className="nowrap">{t('calendar.loadedBy')}</th>
        </tr>
      </thead>
      <tbody>
        {[...years]
          .sort((a, b) => b.year - a.year)
          .map((y) => (
            <tr key={y.year} data-testid="calendar-year" data-year={y.year} data-version={y.version}>
              <td className="nowrap">{y.year}</td>
              <td className="nowrap">{versionText(y)}</td>
              <td className="nowrap">
                {t('calendar.days', { n: y.holidays.length })} ·{' '}
                {t('calendar.periods', { n: holidayPeriods(y.holidays).length })}
              </td>
              <td className="wrap">{y.workdays.join('、') || '—'}</td>
              <td className="wrap">{y.source ?? '—'}</td>
              <td className="nowrap">
                {y.loadedBy ?? '—'}
                {y.loadedAt && <small className="muted"> {formatBeijingTime(y.loadedAt)}</small>}
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
