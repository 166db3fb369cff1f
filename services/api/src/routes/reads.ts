import { Router } from 'express';
import {
  InboxQuery,
  MarkReadBody,
  RankingsQuery,
  within,
  type Actor,
  type Viewer,
} from '@fivestar/contracts';
import { callEndpoint, RequestError } from '@fivestar/platform';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';
import { badRequest, forbidden, notFound, Problem } from '../problem';
import { parse } from '../validate';

const viewerOf = (a: Actor): Viewer => ({ userId: a.userId, role: a.role, jurisdiction: a.jurisdiction });

/** Reads answered by the services over NATS request/reply, scoped to the caller. */
export function readRoutes(deps: ApiDeps): Router {
  const r = Router();

  async function ask<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RequestError && err.code === 'invalid') throw badRequest(err.message);
      if (err instanceof RequestError && err.code === 'not_found') throw notFound(err.message);
      if (err instanceof RequestError) throw new Problem(502, '后台服务出错', err.message);
      throw new Problem(503, '服务暂不可用', '后台服务未响应，请稍后重试');
    }
  }

  // GET /tasks lives in routes/tasks.ts with the other ledger routes.
  r.get('/inbox', async (req, res) => {
    const q = parse(InboxQuery, req.query, 'query');
    res.json(
      await ask(() =>
        callEndpoint(deps.nc, 'notifications', 'inbox', { viewer: viewerOf(actorOf(req)), ...q }),
      ),
    );
  });

  r.post('/inbox/read', async (req, res) => {
    const { ids } = parse(MarkReadBody, req.body, 'body');
    res.json(
      await ask(() =>
        callEndpoint(deps.nc, 'notifications', 'markRead', { viewer: viewerOf(actorOf(req)), ids }),
      ),
    );
  });

  r.get('/rankings', async (req, res) => {
    const q = parse(RankingsQuery, req.query, 'query');
    const a = actorOf(req);
    if (!within(q.countyCode, a.jurisdiction) && !within(a.jurisdiction, q.countyCode))
      throw forbidden('不在您的管辖范围内');
    res.json(await ask(() => callEndpoint(deps.nc, 'ranking', 'standings', q)));
  });

  return r;
}
