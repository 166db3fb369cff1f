import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import {
  AuditExportQuery,
  AuditPage,
  AuditQuery,
  AuditVerifyResult,
  within,
  type AuditEntry,
} from '@fivestar/contracts';
import { actorOf } from '../identity/authenticate';
import { auditDb, auditEntries, auditPage, verifyChain, type AuditFilter } from './';
import type { ApiDeps } from '../gateway/deps';
import { forbidden } from '../gateway/problem';
import { route } from '../gateway/routing';

const CSV_COLUMNS: (keyof AuditEntry)[] = [
  'seq',
  'at',
  'requestId',
  'clientIp',
  'actor',
  'role',
  'jurisdiction',
  'action',
  'target',
  'roundId',
  'branchId',
  'scope',
  'payloadDigest',
  'status',
  'problem',
  'outcomeOf',
  'prevHash',
  'hash',
];

/**
 * One CSV field (RFC 4180 quoting). Audit fields carry text callers chose (login names, paths), so a
 * leading = + - @ is defused with a quote mark: a spreadsheet never runs it as a formula.
 */
function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v).replace(/^[=+\-@\t\r]/, "'$&");
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
const csvLine = (e: AuditEntry) => `${CSV_COLUMNS.map((c) => csvField(e[c])).join(',')}\r\n`;

/** Writes with backpressure: waits for the socket to drain before the next page. */
async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await once(res, 'drain');
}

/**
 * The audit log (docs/audit.md): a county's coordinators and administrators read its entries, scoped like
 * every other read (the entry's jurisdiction inside the reader's); administrators also see anonymous
 * refusals and may verify the chain.
 */
export function auditRoutes(deps: ApiDeps): Router {
  const r = Router();
  const db = auditDb(deps.db);
  const reader = {
    tags: ['audit'],
    access: ['coordinator', 'admin'],
    scope: { in: 'query', name: 'branchId', level: 'branch' },
  } as const;

  function filterFor(req: Request, q: Omit<AuditFilter, 'jurisdiction' | 'withUnscoped'>): AuditFilter {
    const a = actorOf(req);
    if (q.branchId && !within(a.jurisdiction, q.branchId)) throw forbidden('不在您的管辖范围内');
    return { ...q, jurisdiction: a.jurisdiction, withUnscoped: a.role === 'admin' };
  }

  route(
    r,
    {
      ...reader,
      method: 'get',
      path: '/audit',
      operationId: 'listAuditEntries',
      summary: '审计日志（新的在前，按辖区限定）',
      query: AuditQuery,
      responses: { 200: AuditPage },
    },
    async ({ query: { limit, cursor, ...q } }, req, res) => {
      res.json(await auditPage(db, filterFor(req, q), limit, cursor));
    },
  );

  route(
    r,
    {
      ...reader,
      method: 'get',
      path: '/audit/export',
      operationId: 'exportAuditLog',
      summary: '导出审计日志（旧的在前，流式 JSONL 或 CSV）',
      query: AuditExportQuery,
      responses: {
        200: { description: '审计日志文件', download: ['application/jsonl', 'text/csv'] },
      },
    },
    async ({ query: { format, ...q } }, req, res) => {
      const filter = filterFor(req, q);
      const csv = format === 'csv';
      res.setHeader('content-type', csv ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="audit-log.${format}"`);
      try {
        // A BOM so Excel reads the CSV as UTF-8.
        if (csv) await write(res, `\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
        for await (const page of auditEntries(db, filter))
          await write(res, page.map((e) => (csv ? csvLine(e) : `${JSON.stringify(e)}\n`)).join(''));
        res.end();
      } catch (err) {
        // Once the download has started, only a cut connection can tell the client it is incomplete.
        if (!res.headersSent) throw err;
        req.log.error({ err }, 'audit export failed');
        res.destroy();
      }
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/audit/verify',
      operationId: 'verifyAuditChain',
      summary: '校验审计日志的哈希链',
      tags: ['audit'],
      access: ['admin'],
      scope: null,
      responses: { 200: AuditVerifyResult },
    },
    async (_input, _req, res) => {
      res.json(await verifyChain(db));
    },
  );

  return r;
}
