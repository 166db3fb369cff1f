import { Router } from 'express';
import { ENDPOINTS, InboxQuery, MarkReadBody } from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../gateway/services';
import { viewerOf } from '../identity/authenticate';
import type { ApiDeps } from '../gateway/deps';
import { route } from '../gateway/routing';

/** The caller's notices (站内通知), answered by the notifications service and scoped to the caller there. */
export function inboxRoutes(deps: ApiDeps): Router {
  const r = Router();
  const mine = { tags: ['inbox'], access: 'user', scope: null } as const;

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

  return r;
}
