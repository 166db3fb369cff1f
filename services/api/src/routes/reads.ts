import { Router } from 'express';
import { ENDPOINTS, InboxQuery, MarkReadBody, RankingsQuery, related } from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../services';
import { actorOf, viewerOf } from '../auth';
import type { ApiDeps } from '../deps';
import { forbidden } from '../problem';
import { route } from '../routing';

/** Reads answered by the services over NATS request/reply, scoped to the caller. */
export function readRoutes(deps: ApiDeps): Router {
  const r = Router();
  const mine = { tags: ['inbox'], access: 'user', scope: null } as const;

  // GET /tasks lives in routes/tasks.ts with the other ledger routes.
  route(
    r,
    {
      ...mine,
      method: 'get',
      path: '/inbox',
      operationId: 'getInbox',
      summary: '我的通知',
      query: InboxQuery,
      responses: { 200: ENDPOINTS.notifications.inbox.result },
    },
    async ({ query }, req, res) => {
      res.json(
        await viaService(() =>
          callEndpoint(deps.nc, 'notifications', 'inbox', { viewer: viewerOf(req), ...query }),
        ),
      );
    },
  );

  route(
    r,
    {
      ...mine,
      method: 'post',
      path: '/inbox/read',
      operationId: 'markNoticesRead',
      summary: '将我的通知标为已读',
      body: MarkReadBody,
      responses: { 200: ENDPOINTS.notifications.markRead.result },
    },
    async ({ body: { ids } }, req, res) => {
      res.json(
        await viaService(() =>
          callEndpoint(deps.nc, 'notifications', 'markRead', { viewer: viewerOf(req), ids }),
        ),
      );
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/rankings',
      operationId: 'getRankings',
      summary: '县内各支部的星级排名',
      tags: ['rankings'],
      access: 'user',
      scope: { in: 'query', name: 'countyCode', level: 'county' },
      query: RankingsQuery,
      responses: { 200: ENDPOINTS.ranking.standings.result },
    },
    async ({ query }, req, res) => {
      const a = actorOf(req);
      if (!related(query.countyCode, a.jurisdiction)) throw forbidden('不在您的管辖范围内');
      res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'standings', query)));
    },
  );

  return r;
}
