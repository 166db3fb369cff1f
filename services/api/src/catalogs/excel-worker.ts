/**
 * The worker thread that reads an uploaded catalog workbook (started by `parseCatalogUpload`, files.ts).
 * It loads only the inspection at first, so a bomb is refused before exceljs is even loaded; the reader
 * (exceljs and the catalog schema) is required once the upload has passed the spreadsheet limits.
 */
import { EXCELJS_READ_OPTIONS, serveSpreadsheetJob } from '../spreadsheets/serve';

serveSpreadsheetJob(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseCatalogWorkbook } = require('./excel') as typeof import('./excel');
  return (bytes) => parseCatalogWorkbook(bytes, EXCELJS_READ_OPTIONS);
});
