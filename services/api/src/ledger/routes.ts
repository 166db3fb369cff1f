import { Router } from 'express';
import {
  ENDPOINTS,
  LedgerQuery,
  type LedgerReport,
  LedgerSnapshotBody,
  LedgerSummaryQuery,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../gateway/services';
import { viewerOf } from '../identity/authenticate';
import { XLSX_CONTENT_TYPE } from '../catalogs';
import type { ApiDeps } from '../gateway/deps';
import { divisionName, withBranchNames } from '../directory/store';
import { route } from '../gateway/routing';

const { tasks } = ENDPOINTS;

/** RFC 6266 / 5987: an ASCII fallback plus the UTF-8 name. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The ledger report (台账) over HTTP: the scope's rows as JSON or a download (xlsx, CSV), weekly
 * snapshots and this week against last week. Answered by the tasks service, which checks the scope
 * against the caller's jurisdiction (403 outside).
 */
export function ledgerRoutes(deps: ApiDeps): Router {
  const r = Router();
  // The tasks service checks the scope against the caller's jurisdiction.
  const ledger = { tags: ['ledger'], access: 'user' } as const;

  route(
    r,
    {
      ...ledger,
      method: 'get',
      path: '/ledger',
      operationId: 'getLedger',
      summary: '台账：辖区内的任务行（JSON，或下载 Excel、CSV）',
      scope: { in: 'query', name: 'scope', level: 'county' },
      query: LedgerQuery,
      responses: {
        200: {
          description: '台账：format=json 为 JSON（LedgerReport，每行带支部名称），xlsx、csv 为下载',
          download: ['application/json', XLSX_CONTENT_TYPE, 'text/csv'],
        },
      },
    },
    async ({ query: { format, scope: given, roundId } }, req, res) => {
      const viewer = viewerOf(req);
      const scope = given ?? viewer.jurisdiction;
      if (format === 'json') {
        const ledger = await viaService(() =>
          callEndpoint(deps.nc, 'tasks', 'ledger', { viewer, scope, roundId }),
        );
        const report: LedgerReport = { ...ledger, rows: await withBranchNames(deps.db, ledger.rows) };
        res.json(report);
        return;
      }
      // The county's or township's name heads the workbook.
      const name = await divisionName(deps.db, scope);
      const file = await viaService(() =>
        callEndpoint(
          deps.nc,
          'tasks',
          'ledgerExport',
          { viewer, scope, roundId, format, ...(name ? { scopeName: name } : {}) },
          30_000,
        ),
      );
      res.setHeader('content-type', file.contentType);
      res.setHeader('content-disposition', contentDisposition(file.filename));
      res.send(Buffer.from(file.base64, 'base64'));
    },
  );

  route(
    r,
    {
      ...ledger,
      method: 'post',
      path: '/ledger/snapshot',
      operationId: 'takeLedgerSnapshot',
      summary: '生成本周台账快照',
      scope: { in: 'body', name: 'scope', level: 'county' },
      body: LedgerSnapshotBody,
      responses: { 200: tasks.takeLedgerSnapshot.result },
    },
    async ({ body }, req, res) => {
      const viewer = viewerOf(req);
      res.json(
        await viaService(() =>
          callEndpoint(deps.nc, 'tasks', 'takeLedgerSnapshot', {
            viewer,
            scope: body.scope ?? viewer.jurisdiction,
            roundId: body.roundId,
          }),
        ),
      );
    },
  );

  route(
    r,
    {
      ...ledger,
      method: 'get',
      path: '/ledger/summary',
      operationId: 'getLedgerSummary',
      summary: '本周与上周台账的对比',
      scope: { in: 'query', name: 'scope', level: 'county' },
      query: LedgerSummaryQuery,
      responses: { 200: tasks.ledgerSummary.result },
    },
    async ({ query: q }, req, res) => {
      const viewer = viewerOf(req);
      res.json(
        await viaService(() =>
          callEndpoint(deps.nc, 'tasks', 'ledgerSummary', {
            viewer,
            scope: q.scope ?? viewer.jurisdiction,
            roundId: q.roundId,
            week: q.week,
          }),
        ),
      );
    },
  );

  return r;
}
