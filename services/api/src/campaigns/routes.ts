import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import {
  campaignRoundId,
  CampaignList,
  CampaignPath,
  CampaignProgressQuery,
  ENDPOINTS,
  CampaignRoundsStarted,
  CampaignView,
  DEFAULT_SCHEDULE,
  OpenCampaignRequest,
  related,
  StartCampaignRoundsRequest,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { actorOf } from '../identity/authenticate';
import { serviceProblem } from '../gateway/services';
import type { ApiDeps } from '../gateway/deps';
import { requestSignal } from '../gateway/lifetime';
import { route } from '../gateway/routing';
import { divisionName } from '../directory/store';
import { invalidFields, refuse, type FieldError } from '../refusal';
import { catalogsToPin, checkCalendar, startRound } from '../rounds/start';
import {
  campaignRounds,
  campaignsFor,
  findCampaign,
  insertCampaign,
  provinceCounties,
  type CampaignRow,
} from './store';

/** The province's yearly campaign (年度创建) and the counties' rounds under it (docs/hierarchy.md). */
export function campaignRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['campaigns'];

  async function view(row: CampaignRow): Promise<CampaignView> {
    const counties = await provinceCounties(deps.db, row.province_code);
    const rounds = await campaignRounds(deps.db, row.campaign_id);
    return {
      campaignId: row.campaign_id,
      provinceCode: row.province_code,
      year: row.year,
      title: row.title,
      catalogs: row.settings.catalogs,
      schedule: row.settings.schedule,
      chain: row.settings.chain ?? null,
      openedBy: row.opened_by,
      openedAt: row.opened_at.toISOString(),
      counties: { total: counties.length, withRound: rounds.size },
    };
  }

  /** The campaign, for the users of its province (and 404 for the others: it is not theirs to see). */
  async function readable(campaignId: string, jurisdiction: string): Promise<CampaignRow> {
    const row = await findCampaign(deps.db, campaignId);
    if (!row || !related(jurisdiction, row.province_code))
      throw refuse('not_found', `创建活动 ${campaignId} 不存在`);
    return row;
  }

  route(
    r,
    {
      method: 'post',
      path: '/campaigns',
      operationId: 'openCampaign',
      summary: '省级专班开启年度创建活动（锁定星级目录与期限安排，各县轮次在其下运行）',
      tags,
      access: ['coordinator'],
      scope: { in: 'body', name: 'provinceCode', level: 'province' },
      body: OpenCampaignRequest,
      responses: {
        201: CampaignView,
        400: '请求参数无效，或所选目录版本不存在、期限需用到尚未加载的年份日历（errors 逐项指出字段）',
        409: '该省该年度的创建活动已开启',
      },
    },
    async ({ body }, req, res) => {
      const actor = actorOf(req);
      if (actor.jurisdiction !== body.provinceCode)
        throw refuse('forbidden', '只能由本省的省级专班开启创建活动');
      if (!(await divisionName(deps.db, body.provinceCode)))
        throw refuse('not_found', `省级代码 ${body.provinceCode} 不在目录中`);
      const errors: FieldError[] = [];
      const schedule = body.schedule ?? DEFAULT_SCHEDULE;
      const catalogs = await catalogsToPin(deps.db, body.catalogs, errors);
      await checkCalendar(deps.db, deps.clock(), schedule, body.chain, errors);
      if (errors.length) throw invalidFields(errors);
      const campaignId = `${body.provinceCode}-${body.year}`;
      const settings = {
        roundKey: randomBytes(2).toString('hex'),
        schedule,
        catalogs: catalogs.map((c) => ({ id: c.id, version: c.version })),
        ...(body.chain ? { chain: body.chain } : {}),
      };
      const opened = await insertCampaign(deps.db, { ...body, campaignId, settings, openedBy: actor.userId });
      if (!opened) throw refuse('conflict', `${body.year} 年度的创建活动已开启（${campaignId}）`);
      req.log.info({ campaignId, catalogs: settings.catalogs }, 'campaign opened');
      res
        .status(201)
        .location(`${req.baseUrl}/campaigns/${campaignId}`)
        .json(await view((await findCampaign(deps.db, campaignId))!));
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/campaigns',
      operationId: 'listCampaigns',
      summary: '本省的年度创建活动（最新年度在前）',
      tags,
      access: 'user',
      scope: null,
      responses: { 200: CampaignList },
    },
    async (_input, req, res) => {
      const rows = await campaignsFor(deps.db, actorOf(req).jurisdiction);
      const body: CampaignList = { items: await Promise.all(rows.map(view)) };
      res.json(body);
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/campaigns/:campaignId',
      operationId: 'getCampaign',
      summary: '年度创建活动：锁定的目录、期限安排与已启动轮次的县数',
      tags,
      access: 'user',
      scope: { in: 'path', name: 'campaignId', level: 'province' },
      params: CampaignPath,
      responses: { 200: CampaignView, 404: '创建活动不存在' },
    },
    async ({ params }, req, res) => {
      res.json(await view(await readable(params.campaignId, actorOf(req).jurisdiction)));
    },
  );

  /**
   * The campaign's progress over an area (`code`: the province, a city or a county; default the caller's
   * own, within the province): its rounds' branches by step and status, by the next level down, with the
   * overdue step tasks. Only what lies inside the caller's jurisdiction counts.
   */
  route(
    r,
    {
      method: 'get',
      path: '/campaigns/:campaignId/progress',
      operationId: 'getCampaignProgress',
      summary: '创建活动进度：按环节、状态与下一级地区（省看各市、市看各县、县看各乡镇；限调用者辖区）',
      tags,
      access: 'user',
      scope: { in: 'path', name: 'campaignId', level: 'province' },
      params: CampaignPath,
      query: CampaignProgressQuery,
      responses: { 200: ENDPOINTS.tasks.areaProgress.result, 404: '创建活动不存在' },
    },
    async ({ params, query }, req, res) => {
      const actor = actorOf(req);
      const campaign = await readable(params.campaignId, actor.jurisdiction);
      const roundIds = [...(await campaignRounds(deps.db, campaign.campaign_id)).values()];
      const viewer = { userId: actor.userId, role: actor.role, jurisdiction: actor.jurisdiction };
      const code = query.code ?? campaign.province_code;
      try {
        res.json(await callEndpoint(deps.nc, 'tasks', 'areaProgress', { viewer, roundIds, code }));
      } catch (err) {
        throw serviceProblem(err);
      }
    },
  );

  /**
   * The province starts the counties' rounds under the campaign: those listed, or every county of the
   * province without one. Each county's round is `<campaignId>-<countyCode>-<roundKey>` and counties with
   * a round under the campaign are skipped, so sending it again starts only the ones still missing.
   */
  route(
    r,
    {
      method: 'post',
      path: '/campaigns/:campaignId/rounds',
      operationId: 'startCampaignRounds',
      summary: '省级专班为各县启动创建活动下的轮次（所列各县，或尚未启动的全部县）',
      tags,
      access: ['coordinator'],
      scope: { in: 'path', name: 'campaignId', level: 'province' },
      params: CampaignPath,
      body: StartCampaignRoundsRequest,
      responses: { 200: CampaignRoundsStarted, 404: '创建活动不存在' },
    },
    async ({ params, body }, req, res) => {
      const actor = actorOf(req);
      const campaign = await readable(params.campaignId, actor.jurisdiction);
      if (actor.jurisdiction !== campaign.province_code)
        throw refuse('forbidden', '只能由本省的省级专班为各县启动轮次');
      const counties = await provinceCounties(deps.db, campaign.province_code);
      const known = new Set(counties);
      const wanted = body.countyCodes ?? counties;
      const unknown = wanted.flatMap((code, i) =>
        known.has(code) ? [] : [{ field: `body.countyCodes.${i}`, message: `县 ${code} 不在本省目录中` }],
      );
      if (unknown.length) throw invalidFields(unknown);
      const existing = await campaignRounds(deps.db, campaign.campaign_id);
      const answer: CampaignRoundsStarted = { campaignId: campaign.campaign_id, started: [], skipped: [] };
      for (const countyCode of wanted) {
        const had = existing.get(countyCode);
        if (had) {
          answer.skipped.push({ countyCode, roundId: had });
          continue;
        }
        const roundId = campaignRoundId(campaign.campaign_id, campaign.settings.roundKey, countyCode);
        const name = (await divisionName(deps.db, countyCode)) ?? countyCode;
        await startRound(
          deps,
          actor,
          {
            roundId,
            countyCode,
            year: campaign.year,
            title: `${name}${campaign.title}`,
            schedule: campaign.settings.schedule,
            pageSize: 200,
            pagesPerRun: 10,
            campaignId: campaign.campaign_id,
          },
          requestSignal(req),
        );
        answer.started.push({ countyCode, roundId });
      }
      req.log.info(
        { campaignId: campaign.campaign_id, started: answer.started.length, skipped: answer.skipped.length },
        'campaign rounds started',
      );
      res.json(answer);
    },
  );

  return r;
}
