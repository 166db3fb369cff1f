import type { BranchType, Catalog } from '@fivestar/contracts';
import { badRequest, type Problem } from '../problem';
import type { CatalogError, CatalogParseResult } from './errors';
import { blankTemplate, catalogToWorkbook, parseCatalogWorkbook } from './excel';
import { catalogToJson, checkCatalogValue, parseCatalogJson } from './json';

/*
 * One call per route, for whoever wires the HTTP endpoints:
 *   GET  …/catalogs/:id/:version?format=json|xlsx  → res.type(f.contentType).attachment(f.filename).send(f.body)
 *        with f = await exportCatalog(catalog, format)
 *   GET  …/catalog-templates/:branchType           → the same with f = await templateFile(branchType)
 *   POST …/catalogs (raw body, JSON or .xlsx)      → const r = await importCatalog(req.body, req.get('content-type'));
 *        if (!r.ok) throw importProblem(r.errors);  then store r.catalog (see versions.ts)
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

/** An .xlsx file is a zip archive: it starts with `PK\x03\x04`. */
const isZip = (b: Uint8Array) =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * Imports a catalog from whatever a route received: raw bytes (an .xlsx workbook, told by its content,
 * or JSON text), a string of JSON, or a value express.json() already decoded.
 */
export function importCatalog(body: unknown, contentType?: string): Promise<CatalogParseResult> {
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    if (isZip(body) || contentType?.includes('spreadsheetml')) return parseCatalogWorkbook(body);
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

/** A 400 problem listing every error (`field` is the JSON path or the sheet!cell). */
export function importProblem(errors: CatalogError[]): Problem {
  return badRequest(
    `目录校验未通过，共${errors.length}处错误`,
    errors.map((e) => ({ field: e.path, message: e.message })),
  );
}
