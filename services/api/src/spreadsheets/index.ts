/** Spreadsheet uploads parsed safely: zip limits, XML limits, a worker per parse (docs/security.md, 恶意输入). */
export {
  DEFAULT_SPREADSHEET_LIMITS,
  MAX_PARALLEL_PARSES,
  MAX_WAITING_PARSES,
  limitMessage,
  SpreadsheetRefusal,
  type LimitName,
  type SpreadsheetLimits,
} from './limits';
export { isZip, readCentralDirectory, inflateEntries, inflateEntry, type ZipEntry } from './zip';
export { WorkbookScanner, type ScanTotals } from './scan';
export { EXCELJS_READ_OPTIONS, inspectWorkbook, serveSpreadsheetJob } from './serve';
export { closeIdleWorkers, parseInWorker, parseLoad } from './run';
