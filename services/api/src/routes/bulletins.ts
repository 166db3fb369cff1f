import { Router } from 'express';
import { z } from 'zod';
import { CountyCode, Period, RoundId, within, type Actor } from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../services';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';
import { forbidden } from '../problem';
import { parse } from '../validate';

const SnapshotBody = z.object({ countyCode: CountyCode, period: Period, roundId: RoundId.optional() });
const BulletinParams = z.object({ countyCode: CountyCode, period: Period });
const BulletinQuery = z.object({ format: z.enum(['json', 'html', 'xlsx']).default('json') });

/** Monthly ranking snapshots and bulletins (通报), answered by the ranking service. */
export function bulletinRoutes(deps: ApiDeps): Router {
  const r = Router();

  /** Reads: the county itself, anything inside it, or a city above it. */
  function mayRead(a: Actor, countyCode: string): void {
    if (!within(countyCode, a.jurisdiction) && !within(a.jurisdiction, countyCode))
      throw forbidden('不在您的管辖范围内');
  }
  /** Snapshots and publishing: the county's coordinators (县级专班). */
  function mayPublish(a: Actor, countyCode: string): void {
    if (a.role !== 'coordinator') throw forbidden('仅县级专班可以操作月度排名与通报');
    if (!within(countyCode, a.jurisdiction)) throw forbidden('不在您的管辖范围内');
  }

  r.post('/bulletins/snapshot', async (req, res) => {
    const body = parse(SnapshotBody, req.body, 'body');
    mayPublish(actorOf(req), body.countyCode);
    res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'takeSnapshot', body)));
  });

  r.get('/bulletins/:countyCode/:period', async (req, res) => {
    const p = parse(BulletinParams, req.params, 'path');
    const { format } = parse(BulletinQuery, req.query, 'query');
    mayRead(actorOf(req), p.countyCode);
    if (format === 'json') {
      res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'bulletin', p)));
      return;
    }
    const doc = await viaService(() =>
      callEndpoint(deps.nc, 'ranking', 'bulletinDocument', { ...p, format }),
    );
    res.setHeader('content-type', doc.contentType);
    if (format === 'xlsx') res.setHeader('content-disposition', `attachment; filename="${doc.fileName}"`);
    res.send(Buffer.from(doc.base64, 'base64'));
  });

  r.post('/bulletins/:countyCode/:period/publish', async (req, res) => {
    const p = parse(BulletinParams, req.params, 'path');
    const a = actorOf(req);
    mayPublish(a, p.countyCode);
    res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'publishBulletin', { ...p, actor: a })));
  });

  return r;
}
