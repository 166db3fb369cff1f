import { Router } from 'express';
import {
  ENDPOINTS,
  RoundPath,
  RoundList,
  RoundProgressQuery,
  RoundStarted,
  RoundView,
  StartRoundRequest,
  related,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { serviceProblem } from '../gateway/services';
import { closeRoundUpdate, roundProgressQuery } from '@fivestar/contracts/workflow';
import { actorOf } from '../identity/authenticate';
import { areaRounds, findRound } from './store';
import type { ApiDeps } from '../gateway/deps';
import { forbidden, notFound } from '../gateway/problem';
import { requestSignal } from '../gateway/lifetime';
import { viaTemporal } from '../gateway/temporal';
import { route } from '../gateway/routing';
import { startRound } from './start';

export function roundRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['rounds'];
  const inPath = { in: 'path', name: 'roundId', level: 'round' } as const;

  /** A coordinator starts the county's round (rounds/start.ts). */
  route(
    r,
    {
      method: 'post',
      path: '/rounds',
      operationId: 'startRound',
      summary: '启动本县的创建轮次（锁定所选或当前生效的星级目录，可限定乡镇；可在省级创建活动下启动）',
      tags,
      access: ['coordinator'],
      scope: { in: 'body', name: 'countyCode', level: 'county' },
      body: StartRoundRequest,
      responses: {
        201: RoundStarted,
        400: '请求参数无效，或所选目录版本不存在、同类支部重复选目录、乡镇不属于本县、期限需用到尚未加载的年份日历（errors 逐项指出字段）',
        404: '县级代码不在目录中',
        409: '轮次已存在',
      },
    },
    async ({ body }, req, res) => {
      const started = await startRound(deps, actorOf(req), body, requestSignal(req));
      req.log.info(
        { roundId: body.roundId, workflowId: started.workflowId, catalogs: started.catalogs },
        'round started',
      );
      res.status(201).json(started);
    },
  );

  /** The rounds of the caller's county, newest first: a township or branch user sees its county's. */
  route(
    r,
    {
      method: 'get',
      path: '/rounds',
      operationId: 'listRounds',
      summary: '本县的创建轮次（最新在前）',
      tags,
      access: 'user',
      scope: null,
      responses: { 200: RoundList },
    },
    async (_input, req, res) => {
      // A township's or branch's user sees its county's rounds; a city's or the province's, all of theirs.
      const rows = await areaRounds(deps.db, actorOf(req).jurisdiction.slice(0, 6));
      const body: RoundList = {
        items: rows.map((row) => ({
          roundId: row.round_id,
          title: row.title,
          year: row.year,
          countyCode: row.county_code,
          townshipCodes: row.township_codes,
          startedAt: row.started_at.toISOString(),
          campaignId: row.campaign_id,
        })),
      };
      res.json(body);
    },
  );

  async function roundOf(roundId: string, actorJurisdiction: string) {
    const round = await findRound(deps.db, roundId);
    if (!round) throw notFound(`轮次 ${roundId} 不存在`);
    const inside = related(actorJurisdiction, round.county_code);
    if (!inside) throw forbidden('不在您的管辖范围内');
    return round;
  }

  route(
    r,
    {
      method: 'get',
      path: '/rounds/:roundId',
      operationId: 'getRound',
      summary: '轮次的启动进度与锁定的目录',
      tags,
      access: 'user',
      scope: inPath,
      params: RoundPath,
      responses: { 200: RoundView, 404: '轮次不存在' },
    },
    async ({ params: { roundId } }, req, res) => {
      const round = await roundOf(roundId, actorOf(req).jurisdiction);
      const progress = await viaTemporal(deps.temporal, requestSignal(req), round.workflow_id, (h) =>
        h.query(roundProgressQuery),
      );
      res.json({
        roundId,
        countyCode: round.county_code,
        year: round.year,
        title: round.title,
        catalogs: round.catalogs,
        townshipCodes: round.township_codes,
        progress,
      });
    },
  );

  /**
   * Round progress by step, status and township (the tasks service's read model, kept from events), with
   * each township's overdue step tasks. Only what lies inside the caller's jurisdiction counts;
   * `countyCode` / `townshipCode` narrow it (a code off the caller's path is 403).
   */
  route(
    r,
    {
      method: 'get',
      path: '/rounds/:roundId/progress',
      operationId: 'getRoundProgress',
      summary: '轮次进度：按环节、状态与乡镇（限调用者辖区）',
      tags,
      access: 'user',
      scope: inPath,
      params: RoundPath,
      query: RoundProgressQuery,
      responses: { 200: ENDPOINTS.tasks.progress.result, 404: '轮次不存在' },
    },
    async ({ params: { roundId }, query: q }, req, res) => {
      const actor = actorOf(req);
      await roundOf(roundId, actor.jurisdiction);
      const viewer = { userId: actor.userId, role: actor.role, jurisdiction: actor.jurisdiction };
      try {
        res.json(await callEndpoint(deps.nc, 'tasks', 'progress', { viewer, roundId, ...q }));
      } catch (err) {
        throw serviceProblem(err);
      }
    },
  );

  route(
    r,
    {
      method: 'post',
      path: '/rounds/:roundId/close',
      operationId: 'closeRound',
      summary: '结束轮次',
      tags,
      access: ['coordinator'],
      scope: inPath,
      params: RoundPath,
      responses: { 200: '轮次与结束时的进度', 404: '轮次不存在', 409: '轮次不能结束' },
    },
    async ({ params: { roundId } }, req, res) => {
      const actor = actorOf(req);
      const round = await roundOf(roundId, actor.jurisdiction);
      const progress = await viaTemporal(deps.temporal, requestSignal(req), round.workflow_id, (h) =>
        h.executeUpdate(closeRoundUpdate, { args: [{ actor }] }),
      );
      res.json({ roundId, progress });
    },
  );

  return r;
}
