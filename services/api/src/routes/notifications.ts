import { Router } from 'express';
import { z } from 'zod';
import { DeliveriesQuery, WebhookBody, type Actor, type Viewer } from '@fivestar/contracts';
import { callEndpoint, RequestError } from '@fivestar/platform';
import { actorOf, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { badRequest, conflict, forbidden, notFound, Problem } from '../problem';
import { parse } from '../validate';

const viewerOf = (a: Actor): Viewer => ({ userId: a.userId, role: a.role, jurisdiction: a.jurisdiction });
const DeliveryPath = z.object({ id: z.string().regex(/^\d{1,18}$/, '投递编号应为数字') });

/** The admin's side of notifications: webhook robots and the delivery log with its dead letters. */
export function notificationRoutes(deps: ApiDeps): Router {
  const r = Router();

  /** The caller, who must be an administrator (403 otherwise). */
  function admin(req: Parameters<typeof actorOf>[0]): Viewer {
    const a = actorOf(req);
    requireRole(a, 'admin');
    return viewerOf(a);
  }

  async function ask<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof RequestError))
        throw new Problem(503, '服务暂不可用', '后台服务未响应，请稍后重试');
      if (err.code === 'invalid') throw badRequest(err.message);
      if (err.code === 'not_found') throw notFound(err.message);
      if (err.code === 'conflict') throw conflict(err.message);
      if (err.code === 'forbidden') throw forbidden(err.message);
      throw new Problem(502, '后台服务出错', err.message);
    }
  }

  r.get('/admin/deliveries', async (req, res) => {
    const viewer = admin(req);
    const q = parse(DeliveriesQuery, req.query, 'query');
    res.json(await ask(() => callEndpoint(deps.nc, 'notifications', 'deliveries', { viewer, ...q })));
  });

  r.post('/admin/deliveries/:id/retry', async (req, res) => {
    const viewer = admin(req);
    const { id } = parse(DeliveryPath, req.params, 'path');
    res.json(await ask(() => callEndpoint(deps.nc, 'notifications', 'retryDelivery', { viewer, id })));
  });

  r.get('/admin/webhooks', async (req, res) => {
    const viewer = admin(req);
    res.json(await ask(() => callEndpoint(deps.nc, 'notifications', 'webhooks', { viewer })));
  });

  r.post('/admin/webhooks', async (req, res) => {
    const viewer = admin(req);
    const webhook = parse(WebhookBody, req.body, 'body');
    res.json(await ask(() => callEndpoint(deps.nc, 'notifications', 'upsertWebhook', { viewer, webhook })));
  });

  return r;
}
