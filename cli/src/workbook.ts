import { Workbook, type Worksheet } from 'exceljs';

/** The sheets of an .xlsx file (the directory's tables, the calendar's rows). */
export async function loadWorkbook(bytes: Uint8Array): Promise<Worksheet[]> {
  const workbook = new Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook.worksheets;
}
