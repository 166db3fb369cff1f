import { Router, type Response } from 'express';
import {
  AreaRankingQuery,
  BulletinPath,
  BulletinQuery,
  BulletinSnapshotBody,
  ENDPOINTS,
  RankingsQuery,
  related,
  within,
  type Actor,
  type BulletinDocumentResult,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../gateway/services';
import { actorOf } from '../identity/authenticate';
import { XLSX_CONTENT_TYPE } from '../catalogs';
import type { ApiDeps } from '../gateway/deps';
import { forbidden } from '../gateway/problem';
import { route } from '../gateway/routing';

const { ranking } = ENDPOINTS;

/** Reads: the area itself, anything inside it, or a level above it (one path of the tree). */
function mayRead(a: Actor, code: string): void {
  if (!related(code, a.jurisdiction)) throw forbidden('不在您的管辖范围内');
}

/** A rendered document as the answer: HTML inline, xlsx as an attachment. */
function sendDocument(res: Response, doc: BulletinDocumentResult): void {
  res.setHeader('content-type', doc.contentType);
  if (doc.fileName.endsWith('.xlsx'))
    res.setHeader('content-disposition', `attachment; filename="${doc.fileName}"`);
  res.send(Buffer.from(doc.base64, 'base64'));
}

const DOCUMENT = ['application/json', 'text/html', XLSX_CONTENT_TYPE] as const;

/**
 * Monthly ranking snapshots and bulletins (通报) of a county (6-digit code), a city (4) or the province
 * (2), answered by the ranking service.
 */
export function bulletinRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['bulletins'];
  const inPath = { in: 'path', name: 'code', level: 'area' } as const;
  const isCounty = (code: string) => code.length === 6;

  /**
   * Snapshots and publishing (the role is the route's access): a county's coordinators (县级专班, as
   * before), a city's or the province's own (市级、省级专班), not those below it.
   */
  function mayPublish(a: Actor, code: string): void {
    const ok = isCounty(code) ? within(code, a.jurisdiction) : a.jurisdiction === code;
    if (!ok) throw forbidden('不在您的管辖范围内');
  }

  route(
    r,
    {
      method: 'post',
      path: '/bulletins/snapshot',
      operationId: 'takeBulletinSnapshot',
      summary: '生成（或重新生成）县、市或省某月的排名快照',
      tags,
      access: ['coordinator'],
      scope: { in: 'body', name: 'code', level: 'area' },
      body: BulletinSnapshotBody,
      responses: { 200: ranking.takeSnapshot.result.or(ranking.takeAreaSnapshot.result) },
    },
    async ({ body: { code: given, countyCode, period, roundId, year, campaignId } }, req, res) => {
      const code = (given ?? countyCode)!;
      mayPublish(actorOf(req), code);
      res.json(
        await viaService<object>(() =>
          isCounty(code)
            ? callEndpoint(deps.nc, 'ranking', 'takeSnapshot', { countyCode: code, period, roundId })
            : callEndpoint(deps.nc, 'ranking', 'takeAreaSnapshot', { code, period, year, campaignId }),
        ),
      );
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/bulletins/:code/:period',
      operationId: 'getBulletin',
      summary: '县、市或省某月的通报（JSON、HTML 或 Excel）',
      tags,
      access: 'user',
      scope: inPath,
      params: BulletinPath,
      query: BulletinQuery,
      responses: {
        200: {
          description:
            '通报：format=json 为 JSON（县：BulletinResult；市、省：AreaBulletinResult），html 为网页，xlsx 为 Excel 工作簿',
          download: DOCUMENT,
        },
        404: '该月尚无排名快照',
      },
    },
    async ({ params: { code, period }, query: { format } }, req, res) => {
      mayRead(actorOf(req), code);
      const county = { countyCode: code, period };
      if (format === 'json') {
        res.json(
          await viaService<object>(() =>
            isCounty(code)
              ? callEndpoint(deps.nc, 'ranking', 'bulletin', county)
              : callEndpoint(deps.nc, 'ranking', 'areaBulletin', { code, period }),
          ),
        );
        return;
      }
      sendDocument(
        res,
        await viaService(() =>
          isCounty(code)
            ? callEndpoint(deps.nc, 'ranking', 'bulletinDocument', { ...county, format })
            : callEndpoint(deps.nc, 'ranking', 'areaBulletinDocument', { code, period, format }),
        ),
      );
    },
  );

  route(
    r,
    {
      method: 'post',
      path: '/bulletins/:code/:period/publish',
      operationId: 'publishBulletin',
      summary: '发布县、市或省某月的通报（仅一次）',
      tags,
      access: ['coordinator'],
      scope: inPath,
      params: BulletinPath,
      responses: { 200: ranking.publishBulletin.result, 404: '该月尚无排名快照' },
    },
    async ({ params: { code, period } }, req, res) => {
      const actor = actorOf(req);
      mayPublish(actor, code);
      res.json(
        await viaService(() =>
          isCounty(code)
            ? callEndpoint(deps.nc, 'ranking', 'publishBulletin', { countyCode: code, period, actor })
            : callEndpoint(deps.nc, 'ranking', 'publishAreaBulletin', { code, period, actor }),
        ),
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
      mayRead(actorOf(req), query.countyCode);
      res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', 'standings', query)));
    },
  );

  const areaScope = { in: 'query', name: 'code', level: 'area' } as const;

  /** A read of an area's figures: JSON from one endpoint, or its HTML / Excel document from the other. */
  function areaDocumentRoute(spec: {
    path: string;
    operationId: string;
    summary: string;
    description: string;
    json: 'areaRanking' | 'fiveStarList';
    document: 'areaRankingDocument' | 'fiveStarListDocument';
  }): void {
    route(
      r,
      {
        method: 'get',
        path: spec.path,
        operationId: spec.operationId,
        summary: spec.summary,
        tags: ['rankings'],
        access: 'user',
        scope: areaScope,
        query: AreaRankingQuery,
        responses: { 200: { description: spec.description, download: DOCUMENT } },
      },
      async ({ query: { format, ...area } }, req, res) => {
        mayRead(actorOf(req), area.code);
        if (format === 'json')
          res.json(await viaService(() => callEndpoint(deps.nc, 'ranking', spec.json, area)));
        else
          sendDocument(
            res,
            await viaService(() => callEndpoint(deps.nc, 'ranking', spec.document, { ...area, format })),
          );
      },
    );
  }

  areaDocumentRoute({
    path: '/rankings/areas',
    operationId: 'getAreaRanking',
    summary: '省内各市或市内各县的星级排名（JSON、HTML 或 Excel）',
    description: '排名：format=json 为 JSON（AreaRankingResult），html 为网页，xlsx 为 Excel 工作簿',
    json: 'areaRanking',
    document: 'areaRankingDocument',
  });
  areaDocumentRoute({
    path: '/rankings/areas/five-star',
    operationId: 'getFiveStarList',
    summary: '省或市的五星支部通报表扬名单（JSON、HTML 或 Excel）',
    description: '名单：format=json 为 JSON（FiveStarListResult），html 为网页，xlsx 为 Excel 工作簿',
    json: 'fiveStarList',
    document: 'fiveStarListDocument',
  });

  return r;
}
