import { sql, type Kysely } from 'kysely';
import {
  CN_MAINLAND_CALENDAR,
  DEFAULT_CALENDAR_ID,
  holidayPeriods,
  withYear,
  workingDaysInYear,
  WorkCalendar,
  type CalendarInForce,
  type CalendarView,
  type CalendarYearLoaded,
  type CalendarYearRecord,
  type WorkCalendarYear,
} from '@fivestar/contracts';
import type { ApiDatabase } from '../schema';

type Db = Kysely<ApiDatabase>;

/** The data shipped with the product (docs/calendar.md): the mainland calendar's published years. */
const BUNDLED: Record<string, WorkCalendar> = { [DEFAULT_CALENDAR_ID]: CN_MAINLAND_CALENDAR };

interface Stored {
  /** Each year's record in force: a loaded version over the bundled data. */
  records: CalendarYearRecord[];
  revision: number;
}

async function stored(db: Db, calendarId: string): Promise<Stored> {
  const rows = await db
    .selectFrom('calendar_years')
    .selectAll()
    .where('calendar_id', '=', calendarId)
    .orderBy('year')
    .orderBy('version', 'desc')
    .execute();
  const byYear = new Map<number, CalendarYearRecord>();
  for (const [year, data] of Object.entries(BUNDLED[calendarId]?.years ?? {}))
    byYear.set(Number(year), {
      year: Number(year),
      holidays: data.holidays,
      workdays: data.workdays,
      source: data.source ?? null,
      version: 0,
      loadedBy: null,
      loadedAt: null,
    });
  let revision = 0;
  for (const row of rows) {
    revision = Math.max(revision, Number(row.revision));
    // Rows come latest version first: a year already holding a loaded version keeps it.
    if ((byYear.get(row.year)?.version ?? 0) > 0) continue;
    byYear.set(row.year, {
      year: row.year,
      holidays: row.holidays,
      workdays: row.workdays,
      source: row.source,
      version: row.version,
      loadedBy: row.loaded_by,
      loadedAt: row.loaded_at.toISOString(),
    });
  }
  return { records: [...byYear.values()].sort((a, b) => a.year - b.year), revision };
}

/** Whether the calendar exists: bundled, or loaded at least once. */
export async function calendarExists(db: Db, calendarId: string): Promise<boolean> {
  if (BUNDLED[calendarId]) return true;
  const row = await db
    .selectFrom('calendar_years')
    .select('year')
    .where('calendar_id', '=', calendarId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Every calendar: the bundled ones and those only loaded. */
export async function listCalendars(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('calendar_years').select('calendar_id').distinct().execute();
  return [...new Set([...Object.keys(BUNDLED), ...rows.map((r) => r.calendar_id)])].sort();
}

export async function calendarView(db: Db, calendarId: string): Promise<CalendarView> {
  const { records, revision } = await stored(db, calendarId);
  return { id: calendarId, revision, years: records };
}

const toCalendar = (id: string, records: CalendarYearRecord[]): WorkCalendar =>
  WorkCalendar.parse({
    id,
    years: Object.fromEntries(
      records.map((r) => [
        String(r.year),
        { holidays: r.holidays, workdays: r.workdays, ...(r.source ? { source: r.source } : {}) },
      ]),
    ),
  });

/** The calendar as the worker and the services count with it (`fivestar.svc.calendar.get`). */
export async function calendarInForce(db: Db, calendarId: string): Promise<CalendarInForce> {
  const { records, revision } = await stored(db, calendarId);
  return { id: calendarId, revision, years: toCalendar(calendarId, records).years };
}

const minus = (a: string[], b: string[]) => a.filter((d) => !b.includes(d));

/**
 * Loads (or, `dryRun`, previews) one year: validated as a whole calendar, stored as the year's next
 * version unless it equals the version in force. Serialised per calendar across API replicas.
 */
export async function loadCalendarYear(
  db: Db,
  calendarId: string,
  year: number,
  data: WorkCalendarYear,
  loadedBy: string,
  dryRun: boolean,
): Promise<Omit<CalendarYearLoaded, 'replanWorkflowId'>> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`fivestar.calendar:${calendarId}`}))`.execute(trx);
    const before = await stored(trx, calendarId);
    // Validates the dates against the year (throws ZodError with paths under ['years', year]).
    const calendar = withYear(toCalendar(calendarId, before.records), year, data);
    const next = calendar.years[String(year)]!;
    const current = before.records.find((r) => r.year === year);
    const changed =
      !current ||
      JSON.stringify([current.holidays, current.workdays, current.source]) !==
        JSON.stringify([next.holidays, next.workdays, next.source ?? null]);
    let version = current?.version ?? 0;
    let revision = before.revision;
    if (changed) {
      const last = await trx
        .selectFrom('calendar_years')
        .select((eb) => eb.fn.max('version').as('max'))
        .where('calendar_id', '=', calendarId)
        .where('year', '=', year)
        .executeTakeFirst();
      version = (last?.max ?? 0) + 1;
      if (!dryRun) {
        const row = await trx
          .insertInto('calendar_years')
          .values({
            calendar_id: calendarId,
            year,
            version,
            holidays: JSON.stringify(next.holidays),
            workdays: JSON.stringify(next.workdays),
            source: next.source ?? null,
            loaded_by: loadedBy,
          })
          .returning('revision')
          .executeTakeFirstOrThrow();
        revision = Number(row.revision);
      }
    }
    const was = { holidays: current?.holidays ?? [], workdays: current?.workdays ?? [] };
    return {
      calendarId,
      year,
      dryRun,
      version,
      revision,
      changed,
      holidays: next.holidays,
      workdays: next.workdays,
      periods: holidayPeriods(next.holidays),
      workingDays: workingDaysInYear(calendar, year),
      diff: {
        holidaysAdded: minus(next.holidays, was.holidays),
        holidaysRemoved: minus(was.holidays, next.holidays),
        workdaysAdded: minus(next.workdays, was.workdays),
        workdaysRemoved: minus(was.workdays, next.workdays),
      },
    };
  });
}
