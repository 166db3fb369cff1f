import { z } from 'zod';
import { beijingDate, CalendarDate, WorkCalendar, WorkCalendarYear } from './calendar';
import type { LoadCalendarYear } from './calendar-admin';
import { decodeCsvBytes, parseCsv } from './csv';
import type { TableError } from './directory-tables';

/*
 * One year of the working-day calendar read from the files administrators have at hand, for
 * POST /api/calendars/:calendarId/years/:year — in the console and in the CLI alike. Pure: text, rows or a
 * workbook loader in, the request body out, every problem named by file, row (or line) and column.
 *
 * - JSON: the body itself `{holidays, workdays, source?}`, or a calendar file `{id, years: {"2027": …}}`.
 * - Rows (an .xlsx sheet or a .csv file): a header row with 日期 and 类型 (放假/休 or 上班/班), a day a row.
 * - iCalendar (.ics), as the widely shared holiday feeds publish it: each VEVENT whose SUMMARY holds 班 is a
 *   make-up workday, 休 or 假 a day off (CATEGORIES, when it says so, first; a weekend event called just
 *   调休 is worked); DTSTART…DTEND (exclusive) expands to days; days of other years are skipped.
 */

export type CalendarDayKind = 'holiday' | 'workday';

/** A day read from a file, and where: `row` is the sheet row or the .ics line (0: none, as in JSON). */
export interface CalendarFileDay {
  date: string;
  kind: CalendarDayKind;
  row: number;
  column: string;
}

export interface CalendarFileResult {
  /** The file (and sheet) read. */
  source: string;
  /** The request body, dates sorted: present when nothing blocks it. */
  body?: LoadCalendarYear;
  /** `body.holidays[i]` came from `holidays[i]` (and so for workdays): where a server's error points. */
  holidays: CalendarFileDay[];
  workdays: CalendarFileDay[];
  errors: TableError[];
}

/** A file chosen for a calendar load: its name (the extension tells its kind) and bytes. */
export interface CalendarFile {
  name: string;
  bytes: Uint8Array;
}

/** What is read of a worksheet: exceljs's shape, with the cell's value (a date cell is a Date). */
export interface CalendarSheetLike {
  name: string;
  rowCount: number;
  columnCount: number;
  getRow(row: number): { getCell(column: number): { value: unknown; text: string } };
}

/** Opens an .xlsx workbook (exceljs in the browser and in the CLI). */
export type CalendarWorkbookLoader = (bytes: Uint8Array) => Promise<readonly CalendarSheetLike[]>;

/** A spreadsheet cell as read: text, a number, or a date (exceljs gives a date cell as a UTC-midnight Date). */
export type CalendarCell = string | number | Date | null;

export const CALENDAR_SHEET = '工作日历';
const GUIDE_SHEET = '说明';
const DATE_HEADER = '日期';
const KIND_HEADER = '类型';

const zhCN = { error: z.locales.zhCN().localeError };
const extension = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
/** The contracts' calendar messages are "中文 / English": the Chinese half. */
const chinese = (message: string) => message.split(' / ')[0]!;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isDate = (s: string) => CalendarDate.safeParse(s).success;

// ---------------------------------------------------------------------------------------------------
// Cells and kinds

/** `2027-01-01`, `2027/1/1`, `2027.1.1`, `2027年1月1日`, `20270101` → 'YYYY-MM-DD'; undefined otherwise. */
export function dateFromText(text: string): string | undefined {
  const s = text.trim();
  const m =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const date = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  return isDate(date) ? date : undefined;
}

/** Days from Excel's epoch (1899-12-30) to the date, for a date typed as a plain number. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** A cell's date: a Date (its UTC day), a number (YYYYMMDD or an Excel serial day) or text. */
export function dateFromCell(cell: CalendarCell): string | undefined {
  if (cell === null) return undefined;
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return undefined;
    return `${pad(cell.getUTCFullYear(), 4)}-${pad(cell.getUTCMonth() + 1)}-${pad(cell.getUTCDate())}`;
  }
  if (typeof cell === 'number') {
    if (/^\d{8}$/.test(String(cell))) return dateFromText(String(cell));
    if (!Number.isInteger(cell) || cell < 1 || cell > 2_958_465) return undefined;
    return new Date(EXCEL_EPOCH_MS + cell * 86_400_000).toISOString().slice(0, 10);
  }
  return dateFromText(cell);
}

