import { Router } from 'express';
import {
  InboxQuery,
  MarkReadBody,
  RankingsQuery,
  within,
  type Actor,
  type Viewer,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../services';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';
import { forbidden } from '../problem';
import { parse } from '../validate';

const viewerOf = (a: Actor): Viewer => ({ userId: a.userId, role: a.role, jurisdiction: a.jurisdiction });

/** Reads answered by the services over NATS request/reply, scoped to the caller. */
export function readRoutes(deps: ApiDeps): Router {
  const r = Router();

  // GET /tasks lives in routes/tasks.ts with the other ledger routes.
  r.get('/inbox', async (req, res) => {
    const q = parse(InboxQuery, req.query, 'query');
    res.json(
      await viaService(() =>
        callEndpoint(deps.nc, 'notifications', 'inbox', { viewer: viewerOf(actorOf(req)), ...q }),
      ),
    );
  });

  r.post('/inbox/read', async (req, res) => {
    const { ids } = parse(MarkReadBody, req.body, 'body');
    res.json(
      await viaService(() =>
        callEndpoint(deps.nc, 'notifications', 'markRead', { viewer: viewerOf(actorOf(req)), ids }),
      ),
    );
  });

  r.get('/rankings', async (req, res) => {
    const q = parse(RankingsQuery, req.query, 'query');
    const a = actorOf(req);
    if (!within(q.countyCode, a.jurisdiction) && !within(a.jurisdiction, q.countyCode))
      throw forbidden('不在您的管辖范围内');
    res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'standings', q)));
  });

  return r;
}
