import type { Kysely } from 'kysely';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  beijingDate,
  scheduleReach,
  STEP_LABELS,
  WorkCalendar,
  type Actor,
  type Catalog,
  type CatalogPick,
  type ChainTemplate,
  type RoundSchedule,
  type RoundStarted,
  type StartRoundRequest,
} from '@fivestar/contracts';
import { RoundIdKey, roundWorkflowId, type AssessmentRoundInput } from '@fivestar/contracts/workflow';
import { calendarExists, calendarInForce } from '../calendars';
import { catalogExists, catalogsInForce, getCatalog } from '../catalogs';
import { countyExists, townshipsOf } from '../directory/store';
import { findCampaign } from '../campaigns/store';
import type { ApiDeps } from '../gateway/deps';
import { withSignal } from '../gateway/temporal';
import { invalidFields, refuse, type FieldError } from '../refusal';
import type { ApiDatabase } from '../schema';
import { recordRound } from './store';

type Db = Kysely<ApiDatabase>;
type FieldErrors = FieldError[];

/**
 * The catalogs a round pins: those in force, each branch type's replaced by the picked version when the
 * request picks one. A pick that is not stored, or a second pick of one branch type, is a field error.
 */
export async function catalogsToPin(
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
export async function checkCalendar(
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

/**
 * Who may start a county's round: the county's 专班; under a campaign, the province's too (it may start
 * every county's round at once).
 */
function mayStart(actor: Actor, countyCode: string, campaignProvince: string | undefined): boolean {
  if (actor.role !== 'coordinator') return false;
  return actor.jurisdiction === countyCode || actor.jurisdiction === campaignProvince;
}

/**
 * Starts a county's round for `actor`. The catalogs in force now (the latest stored version, one per
 * branch type: see catalogsInForce), or the versions `catalogs` picks, are pinned: the workflow input
 * carries them whole, the round row records their {id, version}; later imports never reach a running
 * round. `townshipCodes` limits the round to those townships' branches (docs/rounds.md). Under a
 * campaign (`campaignId`), the campaign's catalogs and schedule are the round's (docs/hierarchy.md).
 */
export async function startRound(
  deps: Pick<ApiDeps, 'db' | 'temporal' | 'taskQueue' | 'clock'>,
  actor: Actor,
  body: StartRoundRequest,
  signal: AbortSignal,
): Promise<RoundStarted> {
  const campaign = body.campaignId ? await findCampaign(deps.db, body.campaignId) : undefined;
  if (!mayStart(actor, body.countyCode, campaign?.province_code))
    throw refuse('forbidden', '只能由本县专班启动本县的创建轮次（省级创建活动下也可由省级专班启动）');
  if (!(await countyExists(deps.db, body.countyCode)))
    throw refuse('not_found', `县级代码 ${body.countyCode} 不在目录中`);
  const errors: FieldErrors = [];
  if (body.campaignId && !campaign)
    errors.push({ field: 'body.campaignId', message: `创建活动 ${body.campaignId} 不存在` });
  if (campaign && !body.countyCode.startsWith(campaign.province_code))
    errors.push({ field: 'body.countyCode', message: `县 ${body.countyCode} 不在创建活动的省内` });
  if (campaign && campaign.year !== body.year)
    errors.push({ field: 'body.year', message: `创建活动是 ${campaign.year} 年度的` });
  if (campaign && body.catalogs)
    errors.push({ field: 'body.catalogs', message: '省级创建活动下的轮次使用活动确定的目录，不能另选' });
  // The chain above the county is the province's to set (in its campaign), not a county's to drop.
  if (body.chain && !campaign) throw refuse('forbidden', '评星链路模板由省级专班在创建活动中设定');
  if (campaign && body.chain)
    errors.push({ field: 'body.chain', message: '省级创建活动下的轮次使用活动确定的评星链路，不能另设' });
  const schedule = campaign?.settings.schedule ?? body.schedule;
  const chain = campaign?.settings.chain;
  const catalogs = await catalogsToPin(deps.db, campaign?.settings.catalogs ?? body.catalogs, errors);
  await checkTownships(deps.db, body.countyCode, body.townshipCodes, errors);
  const provisionalYears = await checkCalendar(deps.db, deps.clock(), schedule, chain, errors);
  if (errors.length) throw invalidFields(errors);
  const workflowId = roundWorkflowId(body.roundId);
  const pinned = catalogs.map((c) => ({ id: c.id, version: c.version }));
  const input: AssessmentRoundInput = { ...body, schedule, catalogs, ...(chain ? { chain } : {}) };
  try {
    await withSignal(deps.temporal, signal, () =>
      deps.temporal.workflow.start('assessmentRound', {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [input],
        typedSearchAttributes: new TypedSearchAttributes([{ key: RoundIdKey, value: body.roundId }]),
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw refuse('conflict', `轮次 ${body.roundId} 已存在`);
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
    campaign_id: body.campaignId ?? null,
  });
  return { roundId: body.roundId, workflowId, catalogs: pinned, provisionalYears };
}
