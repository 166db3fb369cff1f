import { Router } from 'express';
import { z } from 'zod';
import {
  DeliveriesQuery,
  MarkReadBody,
  NotificationPreferences,
  SendDigestsRequest,
  WebhookBody,
  type Actor,
  type Viewer,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../services';
import { actorOf, requireRole } from '../auth';
import type { ApiDeps } from '../deps';

import { parse } from '../validate';

const viewerOf = (a: Actor): Viewer => ({ userId: a.userId, role: a.role, jurisdiction: a.jurisdiction });
const DeliveryPath = z.object({ id: z.string().regex(/^\d{1,18}$/, '投递编号应为数字') });

/**
 * Each user's own side of notifications (archive, preferences) and the admin's: webhook robots, the
 * delivery log with its dead letters, and the daily digest.
 */
export function notificationRoutes(deps: ApiDeps): Router {
  const r = Router();
  const me = (req: Parameters<typeof actorOf>[0]): Viewer => viewerOf(actorOf(req));

  r.post('/inbox/archive', async (req, res) => {
    const { ids } = parse(MarkReadBody, req.body, 'body');
    res.json(
      await viaService(() => callEndpoint(deps.nc, 'notifications', 'archive', { viewer: me(req), ids })),
    );
  });

  r.get('/me/notification-preferences', async (req, res) => {
    const viewer = me(req);
    res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'preferences', { viewer })));
  });

  r.put('/me/notification-preferences', async (req, res) => {
    const viewer = me(req);
    const prefs = parse(NotificationPreferences, req.body, 'body');
    res.json(
      await viaService(() => callEndpoint(deps.nc, 'notifications', 'setPreferences', { viewer, ...prefs })),
    );
  });

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

  r.post('/admin/digests', async (req, res) => {
    admin(req);
    const { day } = parse(SendDigestsRequest, req.body, 'body');
    res.json(await viaService(() => callEndpoint(deps.nc, 'notifications', 'sendDigests', { day })));
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
