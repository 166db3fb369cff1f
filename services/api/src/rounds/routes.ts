import { Router } from 'express';
import type { Kysely } from 'kysely';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  ENDPOINTS,
  type Catalog,
  type CatalogPick,
  RoundPath,
  RoundList,
  RoundProgressQuery,
  RoundStarted,
  RoundView,
  StartRoundRequest,
  within,
  related,
  beijingDate,
  scheduleReach,
  STEP_LABELS,
  WorkCalendar,
  SCOPE_CODE_LENGTH,
  type ChainTemplate,
  type RoundSchedule,
} from '@fivestar/contracts';
import { calendarExists, calendarInForce } from '../calendars';
import { callEndpoint } from '@fivestar/platform';
import { serviceProblem } from '../gateway/services';
import {
  closeRoundUpdate,
  RoundIdKey,
  roundProgressQuery,
  roundWorkflowId,
  type AssessmentRoundInput,
} from '@fivestar/contracts/workflow';
import { actorOf } from '../identity/authenticate';
import { catalogExists, catalogsInForce, getCatalog } from '../catalogs';
import { countyExists, townshipsOf } from '../directory/store';
import { countyRounds, findRound, recordRound } from './store';
import type { ApiDeps } from '../gateway/deps';
import { conflict, forbidden, notFound, type Problem, fieldErrors } from '../gateway/problem';
import type { ApiDatabase } from '../schema';
import { requestSignal } from '../gateway/lifetime';
import { viaTemporal, withSignal } from '../gateway/temporal';
import { route } from '../gateway/routing';

type Db = Kysely<ApiDatabase>;
type FieldErrors = NonNullable<Problem['errors']>;
/** Every jurisdiction code (6, 9 or 12 digits) begins with its county's six. */
const countyOf = (jurisdiction: string) => jurisdiction.slice(0, 6);

/**
 * The catalogs a round pins: those in force, each branch type's replaced by the picked version when the
 * request picks one. A pick that is not stored, or a second pick of one branch type, is a field error.
 */
async function catalogsToPin(
  db: Db,
  picks: CatalogPick[] | undefined,
  errors: FieldErrors,
): Promise<Catalog[]> {
  const byType = new Map((await catalogsInForce(db)).map((c) => [c.branchType, c]));
  const pickedBy = new Map<string, string>();
  for (const [i, pick] of (picks ?? []).entries()) {
    const field = `body.catalogs.${i}`;
    const catalog = await getCatalog(db, pick.id, pick.version);
    if (!catalog) {
      errors.push(
        (await catalogExists(db, pick.id))
          ? { field: `${field}.version`, message: `目录 ${pick.id} 没有第 ${pick.version} 版` }
          : { field: `${field}.id`, message: `目录 ${pick.id} 不存在` },
      );
      continue;
    }
    const earlier = pickedBy.get(catalog.branchType);
    if (earlier) {
      errors.push({
        field: `${field}.id`,
        message: `目录 ${pick.id} 与 ${earlier} 适用于同一类支部，每类支部只能选一个目录`,
      });
      continue;
    }
    pickedBy.set(catalog.branchType, pick.id);
    byType.set(catalog.branchType, catalog);
  }
  return [...byType.values()];
}

/**
 * The whole schedule against the working-day calendar, from now, as if every step took its full time: a
 * stage reaching a year the calendar does not hold yet is refused (naming the stage) unless the round
 * declares `weekdays-provisional`. Answers the uncovered years the round will count provisionally.
 */
async function checkCalendar(
  db: Db,
  nowMs: number,
  schedule: RoundSchedule,
  chain: ChainTemplate | undefined,
  errors: FieldErrors,
): Promise<number[]> {
  if (!(await calendarExists(db, schedule.calendar))) {
    errors.push({ field: 'body.schedule.calendar', message: `没有工作日历 ${schedule.calendar}` });
    return [];
  }
  const { id, years } = await calendarInForce(db, schedule.calendar);
  const calendar = WorkCalendar.parse({ id, years });
  const reach = scheduleReach(calendar, nowMs, schedule, chain);
  const uncovered = [...new Set(reach.flatMap((s) => s.uncoveredYears))].sort();
  if (schedule.uncoveredYear === 'refuse')
    for (const stage of reach.filter((s) => s.uncoveredYears.length)) {
      const years = stage.uncoveredYears.join('、');
      errors.push({
        field: `body.${stage.field}`,
        message:
          `${STEP_LABELS[stage.step]}的期限及督办（各环节用足时限时约至${beijingDate(stage.lastMilestoneMs)}）` +
          `需用到${years}年的工作日历，该年节假日安排尚未加载。请管理员先在“系统管理—工作日历”加载，` +
          `或在启动时选择“暂按工作日计算，日历加载后自动重排”`,
      });
    }
  return uncovered;
}

