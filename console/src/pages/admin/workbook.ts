import { calendarTemplate, directoryTemplate, scopeOf } from '@fivestar/contracts';
import type { Worksheet } from 'exceljs';

/** The levels a directory file is of. */
export type ImportLevel = 'province' | 'city' | 'county';

/** The file an administrator imports is of their own level: a province's, a city's, else a county's. */
export function importLevel(jurisdiction: string): ImportLevel {
  const scope = scopeOf(jurisdiction);
  return scope === 'province' || scope === 'city' ? scope : 'county';
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** exceljs is large: fetched only when a workbook is read or written. */
const exceljs = () => import('exceljs');

/** The sheets of an .xlsx file (the directory's tables, the calendar's rows). */
export async function loadWorkbook(bytes: Uint8Array): Promise<Worksheet[]> {
  const { Workbook } = await exceljs();
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes.slice().buffer);
  return workbook.worksheets;
}

/** Sheets of rows as an .xlsx file: bold headers, the 说明 sheet wide. */
async function templateFile(sheets: { name: string; rows: string[][] }[], width: number): Promise<Blob> {
  const { Workbook } = await exceljs();
  const workbook = new Workbook();
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name);
    ws.addRows(sheet.rows);
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((c) => (c.width = sheet.name === '说明' ? 100 : width));
  }
  return new Blob([await workbook.xlsx.writeBuffer()], { type: XLSX_TYPE });
}

/** The directory template of a level as an .xlsx file: a 说明 sheet, then its tables with an example row. */
export const directoryTemplateFile = (level: ImportLevel): Promise<Blob> =>
  templateFile(directoryTemplate(level), 24);

/** The calendar template of `year`: a 说明 sheet, then 工作日历 (日期 | 类型 | 说明) with two example rows. */
export const calendarTemplateFile = (year: number): Promise<Blob> => templateFile(calendarTemplate(year), 18);
