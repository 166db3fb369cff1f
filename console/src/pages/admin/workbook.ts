import { calendarTemplate, directoryTemplate } from '@fivestar/contracts';
import type { Worksheet } from 'exceljs';

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

/** The directory template as an .xlsx file: a 说明 sheet, then 县, 乡镇, 支部, 用户 with an example row. */
export const directoryTemplateFile = (): Promise<Blob> => templateFile(directoryTemplate(), 24);

/** The calendar template of `year`: a 说明 sheet, then 工作日历 (日期 | 类型 | 说明) with two example rows. */
export const calendarTemplateFile = (year: number): Promise<Blob> => templateFile(calendarTemplate(year), 18);
