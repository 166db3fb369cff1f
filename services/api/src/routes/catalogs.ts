import { Router, type Response } from 'express';
import { z } from 'zod';
import { BranchType } from '@fivestar/contracts';
import { actorOf, requireRole } from '../auth';
import { readRawBody } from '../body';
import {
  exportCatalog,
  getCatalog,
  importCatalog,
  importProblem,
  listCatalogs,
  previewImport,
  storeCatalog,
  templateFile,
  XLSX_CONTENT_TYPE,
  type CatalogFile,
} from '../catalogs';
import type { ApiDeps } from '../deps';
import { conflict, notFound, unsupportedType } from '../problem';
import { parse } from '../validate';

/** Catalogs are small (a county's refinement runs to one or two hundred items): 5 MB is plenty. */
export const CATALOG_MAX_BYTES = 5 * 1024 * 1024;

const CatalogPath = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, '目录标识应为1到40位小写字母、数字或连字符'),
  version: z.coerce.number().int('版本号必须是正整数').positive('版本号必须是正整数'),
});
const ExportQuery = z.object({ format: z.enum(['json', 'xlsx']).default('json') });
const TemplateQuery = z.object({ branchType: BranchType });
const ImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** What an import body may be: JSON, the Excel template, or bytes told apart by their content. */
const IMPORT_TYPES = ['application/json', XLSX_CONTENT_TYPE, 'application/octet-stream', 'text/plain'];

function sendFile(res: Response, f: CatalogFile): void {
  // attachment() sets a type from the file extension: ours goes after it.
  res.attachment(f.filename).type(f.contentType).send(f.body);
}

/** Catalog versions: anyone signed in reads them, only an administrator imports (see docs/catalogs.md). */
export function catalogRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/catalogs', async (_req, res) => {
    res.json({ items: await listCatalogs(deps.db) });
  });

  r.get('/catalogs/template', async (req, res) => {
    const { branchType } = parse(TemplateQuery, req.query, 'query');
    sendFile(res, await templateFile(branchType));
  });

  async function stored(params: unknown) {
    const { id, version } = parse(CatalogPath, params, 'path');
    const catalog = await getCatalog(deps.db, id, version);
    if (!catalog) throw notFound(`目录 ${id} 第${version}版不存在`);
    return catalog;
  }

  r.get('/catalogs/:id/:version', async (req, res) => {
    res.json(await stored(req.params));
  });

  r.get('/catalogs/:id/:version/export', async (req, res) => {
    const { format } = parse(ExportQuery, req.query, 'query');
    sendFile(res, await exportCatalog(await stored(req.params), format));
  });

  /**
   * Raw body: JSON or an .xlsx workbook (told apart by content). `?dryRun=true` checks everything, the
   * version rule included, and stores nothing. 201 stored, 200 unchanged (an identical re-import),
   * 409 a different body under a stored version (or a lower version), 400 with every error.
   */
  r.post('/catalogs/import', async (req, res) => {
    const actor = actorOf(req);
    requireRole(actor, 'admin');
    const { dryRun } = parse(ImportQuery, req.query, 'query');
    const declared = req.get('content-type');
    const mediaType = declared?.split(';')[0]!.trim().toLowerCase();
    if (mediaType && !IMPORT_TYPES.includes(mediaType)) {
      const message = `不支持的内容类型 ${mediaType}：请直接上传 JSON（application/json）或 Excel 工作簿（${XLSX_CONTENT_TYPE}）`;
      throw unsupportedType(message, [{ field: 'header.content-type', message }]);
    }
    const body = await readRawBody(req, res, CATALOG_MAX_BYTES);
    const parsed = await importCatalog(body.length ? body : undefined, declared);
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
  });

  return r;
}