/** Each picked township must be one of the county's (its own townships only, never a neighbour's). */
async function checkTownships(
  db: Db,
  countyCode: string,
  codes: string[] | undefined,
  errors: FieldErrors,
): Promise<void> {
  if (!codes) return;
  const known = await townshipsOf(db, countyCode, codes);
  codes.forEach((code, i) => {
    if (!known.has(code))
      errors.push({
        field: `body.townshipCodes.${i}`,
        message: `乡镇 ${code} 不是本县（${countyCode}）的乡镇`,
      });
  });
}

export function roundRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['rounds'];
  const inPath = { in: 'path', name: 'roundId', level: 'round' } as const;

  /**
   * A coordinator starts the county's round. The catalogs in force now (the latest stored version, one per
   * branch type: see catalogsInForce), or the versions `catalogs` picks, are pinned: the workflow input
   * carries them whole, the round row records their {id, version}; later imports never reach a running
   * round. `townshipCodes` limits the round to those townships' branches; `chain`, the province's template
   * of the steps above the county, is passed to every branch (docs/rounds.md).
   */
  route(
    r,
    {
      method: 'post',
      path: '/rounds',
      operationId: 'startRound',
      summary: '启动本县的创建轮次（锁定所选或当前生效的星级目录，可限定乡镇）',
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
      const actor = actorOf(req);
      if (!within(actor.jurisdiction, body.countyCode)) throw forbidden('只能启动本县的创建轮次');
      // The chain above the county is the province's to set (per campaign), not a county's to drop.
      if (body.chain && actor.jurisdiction.length !== SCOPE_CODE_LENGTH.province)
        throw forbidden('评星链路模板由省级专班设定');
      if (!(await countyExists(deps.db, body.countyCode)))
        throw notFound(`县级代码 ${body.countyCode} 不在目录中`);
      const errors: FieldErrors = [];
      const catalogs = await catalogsToPin(deps.db, body.catalogs, errors);
      await checkTownships(deps.db, body.countyCode, body.townshipCodes, errors);
      const provisionalYears = await checkCalendar(deps.db, deps.clock(), body.schedule, body.chain, errors);
      if (errors.length) throw fieldErrors(errors);
      const workflowId = roundWorkflowId(body.roundId);
      const pinned = catalogs.map((c) => ({ id: c.id, version: c.version }));
      const input: AssessmentRoundInput = { ...body, catalogs };
      try {
        await withSignal(deps.temporal, requestSignal(req), () =>
          deps.temporal.workflow.start('assessmentRound', {
            taskQueue: deps.taskQueue,
            workflowId,
            args: [input],
            typedSearchAttributes: new TypedSearchAttributes([{ key: RoundIdKey, value: body.roundId }]),
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          throw conflict(`轮次 ${body.roundId} 已存在`);
        throw err;
      }
      await recordRound(deps.db, {
        round_id: body.roundId,
        county_code: body.countyCode,
        year: body.year,
        title: body.title,
        workflow_id: workflowId,
        started_by: actor.userId,
        catalogs: JSON.stringify(pinned),
        township_codes: body.townshipCodes ? JSON.stringify(body.townshipCodes) : null,
      });
      req.log.info({ roundId: body.roundId, workflowId, catalogs: pinned }, 'round started');
      res.status(201).json({ roundId: body.roundId, workflowId, catalogs: pinned, provisionalYears });
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
      const rows = await countyRounds(deps.db, countyOf(actorOf(req).jurisdiction));
      const body: RoundList = {
        items: rows.map((row) => ({
          roundId: row.round_id,
          title: row.title,
          year: row.year,
          countyCode: row.county_code,
          townshipCodes: row.township_codes,
          startedAt: row.started_at.toISOString(),
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