/** 放假/休/假 a day off, 上班/班 a make-up workday (班 first: 调休上班 is a workday). */
export function kindFromText(text: string): CalendarDayKind | undefined {
  const s = text.trim();
  if (!s) return undefined;
  if (s.includes('班')) return 'workday';
  if (s.includes('休') || s.includes('假')) return 'holiday';
  const lower = s.toLowerCase();
  if (lower === 'holiday' || lower === 'off') return 'holiday';
  if (lower === 'workday' || lower === 'work') return 'workday';
  return undefined;
}

const cellText = (cell: CalendarCell) =>
  cell === null ? '' : cell instanceof Date ? (dateFromCell(cell) ?? '') : String(cell);

// ---------------------------------------------------------------------------------------------------
// The checks every format shares

const KIND_WORD: Record<CalendarDayKind, string> = { holiday: '放假', workday: '上班' };

/**
 * The days read, as the request body with every problem the server would find (dates outside the year, a
 * make-up workday that is not at a weekend, a day both off and worked, no day off at all), each named
 * where it was read. The same day twice with the same kind counts once.
 */
function finish(
  source: string,
  year: number,
  days: CalendarFileDay[],
  errors: TableError[],
  sourceText?: string,
): CalendarFileResult {
  const seen = new Map<string, CalendarFileDay>();
  const unique: CalendarFileDay[] = [];
  for (const day of days) {
    const earlier = seen.get(day.date);
    if (!earlier) {
      seen.set(day.date, day);
      unique.push(day);
    } else if (earlier.kind !== day.kind)
      errors.push({
        source,
        row: day.row,
        column: day.column,
        message: `${day.date} 在${earlier.row ? `第${earlier.row}行` : '前面'}为“${KIND_WORD[earlier.kind]}”，这里又为“${KIND_WORD[day.kind]}”：同一天不能既放假又上班`,
      });
  }
  const sorted = unique.sort((a, b) => a.date.localeCompare(b.date));
  const holidays = sorted.filter((d) => d.kind === 'holiday');
  const workdays = sorted.filter((d) => d.kind === 'workday');
  const body: LoadCalendarYear = {
    holidays: holidays.map((d) => d.date),
    workdays: workdays.map((d) => d.date),
    ...(sourceText ? { source: sourceText } : {}),
  };
  const checked = WorkCalendar.safeParse({ id: 'file', years: { [pad(year, 4)]: body } }, zhCN);
  // A problem of the year as a whole (no day off at all) only matters once every row could be read.
  const rowsRead = errors.length === 0;
  if (!checked.success)
    for (const issue of checked.error.issues) {
      const [, , list, index] = issue.path;
      const day =
        list === 'holidays'
          ? holidays[Number(index)]
          : list === 'workdays'
            ? workdays[Number(index)]
            : undefined;
      if (!day && !rowsRead) continue;
      errors.push({
        source,
        row: day?.row ?? 0,
        column: day?.column ?? (typeof list === 'string' ? list : ''),
        message: chinese(issue.message),
      });
    }
  // In file order (a row's reading problems and the checks of its date together).
  errors.sort((a, b) => a.row - b.row);
  return { source, holidays, workdays, errors, ...(errors.length ? {} : { body }) };
}

const failed = (source: string, message: string, row = 0, column = ''): CalendarFileResult => ({
  source,
  holidays: [],
  workdays: [],
  errors: [{ source, row, column, message }],
});

// ---------------------------------------------------------------------------------------------------
// JSON

/**
 * A year given as JSON: the request body `{holidays, workdays, source?}`, or a whole calendar file
 * `{id, years: {"2027": {…}}}` of which `year` is taken. A day is named by its path (`workdays.1`).
 */
export function calendarYearFromJson(text: string, year: number, source: string): CalendarFileResult {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return failed(source, `不是有效的 JSON：${(e as Error).message}`);
  }
  if (json && typeof json === 'object' && 'years' in json) {
    const years = (json as { years: unknown }).years;
    const held = years && typeof years === 'object' ? Object.keys(years) : [];
    if (!held.includes(String(year)))
      return failed(source, `文件中没有${year}年的数据（有：${held.join('、') || '无'}）`, 0, 'years');
    json = (years as Record<string, unknown>)[String(year)];
  }
  const parsed = WorkCalendarYear.safeParse(json, zhCN);
  if (!parsed.success)
    return {
      source,
      holidays: [],
      workdays: [],
      errors: parsed.error.issues.map((i) => ({
        source,
        row: 0,
        column: i.path.join('.'),
        message: chinese(i.message),
      })),
    };
  const { holidays, workdays, source: said } = parsed.data;
  const days = [
    ...holidays.map((date, i) => ({ date, kind: 'holiday' as const, row: 0, column: `holidays.${i}` })),
    ...workdays.map((date, i) => ({ date, kind: 'workday' as const, row: 0, column: `workdays.${i}` })),
  ];
  return finish(source, year, days, [], said);
}

