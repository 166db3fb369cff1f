import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  Catalog,
  CatalogDryRun,
  CatalogExportQuery,
  CatalogImported,
  CatalogList,
  CatalogPath,
  CatalogTemplateQuery,
  DryRunQuery,
} from '@fivestar/contracts';
import { actorOf } from '../identity/authenticate';
import { readRawBody } from '../gateway/body';
import {
  exportCatalog,
  getCatalog,
  importCatalog,
  listCatalogs,
  previewImport,
  storeCatalog,
  templateFile,
  XLSX_CONTENT_TYPE,
  type CatalogError,
  type CatalogFile,
} from './';
import type { ApiDeps } from '../gateway/deps';
import { badRequest, conflict, notFound, unsupportedType, type Problem } from '../gateway/problem';
import { route } from '../gateway/routing';

/** Catalogs are small (a county's refinement runs to one or two hundred items): 5 MB is plenty. */
export const CATALOG_MAX_BYTES = 5 * 1024 * 1024;

/** What an import body may be: JSON, the Excel template, or bytes told apart by their content. */
const IMPORT_TYPES = ['application/json', XLSX_CONTENT_TYPE, 'application/octet-stream', 'text/plain'];

function sendFile(res: Response, f: CatalogFile): void {
  // attachment() sets a type from the file extension: ours goes after it.
  res.attachment(f.filename).type(f.contentType).send(f.body);
}

const WORKBOOK = { description: '目录文件', download: ['application/json', XLSX_CONTENT_TYPE] } as const;

/** Catalog versions: anyone signed in reads them, only an administrator imports (see docs/catalogs.md). */
export function catalogRoutes(deps: ApiDeps): Router {
  const r = Router();
  const reader = { tags: ['catalogs'], access: 'user', scope: null } as const;

  route(
    r,
    {
      ...reader,
      method: 'get',
      path: '/catalogs',
      operationId: 'listCatalogs',
      summary: '已保存的星级目录各版本',
      responses: { 200: CatalogList },
    },
    async (_input, _req, res) => {
      res.json({ items: await listCatalogs(deps.db) });
    },
  );

  route(
    r,
    {
      ...reader,
      method: 'get',
      path: '/catalogs/template',
      operationId: 'getCatalogTemplate',
      summary: '目录的 Excel 导入模板',
      query: CatalogTemplateQuery,
      responses: { 200: { description: 'Excel 模板', download: [XLSX_CONTENT_TYPE] } },
    },
    async ({ query: { branchType } }, _req, res) => {
      sendFile(res, await templateFile(branchType));
    },
  );

  async function stored({ id, version }: { id: string; version: number }) {
    const catalog = await getCatalog(deps.db, id, version);
    if (!catalog) throw notFound(`目录 ${id} 第${version}版不存在`);
    return catalog;
  }

  route(
    r,
    {
      ...reader,
      method: 'get',
      path: '/catalogs/:id/:version',
      operationId: 'getCatalog',
      summary: '一个目录版本',
      params: CatalogPath,
      responses: { 200: Catalog, 404: '目录版本不存在' },
    },
    async ({ params }, _req, res) => {
      res.json(await stored(params));
    },
  );

  route(
    r,
    {
      ...reader,
      method: 'get',
      path: '/catalogs/:id/:version/export',
      operationId: 'exportCatalog',
      summary: '导出一个目录版本（JSON 或 Excel）',
      params: CatalogPath,
      query: CatalogExportQuery,
      responses: { 200: WORKBOOK, 404: '目录版本不存在' },
    },
    async ({ params, query: { format } }, _req, res) => {
      sendFile(res, await exportCatalog(await stored(params), format));
    },
  );

  /**
   * Raw body: JSON or an .xlsx workbook (told apart by content). `?dryRun=true` checks everything, the
   * version rule included, and stores nothing. 201 stored, 200 unchanged (an identical re-import),
   * 409 a different body under a stored version (or a lower version), 400 with every error, 413 for a
   * body over CATALOG_MAX_BYTES or a workbook past a spreadsheet limit (unpacked size, compression
   * ratio, rows, cells, ranges, parse time or memory: docs/security.md, 恶意输入).
   */
  route(
    r,
    {
      method: 'post',
      path: '/catalogs/import',
      operationId: 'importCatalog',
      summary: '导入星级目录（JSON 或 Excel 模板；dryRun 只检查）',
      tags: ['catalogs'],
      access: ['admin'],
      // Catalogs are the province's, not a jurisdiction's.
      scope: null,
      query: DryRunQuery,
      rawBody: IMPORT_TYPES,
      responses: {
        201: CatalogImported,
        200: z.union([CatalogDryRun, CatalogImported]),
        409: '该版本已存在且内容不同，或版本号低于已保存的',
        413: '文件过大',
        415: '不支持的内容类型',
      },
    },
    async ({ query: { dryRun } }, req, res) => {
      const actor = actorOf(req);
      const declared = req.get('content-type');
      const mediaType = declared?.split(';')[0]!.trim().toLowerCase();
      if (mediaType && !IMPORT_TYPES.includes(mediaType)) {
        const message = `不支持的内容类型 ${mediaType}：请直接上传 JSON（application/json）或 Excel 工作簿（${XLSX_CONTENT_TYPE}）`;
        throw unsupportedType(message, [{ field: 'header.content-type', message }]);
      }
      const body = await readRawBody(req, res, CATALOG_MAX_BYTES);
      // A workbook is parsed in a worker thread, within the spreadsheet limits (413 past one); the
      // worker is ended as soon as this request is over, answered or abandoned.
      const over = new AbortController();
      res.once('close', () => over.abort());
      const parsed = await importCatalog(body.length ? body : undefined, declared, { signal: over.signal });
      if (!parsed.ok) throw importProblem(parsed.errors);
      const { catalog } = parsed;
      if (dryRun) {
        const outcome = await previewImport(deps.db, catalog);
        res.json({
          dryRun: true,
          outcome: outcome.kind,
          ...outcome.ref,
          ...(outcome.kind === 'conflict' ? { message: outcome.message } : { digest: outcome.digest }),
          catalog,
        });
        return;
      }
      const outcome = await storeCatalog(deps.db, catalog, actor.userId);
      if (outcome.kind === 'conflict') throw conflict(outcome.message);
      req.log.info({ ...outcome.ref, outcome: outcome.kind, bytes: body.length }, 'catalog import');
      if (outcome.kind === 'created') {
        res.location(`${req.baseUrl}/catalogs/${outcome.ref.id}/${outcome.ref.version}`);
      }
      res.status(outcome.kind === 'created' ? 201 : 200).json({
        ...outcome.ref,
        digest: outcome.digest,
        status: outcome.kind,
      });
    },
  );

  return r;
}

/** A 400 problem listing every error (`field` is the JSON path or the sheet!cell). */
export function importProblem(errors: CatalogError[]): Problem {
  return badRequest(
    `目录校验未通过，共${errors.length}处错误`,
    errors.map((e) => ({ field: e.path, message: e.message })),
  );
}
