import { Router } from 'express';
import {
  BulletinPath,
  BulletinQuery,
  BulletinSnapshotBody,
  ENDPOINTS,
  RankingsQuery,
  within,
  type Actor,
  related,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../gateway/services';
import { actorOf } from '../identity/authenticate';
import { XLSX_CONTENT_TYPE } from '../catalogs';
import type { ApiDeps } from '../gateway/deps';
import { forbidden } from '../gateway/problem';
import { route } from '../gateway/routing';

const { ranking } = ENDPOINTS;

/** Monthly ranking snapshots and bulletins (通报), answered by the ranking service. */
export function bulletinRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['bulletins'];
  const inPath = { in: 'path', name: 'countyCode', level: 'county' } as const;

  /** Reads: the county itself, anything inside it, or a city above it. */
  function mayRead(a: Actor, countyCode: string): void {
    if (!related(countyCode, a.jurisdiction)) throw forbidden('不在您的管辖范围内');
  }
  /** Snapshots and publishing: the county's coordinators (县级专班; the role is the route's access). */
  function mayPublish(a: Actor, countyCode: string): void {
    if (!within(countyCode, a.jurisdiction)) throw forbidden('不在您的管辖范围内');
  }

  route(
    r,
    {
      method: 'post',
      path: '/bulletins/snapshot',
      operationId: 'takeBulletinSnapshot',
      summary: '生成（或重新生成）某月的排名快照',
      tags,
      access: ['coordinator'],
      scope: { in: 'body', name: 'countyCode', level: 'county' },
      body: BulletinSnapshotBody,
      responses: { 200: ranking.takeSnapshot.result },
    },
    async ({ body }, req, res) => {
      mayPublish(actorOf(req), body.countyCode);
      res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'takeSnapshot', body)));
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/bulletins/:countyCode/:period',
      operationId: 'getBulletin',
      summary: '某县某月的通报（JSON、HTML 或 Excel）',
      tags,
      access: 'user',
      scope: inPath,
      params: BulletinPath,
      query: BulletinQuery,
      responses: {
        200: {
          description: '通报：format=json 为 JSON，html 为网页，xlsx 为 Excel 工作簿',
          download: ['application/json', 'text/html', XLSX_CONTENT_TYPE],
        },
        404: '该月尚无排名快照',
      },
    },
    async ({ params, query: { format } }, req, res) => {
      mayRead(actorOf(req), params.countyCode);
      if (format === 'json') {
        res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'bulletin', params)));
        return;
      }
      const doc = await viaService(() =>
        callEndpoint(deps.nc, 'ranking', 'bulletinDocument', { ...params, format }),
      );
      res.setHeader('content-type', doc.contentType);
      if (format === 'xlsx') res.setHeader('content-disposition', `attachment; filename="${doc.fileName}"`);
      res.send(Buffer.from(doc.base64, 'base64'));
    },
  );

  route(
    r,
    {
      method: 'post',
      path: '/bulletins/:countyCode/:period/publish',
      operationId: 'publishBulletin',
      summary: '发布某县某月的通报（仅一次）',
      tags,
      access: ['coordinator'],
      scope: inPath,
      params: BulletinPath,
      responses: { 200: ranking.publishBulletin.result, 404: '该月尚无排名快照' },
    },
    async ({ params }, req, res) => {
      const a = actorOf(req);
      mayPublish(a, params.countyCode);
      res.json(
        await viaService(() => callEndpoint(deps.nc, 'ranking', 'publishBulletin', { ...params, actor: a })),
      );
    },
  );

  return r;
}

/** The county's standings (星级排名), answered by the ranking service. */
export function rankingRoutes(deps: ApiDeps): Router {
  const r = Router();

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
