import { Router } from 'express';
import { ZodError } from 'zod';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import {
  CalendarList,
  CalendarPath,
  CalendarView,
  CalendarYearLoaded,
  CalendarYearPath,
  DryRunQuery,
  LoadCalendarYear,
} from '@fivestar/contracts';
import { calendarReplanWorkflowId } from '@fivestar/contracts/workflow';
import { actorOf } from '../identity/authenticate';
import { calendarExists, calendarView, listCalendars, loadCalendarYear } from './';
import type { ApiDeps } from '../gateway/deps';
import { fieldErrors, notFound } from '../gateway/problem';
import { route } from '../gateway/routing';
import { requestSignal } from '../gateway/lifetime';
import { viaTemporal } from '../gateway/temporal';

/**
 * The working-day calendar (docs/calendar.md): anyone signed in reads it (deadlines are shown on it); an
 * administrator loads a year once the State Council publishes it — previewed first (`dryRun`), stored as a
 * new version, audited like every command — and every deadline counted provisionally in it is planned again.
 */
export function calendarRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['calendars'];

  route(
    r,
    {
      method: 'get',
      path: '/calendars',
      operationId: 'listCalendars',
      summary: '工作日历及其已有年份',
      tags,
      access: 'user',
      scope: null,
      responses: { 200: CalendarList },
    },
    async (_input, _req, res) => {
      const items = await Promise.all(
        (await listCalendars(deps.db)).map(async (id) => {
          const view = await calendarView(deps.db, id);
          return { id, revision: view.revision, years: view.years.map((y) => y.year) };
        }),
      );
      res.json({ items } satisfies CalendarList);
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/calendars/:calendarId',
      operationId: 'getCalendar',
      summary: '工作日历：各年的节假日与调休上班日（含版本）',
      tags,
      access: 'user',
      scope: null,
      params: CalendarPath,
      responses: { 200: CalendarView, 404: '没有该日历' },
    },
    async ({ params: { calendarId } }, _req, res) => {
      if (!(await calendarExists(deps.db, calendarId))) throw notFound(`没有工作日历 ${calendarId}`);
      res.json(await calendarView(deps.db, calendarId));
    },
  );

  route(
    r,
    {
      method: 'post',
      path: '/calendars/:calendarId/years/:year',
      operationId: 'loadCalendarYear',
      summary: '加载（或预览）一年的节假日安排；暂按工作日计算的期限随即重新计算',
      tags,
      access: ['admin'],
      scope: null,
      params: CalendarYearPath,
      query: DryRunQuery,
      body: LoadCalendarYear,
      responses: {
        200: CalendarYearLoaded,
        400: '日期不在该年、调休上班日不是周末、同一天既放假又上班等（errors 逐项指出）',
      },
    },
    async ({ params: { calendarId, year }, query: { dryRun }, body }, req, res) => {
      const actor = actorOf(req);
      let loaded;
      try {
        loaded = await loadCalendarYear(deps.db, calendarId, year, body, actor.userId, dryRun);
      } catch (err) {
        if (!(err instanceof ZodError)) throw err;
        // The calendar's paths run ['years', '2027', 'workdays', 1]: the body is the year itself.
        throw fieldErrors(
          err.issues.map((i) => ({
            field: ['body', ...i.path.slice(2).map(String)].join('.'),
            message: i.message,
          })),
        );
      }
      let replanWorkflowId: string | null = null;
      if (!dryRun && loaded.changed) {
        const input = { calendarId, year, revision: loaded.revision };
        replanWorkflowId = calendarReplanWorkflowId(input);
        const workflowId = replanWorkflowId;
        await viaTemporal(deps.temporal, requestSignal(req), workflowId, () =>
          deps.temporal.workflow.start('calendarReplan', {
            taskQueue: deps.taskQueue,
            workflowId,
            args: [input],
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          }),
        );
        req.log.info({ calendarId, year, version: loaded.version, replanWorkflowId }, 'calendar year loaded');
      }
      res.json({ ...loaded, replanWorkflowId } satisfies CalendarYearLoaded);
    },
  );

  return r;
}
