import { Router } from 'express';
import { z } from 'zod';
import { CountyCode, Period, RoundId, within, type Actor } from '@fivestar/contracts';
import { callEndpoint, RequestError } from '@fivestar/platform';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';
import { badRequest, forbidden, notFound, Problem } from '../problem';
import { parse } from '../validate';

const SnapshotBody = z.object({ countyCode: CountyCode, period: Period, roundId: RoundId.optional() });
const BulletinParams = z.object({ countyCode: CountyCode, period: Period });
const BulletinQuery = z.object({ format: z.enum(['json', 'html', 'xlsx']).default('json') });

/** Monthly ranking snapshots and bulletins (通报), answered by the ranking service. */
export function bulletinRoutes(deps: ApiDeps): Router {
  const r = Router();

  async function ask<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RequestError && err.code === 'invalid') throw badRequest(err.message);
      if (err instanceof RequestError && err.code === 'not_found') throw notFound(err.message);
      if (err instanceof RequestError && err.code === 'conflict') throw new Problem(409, '冲突', err.message);
      if (err instanceof RequestError) throw new Problem(502, '后台服务出错', err.message);
      throw new Problem(503, '服务暂不可用', '后台服务未响应，请稍后重试');
    }
  }

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
    res.json(await ask(() => callEndpoint(deps.nc, 'ranking', 'takeSnapshot', body)));
  });

  r.get('/bulletins/:countyCode/:period', async (req, res) => {
    const p = parse(BulletinParams, req.params, 'path');
    const { format } = parse(BulletinQuery, req.query, 'query');
    mayRead(actorOf(req), p.countyCode);
    if (format === 'json') {
      res.json(await ask(() => callEndpoint(deps.nc, 'ranking', 'bulletin', p)));
      return;
    }
    const doc = await ask(() => callEndpoint(deps.nc, 'ranking', 'bulletinDocument', { ...p, format }));
    res.setHeader('content-type', doc.contentType);
    if (format === 'xlsx') res.setHeader('content-disposition', `attachment; filename="${doc.fileName}"`);
    res.send(Buffer.from(doc.base64, 'base64'));
  });

  r.post('/bulletins/:countyCode/:period/publish', async (req, res) => {
    const p = parse(BulletinParams, req.params, 'path');
    const a = actorOf(req);
    mayPublish(a, p.countyCode);
    res.json(await ask(() => callEndpoint(deps.nc, 'ranking', 'publishBulletin', { ...p, actor: a })));
  });

  return r;
}
