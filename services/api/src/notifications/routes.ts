import { Router, type Request } from 'express';
import {
  DeliveriesQuery,
  DeliveryPath,
  ENDPOINTS,
  MarkReadBody,
  NotificationPreferences,
  SendDigestsRequest,
  WebhookBody,
  type Viewer,
} from '@fivestar/contracts';
import { callEndpoint, RequestError } from '@fivestar/platform';
import { badRequest } from '../gateway/problem';
import { serviceProblem, viaService } from '../gateway/services';
import { viewerOf } from '../identity/authenticate';
import type { ApiDeps } from '../gateway/deps';
import { route } from '../gateway/routing';

const { notifications } = ENDPOINTS;

/**
 * Each user's own side of notifications (archive, preferences) and the admin's: webhook robots, the
 * delivery log with its dead letters, and the daily digest.
 */
export function notificationRoutes(deps: ApiDeps): Router {
  const r = Router();
  const me = (req: Request): Viewer => viewerOf(req);
  const mine = { tags: ['inbox'], access: 'user', scope: null } as const;
  // Webhooks and deliveries: the administrator's own area (the service filters); digests: everyone's.
  const admin = { tags: ['admin'], access: ['admin'], scope: null } as const;

  route(
    r,
    {
      ...mine,
      method: 'post',
      path: '/inbox/archive',
      operationId: 'archiveInbox',
      summary: '归档我的通知',
      body: MarkReadBody,
      responses: { 200: notifications.archive.result },
    },
    async ({ body: { ids } }, req, res) => {
      res.json(
        await viaService(() => callEndpoint(deps.nc, 'notifications', 'archive', { viewer: me(req), ids })),
      );
    },
  );

  route(
    r,
    {
      ...mine,
      method: 'get',
      path: '/me/notification-preferences',
      operationId: 'getNotificationPreferences',
      summary: '我的通知偏好（邮件、短信）',
      responses: { 200: notifications.preferences.result },
    },
    async (_input, req, res) => {
      const viewer = me(req);
      res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'preferences', { viewer })));
    },
  );

  route(
    r,
    {
      ...mine,
      method: 'put',
      path: '/me/notification-preferences',
      operationId: 'setNotificationPreferences',
      summary: '设置我的通知偏好',
      body: NotificationPreferences,
      responses: { 200: notifications.setPreferences.result },
    },
    async ({ body }, req, res) => {
      const viewer = me(req);
      res.json(
        await viaService(() => callEndpoint(deps.nc, 'notifications', 'setPreferences', { viewer, ...body })),
      );
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'get',
      path: '/admin/deliveries',
      operationId: 'listDeliveries',
      summary: '通知投递记录与死信',
      query: DeliveriesQuery,
      responses: { 200: notifications.deliveries.result },
    },
    async ({ query }, req, res) => {
      const viewer = me(req);
      res.json(
        await viaService(() => callEndpoint(deps.nc, 'notifications', 'deliveries', { viewer, ...query })),
      );
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'post',
      path: '/admin/deliveries/:id/retry',
      operationId: 'retryDelivery',
      summary: '重投一条失败的投递',
      params: DeliveryPath,
      responses: { 200: notifications.retryDelivery.result, 404: '投递不存在' },
    },
    async ({ params: { id } }, req, res) => {
      const viewer = me(req);
      res.json(
        await viaService(() => callEndpoint(deps.nc, 'notifications', 'retryDelivery', { viewer, id })),
      );
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'post',
      path: '/admin/digests',
      operationId: 'sendDigests',
      summary: '发送某日的每日汇总通知',
      body: SendDigestsRequest,
      responses: { 200: notifications.sendDigests.result },
    },
    async ({ body: { day } }, _req, res) => {
      res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'sendDigests', { day })));
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'get',
      path: '/admin/webhooks',
      operationId: 'listWebhooks',
      summary: '通知机器人（Webhook）',
      responses: { 200: notifications.webhooks.result },
    },
    async (_input, req, res) => {
      const viewer = me(req);
      res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'webhooks', { viewer })));
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'post',
      path: '/admin/webhooks',
      operationId: 'upsertWebhook',
      summary: '新建或修改通知机器人',
      scope: { in: 'body', name: 'jurisdiction', level: 'county' },
      body: WebhookBody,
      responses: { 200: notifications.upsertWebhook.result },
    },
    async ({ body: webhook }, req, res) => {
      const viewer = me(req);
      try {
        res.json(await callEndpoint(deps.nc, 'notifications', 'upsertWebhook', { viewer, webhook }));
      } catch (err) {
        // The service resolves the URL and refuses a private, loopback, … target unless allowed
        // (WEBHOOK_ALLOWED_HOSTS, docs/security.md): the URL is all it judges of this validated body.
        if (err instanceof RequestError && err.code === 'invalid')
          throw badRequest(err.message, [{ field: 'body.url', message: err.message }]);
        throw serviceProblem(err);
      }
    },
  );

  return r;
}