// ---------------------------------------------------------------------------------------------------
// Rows (a sheet, a CSV file)

const headerName = (cell: CalendarCell) =>
  cellText(cell)
    .replace(/[（(].*$/s, '')
    .replace(/[*＊]/g, '')
    .trim();

/**
 * A year given as rows: a header row naming 日期 and 类型 (other columns are not read), then a day a row
 * (blank rows skipped). Rows are numbered as the sheet numbers them (the first row is 1).
 */
export function calendarYearFromRows(
  rows: readonly (readonly CalendarCell[])[],
  year: number,
  source: string,
): CalendarFileResult {
  const blank = (row: readonly CalendarCell[]) => row.every((c) => cellText(c).trim() === '');
  const headerAt = rows.findIndex((r) => !blank(r));
  if (headerAt < 0) return failed(source, '表是空的');
  const headers = rows[headerAt]!.map(headerName);
  const dateCol = headers.indexOf(DATE_HEADER);
  const kindCol = headers.indexOf(KIND_HEADER);
  if (dateCol < 0 || kindCol < 0)
    return failed(
      source,
      `第一行应为表头，含“${DATE_HEADER}”和“${KIND_HEADER}”两列（类型填“放假”或“上班”）`,
      headerAt + 1,
    );
  const errors: TableError[] = [];
  const days: CalendarFileDay[] = [];
  rows.forEach((cells, i) => {
    if (i <= headerAt || blank(cells)) return;
    const row = i + 1;
    const dateCell = cells[dateCol] ?? null;
    const kindText = cellText(cells[kindCol] ?? null);
    const date = dateFromCell(dateCell);
    const kind = kindFromText(kindText);
    if (!date)
      errors.push({
        source,
        row,
        column: DATE_HEADER,
        message: cellText(dateCell).trim()
          ? `无法识别的日期“${cellText(dateCell).trim()}”（应为 ${year}-01-01 这样的日期）`
          : '日期不能为空',
      });
    if (!kind)
      errors.push({
        source,
        row,
        column: KIND_HEADER,
        message: kindText.trim()
          ? `类型应为“放假”（休）或“上班”（班），不能是“${kindText.trim()}”`
          : '类型不能为空：填“放假”或“上班”',
      });
    if (date && kind) days.push({ date, kind, row, column: DATE_HEADER });
  });
  if (days.length === 0 && errors.length === 0) return failed(source, '表中没有日期行');
  return finish(source, year, days, errors);
}

/** A worksheet's cells: a date cell as its Date, a number as it is, anything else as its text. */
export function sheetCells(sheet: CalendarSheetLike): CalendarCell[][] {
  return Array.from({ length: sheet.rowCount }, (_, r) =>
    Array.from({ length: sheet.columnCount }, (_, c) => {
      const cell = sheet.getRow(r + 1).getCell(c + 1);
      const raw = cell.value;
      // A formula's cached result stands for the cell.
      const value =
        raw && typeof raw === 'object' && !(raw instanceof Date) && 'result' in raw
          ? (raw as { result: unknown }).result
          : raw;
      if (value instanceof Date || typeof value === 'number') return value;
      return cell.text ?? '';
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// iCalendar

interface IcsLine {
  line: number;
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Content lines, unfolded (a line starting with a space or tab continues the one before), with their numbers. */
function icsLines(text: string): IcsLine[] {
  const out: IcsLine[] = [];
  let current: { line: number; text: string } | null = null;
  const flush = () => {
    if (!current) return;
    const colon = current.text.indexOf(':');
    if (colon > 0) {
      const [name = '', ...params] = current.text.slice(0, colon).split(';');
      out.push({
        line: current.line,
        name: name.toUpperCase(),
        params: Object.fromEntries(
          params.map((p) => {
            const eq = p.indexOf('=');
            return [p.slice(0, eq).toUpperCase(), p.slice(eq + 1).replace(/^"|"$/g, '')];
          }),
        ),
        value: current.text.slice(colon + 1),
      });
    }
    current = null;
  };
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((raw, i) => {
      if ((raw.startsWith(' ') || raw.startsWith('\t')) && current) current.text += raw.slice(1);
      else {
        flush();
        current = { line: i + 1, text: raw };
      }
    });
  flush();
  return out;
}

const unescapeText = (s: string) =>
  s.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? ' ' : c));

/**
 * A DTSTART/DTEND value as a Beijing date, and whether the instant is the day's very start (an exclusive
 * end then ends the day before): `20270101` (VALUE=DATE), `20270101T090000` (local), `…Z` (UTC).
 */
function icsDate(p: IcsLine): { date: string; midnight: boolean } | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(p.value.trim());
  if (!m) return undefined;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (!isDate(date)) return undefined;
  if (!m[4]) return { date, midnight: true };
  if (m[7]) {
    const ms = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    );
    const local = beijingDate(ms);
    return { date: local, midnight: (ms + 8 * 3_600_000) % 86_400_000 === 0 };
  }
  return { date, midnight: m[4] === '00' && m[5] === '00' && m[6] === '00' };
}

const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isWeekend = (date: string) => [0, 6].includes(new Date(dayMs(date)).getUTCDay());

/** The whole days of an event: DTSTART up to DTEND exclusive (or DURATION, else the one day). */
function eventDays(
  start: { date: string },
  end: { date: string; midnight: boolean } | null,
  days: number | null,
) {
  const from = dayMs(start.date);
  const to = end ? dayMs(end.date) - (end.midnight ? 86_400_000 : 0) : from + ((days ?? 1) - 1) * 86_400_000;
  const out: string[] = [];
  for (let ms = from; ms <= to; ms += 86_400_000) out.push(dateOf(ms));
  return out;
}

/**
 * A year read from an iCalendar feed: the events of `year` whose SUMMARY says 班 (a make-up workday) or
 * 休/假 (a day off); other events, and days in other years, are not read. Lines are the file's lines.
 */
export function calendarYearFromIcs(text: string, year: number, source: string): CalendarFileResult {
  const lines = icsLines(text);
  if (!lines.some((l) => l.name === 'BEGIN' && l.value.trim().toUpperCase() === 'VCALENDAR'))
    return failed(source, '不是 iCalendar 文件（缺少 BEGIN:VCALENDAR）', 1);
  const errors: TableError[] = [];
  const days: CalendarFileDay[] = [];
  const otherYears = new Set<number>();
  let events = 0;
  let unmarked = 0;
  let name: string | undefined;
  let event: IcsLine[] | null = null;
  for (const l of lines) {
    if (l.name === 'X-WR-CALNAME' && !name) name = unescapeText(l.value).trim() || undefined;
    if (l.name === 'BEGIN' && l.value.trim().toUpperCase() === 'VEVENT') event = [l];
    else if (l.name === 'END' && l.value.trim().toUpperCase() === 'VEVENT' && event) {
      events += 1;
      const props = event;
      const begin = props[0]!.line;
      const prop = (n: string) => props.find((p) => p.name === n);
      const summary = unescapeText(prop('SUMMARY')?.value ?? '');
      const marked = kindFromText(unescapeText(prop('CATEGORIES')?.value ?? '')) ?? kindFromText(summary);
      event = null;
      if (!marked) {
        unmarked += 1;
        continue;
      }
      const dtstart = prop('DTSTART');
      const start = dtstart && icsDate(dtstart);
      if (!start) {
        errors.push({
          source,
          row: dtstart?.line ?? begin,
          column: 'DTSTART',
          message: dtstart ? `无法识别的开始日期“${dtstart.value}”（应为 YYYYMMDD）` : '事件缺少 DTSTART',
        });
        continue;
      }
      const dtend = prop('DTEND');
      const end = dtend ? icsDate(dtend) : null;
      if (dtend && !end) {
        errors.push({
          source,
          row: dtend.line,
          column: 'DTEND',
          message: `无法识别的结束日期“${dtend.value}”`,
        });
        continue;
      }
      const duration = prop('DURATION');
      const weeksOrDays = duration && /^P(?:(\d+)W|(\d+)D)$/.exec(duration.value.trim());
      const span = weeksOrDays ? Number(weeksOrDays[1] ?? 0) * 7 + Number(weeksOrDays[2] ?? 0) : null;
      const expanded = eventDays(start, end ?? null, span);
      if (expanded.length === 0 || expanded.length > 366) {
        errors.push({
          source,
          row: (dtend ?? dtstart).line,
          column: dtend ? 'DTEND' : 'DTSTART',
          message: expanded.length
            ? '事件跨度超过一年，请检查结束日期'
            : `结束日期早于开始日期（${start.date}）`,
        });
        continue;
      }
      // Some feeds call a make-up workday just 调休 (春节调休): a weekend day so named is worked.
      const kind =
        marked === 'holiday' && /调休/.test(summary) && !/[假放]/.test(summary) && expanded.every(isWeekend)
          ? 'workday'
          : marked;
      for (const date of expanded) {
        if (date.startsWith(`${pad(year, 4)}-`))
          days.push({ date, kind, row: dtstart.line, column: 'DTSTART' });
        else otherYears.add(Number(date.slice(0, 4)));
      }
    } else if (event) event.push(l);
  }
  if (days.length === 0 && errors.length === 0) {
    const others = [...otherYears].sort((a, b) => a - b);
    return failed(
      source,
      events === 0
        ? '文件中没有事件（VEVENT）'
        : `文件中没有${year}年的放假或调休上班安排` +
            (others.length ? `（文件含 ${others.join('、')} 年）` : '') +
            (unmarked ? `；另有 ${unmarked} 个事件的标题不含“休”“假”或“班”，未读取` : ''),
    );
  }
  return finish(source, year, days, errors, name);
}

// ---------------------------------------------------------------------------------------------------
// Files

/**
 * The request body of a chosen file by its kind: .json, .ics, .csv, or .xlsx (the first sheet with a
 * 日期 column, the 说明 sheet left out). `loadWorkbook` opens the workbook (exceljs, in the caller).
 */
export async function readCalendarFile(
  file: CalendarFile,
  year: number,
  loadWorkbook: CalendarWorkbookLoader,
): Promise<CalendarFileResult> {
  const kind = extension(file.name);
  if (kind === 'json') return calendarYearFromJson(decodeCsvBytes(file.bytes), year, file.name);
  if (kind === 'ics' || kind === 'ical' || kind === 'ifb')
    return calendarYearFromIcs(decodeCsvBytes(file.bytes), year, file.name);
  if (kind === 'csv') return calendarYearFromRows(parseCsv(decodeCsvBytes(file.bytes)), year, file.name);
  if (kind !== 'xlsx') return failed(file.name, '不支持的文件类型：只支持 .json、.xlsx、.csv 或 .ics');
  let sheets: readonly CalendarSheetLike[];
  try {
    sheets = await loadWorkbook(file.bytes);
  } catch (e) {
    return failed(file.name, `无法打开 Excel 文件：${(e as Error).message}`);
  }
  const candidates = sheets.filter((s) => s.name !== GUIDE_SHEET);
  const sheet =
    candidates.find((s) => sheetCells(s).some((r) => r.map(headerName).includes(DATE_HEADER))) ??
    candidates[0];
  if (!sheet) return failed(file.name, '工作簿中没有工作表');
  return calendarYearFromRows(sheetCells(sheet), year, `${file.name}「${sheet.name}」`);
}

/**
 * Where a field of the request (as a 400 names it: `body.workdays.1`, or without `body.`) was read from,
 * for the message to stand next to its row; null when it names no day.
 */
export function calendarFieldPlace(
  read: Pick<CalendarFileResult, 'source' | 'holidays' | 'workdays'>,
  field: string,
): Omit<TableError, 'message'> | null {
  const m = /^(?:body\.)?(holidays|workdays)\.(\d+)$/.exec(field);
  const day = m && read[m[1] as 'holidays' | 'workdays'][Number(m[2])];
  return day ? { source: read.source, row: day.row, column: day.column } : null;
}

/** The first Saturday of `year` (an example make-up workday in the template). */
function firstSaturday(year: number): string {
  const jan1 = new Date(Date.UTC(year, 0, 1));
  return dateOf(jan1.getTime() + ((6 - jan1.getUTCDay() + 7) % 7) * 86_400_000);
}

/** The workbook template: a 说明 sheet, then 工作日历 with its header and two example rows. */
export function calendarTemplate(year: number): { name: string; rows: string[][] }[] {
  return [
    {
      name: GUIDE_SHEET,
      rows: [
        ['工作日历导入说明'],
        [`1. 在“${CALENDAR_SHEET}”表逐行填写${year}年的放假日期和调休上班日期，一天一行。`],
        [
          '2. “日期”写成 2027-01-01 这样的日期（Excel 日期格式亦可）；“类型”填“放假”（或“休”）、“上班”（或“班”）。',
        ],
        ['3. 放假日期含与节日连休的周末；调休上班日只能是周六或周日。未列出的日期按周一至周五上班计算。'],
        ['4. 依据国务院办公厅当年发布的部分节假日安排通知填写；“说明”列不读取，可填节日名称。'],
        ['5. 请删除示例行后填写。导入前会先预览各节假日、调休上班日及与现行版本的差异，确认后才加载。'],
      ],
    },
    {
      name: CALENDAR_SHEET,
      rows: [
        [DATE_HEADER, KIND_HEADER, '说明'],
        [`${pad(year, 4)}-01-01`, '放假', '元旦（示例）'],
        [firstSaturday(year), '上班', '调休上班（示例）'],
      ],
    },
  ];
}
