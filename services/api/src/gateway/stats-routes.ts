import { Router } from 'express';
import { AdminStatsResult, READ_MODEL_SERVICES, type AdminStatsEntry } from '@fivestar/contracts';
import { callEndpoint, RequestError } from '@fivestar/platform';
import { actorOf } from '../identity/authenticate';
import type { ApiDeps } from './deps';
import { route } from './routing';

/** A service that has not answered by then is reported unreachable; the others still are. */
const STATS_TIMEOUT_MS = 2000;

/**
 * Operations view: every read-model service's consumer lag, handler counters and dead letters, asked in
 * parallel over NATS (`fivestar.svc.<service>.stats`). Administrators and coordinators only.
 */
export function adminStatsRoutes(deps: ApiDeps): Router {
  const r = Router();

  route(
    r,
    {
      method: 'get',
      path: '/admin/stats',
      operationId: 'getServiceStats',
      summary: '各读模型服务的消费延迟、计数与死信，及辖区内处理异常的支部',
      tags: ['admin'],
      access: ['admin', 'coordinator'],
      scope: null,
      responses: { 200: AdminStatsResult },
    },
    async (_input, req, res) => {
      const services = await Promise.all(
        READ_MODEL_SERVICES.map(async (service): Promise<AdminStatsEntry> => {
          try {
            const stats = await callEndpoint(deps.nc, service, 'stats', {}, STATS_TIMEOUT_MS);
            return { service, reachable: true, stats };
          } catch (err) {
            const answered = err instanceof RequestError;
            req.log.warn({ service, reason: String(err) }, 'service stats unavailable');
            const error = answered ? `服务出错：${err.message}` : '服务未响应';
            return { service, reachable: false, error };
          }
        }),
      );
      const faults = await callEndpoint(
        deps.nc,
        'tasks',
        'faults',
        { jurisdiction: actorOf(req).jurisdiction },
        STATS_TIMEOUT_MS,
      ).catch(() => null);
      res.json({ services, faults } satisfies AdminStatsResult);
    },
  );

  return r;
}
