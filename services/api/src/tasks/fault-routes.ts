import { Router } from 'express';
import { FaultsQuery, FaultsResult } from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { actorOf } from '../identity/authenticate';
import type { ApiDeps } from '../gateway/deps';
import { route } from '../gateway/routing';
import { viaService } from '../gateway/services';

/**
 * 系统处理异常 inside the caller's jurisdiction: branches whose workflow keeps failing (a calendar year
 * not loaded, a service down), by cause, from the task ledger's record of the worker's alerts.
 */
export function faultRoutes(deps: ApiDeps): Router {
  const r = Router();
  route(
    r,
    {
      method: 'get',
      path: '/faults',
      operationId: 'listFaults',
      summary: '处理异常的支部（按原因汇总）',
      tags: ['admin'],
      access: 'user',
      scope: null,
      query: FaultsQuery,
      responses: { 200: FaultsResult },
    },
    async ({ query }, req, res) => {
      const jurisdiction = actorOf(req).jurisdiction;
      res.json(await viaService(() => callEndpoint(deps.nc, 'tasks', 'faults', { jurisdiction, ...query })));
    },
  );
  return r;
}
