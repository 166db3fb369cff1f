import path from 'node:path';
import type { BranchType, Catalog } from '@fivestar/contracts';
import { Refusal } from '../refusal';
import {
  DEFAULT_SPREADSHEET_LIMITS,
  isZip,
  parseInWorker,
  SpreadsheetRefusal,
  type SpreadsheetLimits,
} from '../spreadsheets';
import type { CatalogParseResult } from './errors';
import { blankTemplate, catalogToWorkbook } from './excel';
import { catalogToJson, checkCatalogValue, parseCatalogJson } from './json';

/*
 * One call per route, for whoever wires the HTTP endpoints:
 *   GET  …/catalogs/:id/:version?format=json|xlsx  → res.type(f.contentType).attachment(f.filename).send(f.body)
 *        with f = await exportCatalog(catalog, format)
 *   GET  …/catalog-templates/:branchType           → the same with f = await templateFile(branchType)
 *   POST …/catalogs (raw body, JSON or .xlsx)      → const r = await importCatalog(req.body, req.get('content-type'));
 *        if (!r.ok) answer its errors (importProblem in routes.ts);  then store r.catalog (see versions.ts)
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export type CatalogFormat = 'json' | 'xlsx';

export interface CatalogFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

export async function exportCatalog(catalog: Catalog, format: CatalogFormat): Promise<CatalogFile> {
  const base = `${catalog.id}.v${catalog.version}`;
  if (format === 'json') {
    return {
      filename: `${base}.json`,
      contentType: JSON_CONTENT_TYPE,
      body: Buffer.from(catalogToJson(catalog), 'utf8'),
    };
  }
  return { filename: `${base}.xlsx`, contentType: XLSX_CONTENT_TYPE, body: await catalogToWorkbook(catalog) };
}

export async function templateFile(branchType: BranchType): Promise<CatalogFile> {
  return {
    filename: `catalog-template-${branchType}.xlsx`,
    contentType: XLSX_CONTENT_TYPE,
    body: await blankTemplate(branchType),
  };
}

/** The worker entry that reads a catalog workbook: `.ts` beside this file under jest/tsx, `.js` in dist. */
const WORKER_ENTRY = path.join(__dirname, `excel-worker${path.extname(__filename)}`);

const NOT_A_WORKBOOK_RESULT: CatalogParseResult = {
  ok: false,
  errors: [{ path: '', message: '文件不是有效的Excel工作簿（.xlsx），旧版 .xls 请另存为 .xlsx 后导入' }],
};

export interface ImportOptions {
  /** The spreadsheet limits (docs/security.md, 恶意输入); tests lower them. */
  limits?: SpreadsheetLimits;
  /** Ends the parse when it aborts (the request is over). */
  signal?: AbortSignal;
}

/**
 * An uploaded .xlsx read safely: held to the spreadsheet limits (zip central directory first, then the
 * inflated bytes counted and the XML scanned) and parsed in a worker thread with a capped heap and a time
 * limit, so a zip bomb or a pathological sheet never stalls the API. A file past a limit throws the 413
 * problem naming it; a broken, encrypted or lying archive is an import error (`ok: false`) like any
 * other unreadable file.
 */
export async function parseCatalogUpload(
  bytes: Uint8Array,
  { limits = DEFAULT_SPREADSHEET_LIMITS, signal }: ImportOptions = {},
): Promise<CatalogParseResult> {
  if (!isZip(bytes)) return NOT_A_WORKBOOK_RESULT;
  try {
    return await parseInWorker<CatalogParseResult>(WORKER_ENTRY, bytes, limits, signal);
  } catch (err) {
    if (!(err instanceof SpreadsheetRefusal)) throw err;
    // A broken archive is reported like any other unreadable file; a limit is its own 413.
    if (err.kind === 'malformed') return { ok: false, errors: [{ path: '', message: err.message }] };
    throw new Refusal('too_large', err.message, [{ field: 'body', message: err.message }]);
  }
}

/**
 * Imports a catalog from whatever a route received: raw bytes (an .xlsx workbook, told by its content,
 * or JSON text), a string of JSON, or a value express.json() already decoded. A workbook goes through
 * `parseCatalogUpload` (throws the 413 problem of a file past a limit, a 503 when too many are read).
 */
export function importCatalog(
  body: unknown,
  contentType?: string,
  options: ImportOptions = {},
): Promise<CatalogParseResult> {
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    if (isZip(body) || contentType?.includes('spreadsheetml')) return parseCatalogUpload(body, options);
    return Promise.resolve(parseCatalogJson(Buffer.from(body).toString('utf8')));
  }
  if (typeof body === 'string') return Promise.resolve(parseCatalogJson(body));
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    return Promise.resolve(checkCatalogValue(body));
  }
  return Promise.resolve({
    ok: false,
    errors: [{ path: '', message: '请上传目录文件：JSON，或按模板填写的Excel工作簿（.xlsx）' }],
  });
}
