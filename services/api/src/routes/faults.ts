import { Router } from 'express';
import { z } from 'zod';
import { FaultsResult } from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';
import { route } from '../routing';
import { viaService } from '../services';

const FaultsQuery = z.object({
  roundId: z.string().max(40).optional(),
  branchId: z
    .string()
    .regex(/^\d{12}$/, '支部代码应为12位数字')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

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
