import { parentPort } from 'node:worker_threads';
import { SpreadsheetRefusal, type LimitName, type SpreadsheetLimits } from './limits';
import { WorkbookScanner, type ScanTotals } from './scan';
import { inflateEntries, readCentralDirectory } from './zip';

/** One job the API thread gives a spreadsheet worker (a worker takes one job at a time). */
export interface WorkerJob {
  bytes: Uint8Array;
  limits: SpreadsheetLimits;
}

/**
 * What a spreadsheet worker answers for a job: `started` (the inspection begins), `loading` (the file
 * passed it and the parser's modules load, the first time only; the time limit does not count this),
 * `parsing`, then exactly one outcome.
 */
export type WorkerMessage =
  | { type: 'started' }
  | { type: 'loading' }
  | { type: 'parsing' }
  | { type: 'done'; value: unknown }
  | { type: 'refused'; kind: 'limit' | 'malformed'; message: string; limit?: LimitName }
  | { type: 'failed'; message: string };

/** A parser for an inspected file; its result must be structured-clonable. */
export type SpreadsheetParser = (bytes: Buffer, limits: SpreadsheetLimits) => Promise<unknown>;

/**
 * Everything the limits say about an .xlsx before exceljs may open it: the central directory (declared
 * sizes, ratio, entries), then every entry inflated as a stream with its bytes counted (a header that
 * lies is caught within its declared size), and its XML scanned for rows, cells and ranges. Throws a
 * SpreadsheetRefusal; returns what it counted.
 */
export async function inspectWorkbook(bytes: Uint8Array, limits: SpreadsheetLimits): Promise<ScanTotals> {
  const entries = readCentralDirectory(bytes, limits);
  const scanner = new WorkbookScanner(limits);
  await inflateEntries(bytes, entries, limits, (_entry, content) => scanner.scan(content));
  return scanner.totals;
}

/**
 * Worksheet parts exceljs need not build for reading values: data validations (exceljs makes an entry
 * per cell of their ranges), conditional formats and their extensions, hyperlinks, tables, drawings.
 */
export const EXCELJS_READ_OPTIONS = {
  ignoreNodes: [
    'dataValidations',
    'conditionalFormatting',
    'extLst',
    'hyperlinks',
    'tableParts',
    'drawing',
    'picture',
  ],
};

/**
 * The body of a spreadsheet worker's entry file: for each job it is given, inspects the upload
 * (`inspectWorkbook`), then loads the parser (`load`, once: it may require heavy modules such as
 * exceljs, which a refused file never pays for), runs it and posts the result. Refusals go back as such;
 * any other error as `failed` (the API thread logs it and answers 500).
 */
export function serveSpreadsheetJob(load: () => SpreadsheetParser): void {
  const port = parentPort;
  if (!port) throw new Error('serveSpreadsheetJob runs in a worker thread only');
  const post = (m: WorkerMessage) => port.postMessage(m);
  let parser: SpreadsheetParser | undefined;
  const run = async ({ bytes, limits }: WorkerJob) => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    post({ type: 'started' });
    await inspectWorkbook(buffer, limits);
    if (!parser) {
      post({ type: 'loading' });
      parser = load();
    }
    post({ type: 'parsing' });
    return parser(buffer, limits);
  };
  port.on('message', (job: WorkerJob) => {
    run(job).then(
      (value) => post({ type: 'done', value }),
      (err: unknown) =>
        post(
          err instanceof SpreadsheetRefusal
            ? { type: 'refused', kind: err.kind, message: err.message, limit: err.limit }
            : { type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) },
        ),
    );
  });
}
