import { Router } from 'express';
import { z } from 'zod';
import { IsoWeek, JurisdictionCode, type Actor, type Viewer } from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../services';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';

import { parse } from '../validate';

const viewerOf = (a: Actor): Viewer => ({ userId: a.userId, role: a.role, jurisdiction: a.jurisdiction });

const RoundId = z.string().min(1, '缺少轮次').max(200);
/** `scope` defaults to the caller's jurisdiction. */
const LedgerQuery = z.object({
  scope: JurisdictionCode.optional(),
  roundId: RoundId.optional(),
  format: z.enum(['json', 'xlsx', 'csv']).default('json'),
});
const SnapshotBody = z.object({ scope: JurisdictionCode.optional(), roundId: RoundId.optional() });
const SummaryQuery = SnapshotBody.extend({ week: IsoWeek.optional() });

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

  /** The display name of a county or township code (the title row of the workbook). */
  async function scopeName(code: string): Promise<string | undefined> {
    if (code.length === 6)
      return (await deps.db.selectFrom('counties').select('name').where('code', '=', code).executeTakeFirst())
        ?.name;
    if (code.length === 9)
      return (
        await deps.db.selectFrom('townships').select('name').where('code', '=', code).executeTakeFirst()
      )?.name;
    return undefined;
  }

  r.get('/ledger', async (req, res) => {
    const { format, scope: given, roundId } = parse(LedgerQuery, req.query, 'query');
    const viewer = viewerOf(actorOf(req));
    const scope = given ?? viewer.jurisdiction;
    if (format === 'json') {
      res.json(await viaService(() => callEndpoint(deps.nc, 'tasks', 'ledger', { viewer, scope, roundId })));
      return;
    }
    const name = await scopeName(scope);
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
  });

  r.post('/ledger/snapshot', async (req, res) => {
    const body = parse(SnapshotBody, req.body ?? {}, 'body');
    const viewer = viewerOf(actorOf(req));
    res.json(
      await viaService(() =>
        callEndpoint(deps.nc, 'tasks', 'takeLedgerSnapshot', {
          viewer,
          scope: body.scope ?? viewer.jurisdiction,
          roundId: body.roundId,
        }),
      ),
    );
  });

  r.get('/ledger/summary', async (req, res) => {
    const q = parse(SummaryQuery, req.query, 'query');
    const viewer = viewerOf(actorOf(req));
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
  });

  return r;
}
