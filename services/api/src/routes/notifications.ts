import { Router } from 'express';
import { z } from 'zod';
import { DeliveriesQuery, WebhookBody, type Actor, type Viewer } from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../services';
import { actorOf, requireRole } from '../auth';
import type { ApiDeps } from '../deps';

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

  r.get('/admin/deliveries', async (req, res) => {
    const viewer = admin(req);
    const q = parse(DeliveriesQuery, req.query, 'query');
    res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'deliveries', { viewer, ...q })));
  });

  r.post('/admin/deliveries/:id/retry', async (req, res) => {
    const viewer = admin(req);
    const { id } = parse(DeliveryPath, req.params, 'path');
    res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'retryDelivery', { viewer, id })));
  });

  r.get('/admin/webhooks', async (req, res) => {
    const viewer = admin(req);
    res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'webhooks', { viewer })));
  });

  r.post('/admin/webhooks', async (req, res) => {
    const viewer = admin(req);
    const webhook = parse(WebhookBody, req.body, 'body');
    res.json(
      await viaService(() => callEndpoint(deps.nc, 'notifications', 'upsertWebhook', { viewer, webhook })),
    );
  });

  return r;
}
