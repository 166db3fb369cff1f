import { useRef, useState } from 'react';
import {
  beijingDate,
  calendarYearFromJson,
  readCalendarFile,
  type CalendarFileResult,
  type CalendarYearLoaded,
} from '@fivestar/contracts';
import { api, ApiError, type FieldErrors } from '../../api';
import { saveBlob } from '../../download';
import { tOr, t } from '../../i18n';
import { DaysTable, LoadedYear } from './CalendarPreview';
import { ErrorsTable } from './ImportPanel';
import { calendarTemplateFile, loadWorkbook } from './workbook';

const nextYear = () => Number(beijingDate(Date.now()).slice(0, 4)) + 1;

/** A refusal's messages that name no day of the file (the year, the source, the year as a whole). */
const otherErrors = (errors: FieldErrors) =>
  Object.entries(errors).filter(([field]) => field !== 'year' && !/^(holidays|workdays)\.\d+$/.test(field));
const plausibleYear = (year: number) => Number.isInteger(year) && year >= 2000 && year <= 2100;

/**
 * 加载一年: the year (next year by default) and its data — a file (the Excel template, an .ics feed, JSON or
 * CSV) or pasted JSON — read here first (what blocks it is named by row or line; nothing is sent), then
 * previewed by the server (dryRun: breaks, make-up workdays, working days, the difference from the version
 * in force), and loaded only on 确认加载.
 */
export function CalendarLoad({ calendarId, onLoaded }: { calendarId: string; onLoaded: () => void }) {
  const [year, setYear] = useState(nextYear);
  const [mode, setMode] = useState<'file' | 'paste'>('file');
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [read, setRead] = useState<CalendarFileResult | null>(null);
  const [preview, setPreview] = useState<CalendarYearLoaded | null>(null);
  const [loaded, setLoaded] = useState<CalendarYearLoaded | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState(false);
  // Only the latest check answers (a year typed digit by digit, a file chosen again).
  const latest = useRef(0);

  const reset = () => {
    setRead(null);
    setPreview(null);
    setLoaded(null);
    setErrors({});
  };
  const post = async (body: NonNullable<CalendarFileResult['body']>, dryRun: boolean, forYear = year) => {
    const ticket = latest.current;
    setPending(true);
    setErrors({});
    try {
      const result = await api<CalendarYearLoaded>(`/calendars/${calendarId}/years/${forYear}`, {
        json: body,
        query: { dryRun: String(dryRun) },
      });
      if (!dryRun) onLoaded();
      if (ticket !== latest.current) return;
      if (dryRun) setPreview(result);
      else setLoaded(result);
    } catch (e) {
      if (ticket === latest.current)
        setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) });
    } finally {
      setPending(false);
    }
  };
  /** Reads the chosen data for `forYear` and, when nothing blocks it, previews it on the server. */
  const check = async (source: File | string | null, forYear = year) => {
    reset();
    const ticket = ++latest.current;
    if (source === null || source === '' || !plausibleYear(forYear)) return;
    const result =
      typeof source === 'string'
        ? calendarYearFromJson(source, forYear, t('calendar.pasted'))
        : await readCalendarFile(
            { name: source.name, bytes: new Uint8Array(await source.arrayBuffer()) },
            forYear,
            loadWorkbook,
          );
    if (ticket !== latest.current) return;
    setRead(result);
    if (result.body) await post(result.body, true, forYear);
  };
  const confirmLoad = () => {
    if (read?.body && window.confirm(t('calendar.confirmText', { year }))) void post(read.body, false);
  };

  return (
    <section className="panel" data-testid="calendar-load">
      <h3>{t('calendar.load')}</h3>
      <div className="form-row">
        <label>
          {t('calendar.year')}
          <input
            type="number"
            className="num"
            min={2000}
            max={2100}
            value={year}
            data-testid="calendar-year-input"
            onChange={(e) => {
              const next = Number(e.target.value);
              setYear(next);
              void check(mode === 'file' ? file : null, next);
            }}
          />
        </label>
        {(['file', 'paste'] as const).map((m) => (
          <label key={m} className="inline">
            <input
              type="radio"
              name="calendar-mode"
              checked={mode === m}
              onChange={() => {
                setMode(m);
                reset();
              }}
              data-testid={`calendar-mode-${m}`}
            />
            {t(m === 'file' ? 'calendar.fromFile' : 'calendar.fromPaste')}
          </label>
        ))}
        <button
          type="button"
          className="link"
          data-testid="calendar-template"
          onClick={() =>
            void calendarTemplateFile(year).then((b) => saveBlob(b, t('calendar.templateName', { year })))
          }
        >
          {t('calendar.template')}
        </button>
      </div>
      {mode === 'file' ? (
        <label>
          {t('calendar.file')}
          <input
            type="file"
            accept=".xlsx,.ics,.json,.csv"
            data-testid="calendar-file"
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              void check(chosen);
            }}
          />
        </label>
      ) : (
        <>
          <label>
            {t('calendar.paste')}
            <textarea
              rows={6}
              value={pasted}
              data-testid="calendar-json"
              onChange={(e) => setPasted(e.target.value)}
            />
          </label>
          <button
            type="button"
            disabled={!pasted.trim()}
            data-testid="calendar-check"
            onClick={() => void check(pasted)}
          >
            {t('calendar.check')}
          </button>
        </>
      )}
      {errors.year && <p className="field-error">{errors.year}</p>}
      {read && read.errors.length > 0 && <ErrorsTable errors={read.errors} testId="calendar-errors" />}
      {read?.body && <DaysTable read={read} errors={errors} />}
      {otherErrors(errors).map(([field, message]) => (
        <p key={field} className="field-error" data-testid="calendar-error">
          {field === 'form' ? message : `${tOr(`calendar.field.${field.split('.')[0]}`, field)}：${message}`}
        </p>
      ))}
      {loaded ? (
        <>
          <LoadedYear result={loaded} />
          {loaded.replanWorkflowId && (
            <p className="ok" data-testid="calendar-replanning" title={loaded.replanWorkflowId}>
              {t('calendar.replanning')}
            </p>
          )}
        </>
      ) : (
        preview && (
          <>
            <LoadedYear result={preview} />
            <button
              type="button"
              disabled={pending || !preview.changed}
              data-testid="calendar-confirm"
              onClick={confirmLoad}
            >
              {pending ? t('app.submitting') : t('calendar.confirm')}
            </button>
          </>
        )
      )}
    </section>
  );
}
