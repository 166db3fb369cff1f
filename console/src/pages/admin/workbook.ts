import { directoryTemplate, type SheetLike } from '@fivestar/contracts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** exceljs is large: fetched only when a workbook is read or written. */
const exceljs = () => import('exceljs');

/** The sheets of an .xlsx file, for the directory's tables. */
export async function loadWorkbook(bytes: Uint8Array): Promise<readonly SheetLike[]> {
  const { Workbook } = await exceljs();
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes.slice().buffer);
  return workbook.worksheets;
}

/** The directory template as an .xlsx file: a 说明 sheet, then 县, 乡镇, 支部, 用户 with an example row. */
export async function directoryTemplateFile(): Promise<Blob> {
  const { Workbook } = await exceljs();
  const workbook = new Workbook();
  for (const sheet of directoryTemplate()) {
    const ws = workbook.addWorksheet(sheet.name);
    ws.addRows(sheet.rows);
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((c) => (c.width = sheet.name === '说明' ? 100 : 24));
  }
  return new Blob([await workbook.xlsx.writeBuffer()], { type: XLSX_TYPE });
}
