import { Router } from 'express';
import { READ_MODEL_SERVICES, type AdminStatsEntry, type AdminStatsResult } from '@fivestar/contracts';
import { callEndpoint, RequestError } from '@fivestar/platform';
import { actorOf, requireRole } from '../auth';
import type { ApiDeps } from '../deps';

/** A service that has not answered by then is reported unreachable; the others still are. */
const STATS_TIMEOUT_MS = 2000;

/**
 * Operations view: every read-model service's consumer lag, handler counters and dead letters, asked in
 * parallel over NATS (`fivestar.svc.<service>.stats`). Administrators and coordinators only.
 */
export function adminStatsRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/admin/stats', async (req, res) => {
    requireRole(actorOf(req), 'admin', 'coordinator');
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
    res.json({ services } satisfies AdminStatsResult);
  });

  return r;
}
