import { Router, type Request } from 'express';
import {
  ENDPOINTS,
  TaskBulkBody,
  TaskCcBody,
  TaskHistoryQuery,
  TaskKeyBody,
  TaskListQuery,
  TaskPage,
  TaskTargetBody,
  type TaskTarget,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../gateway/services';
import { actorOf, viewerOf } from '../identity/authenticate';
import type { ApiDeps } from '../gateway/deps';
import { activeUsers, withBranchNames } from '../directory/store';
import { fieldErrors } from '../gateway/problem';
import { route } from '../gateway/routing';

const { tasks } = ENDPOINTS;

/**
 * The task ledger (台账) over HTTP: lists by view, the ledger actions and a task's history, answered by
 * the tasks service over NATS and scoped to the caller there. Users named as targets (转办, 委派, 抄送)
 * are resolved from the directory here, so the service checks them against the task's group.
 */
export function taskRoutes(deps: ApiDeps): Router {
  const r = Router();
  // The tasks service scopes every list and action to the caller's own work.
  const mine = { tags: ['tasks'], access: 'user', scope: null } as const;

  /** Active users of the directory by id; an unknown id is a 400 naming its field. */
  async function users(ids: string[], field: (i: number) => string): Promise<TaskTarget[]> {
    const rows = await activeUsers(deps.db, ids);
    const byId = new Map(rows.map((u) => [u.id, u]));
    const errors = ids.flatMap((id, i) =>
      byId.has(id) ? [] : [{ field: field(i), message: `没有该用户：${id}` }],
    );
    if (errors.length > 0) throw fieldErrors(errors);
    return ids.map((id) => {
      const u = byId.get(id)!;
      return { userId: u.id, name: u.name, role: u.role, jurisdiction: u.jurisdiction };
    });
  }

  const acting = (req: Request) => ({ viewer: viewerOf(req), name: actorOf(req).name });

  route(
    r,
    {
      ...mine,
      method: 'get',
      path: '/tasks',
      operationId: 'listTasks',
      summary: '我的任务（待办、已办、逾期、抄送）',
      query: TaskListQuery,
      responses: { 200: TaskPage },
    },
    async ({ query }, req, res) => {
      const page = await viaService(() =>
        callEndpoint(deps.nc, 'tasks', 'list', { viewer: viewerOf(req), ...query }),
      );
      res.json({ ...page, items: await withBranchNames(deps.db, page.items) });
    },
  );

  route(
    r,
    {
      ...mine,
      method: 'get',
      path: '/tasks/history',
      operationId: 'taskHistory',
      summary: '一项任务的办理记录',
      query: TaskHistoryQuery,
      responses: { 200: tasks.history.result, 404: '任务不存在' },
    },
    async ({ query: { key } }, req, res) => {
      res.json(
        await viaService(() => callEndpoint(deps.nc, 'tasks', 'history', { viewer: viewerOf(req), key })),
      );
    },
  );

  const action = {
    ...mine,
    method: 'post',
    responses: { 200: tasks.claim.result, 404: '任务不存在', 409: '任务状态不允许此操作' },
  } as const;
  const simple = [
    ['claim', 'claim', 'claimTask', '认领任务'],
    ['unclaim', 'unclaim', 'unclaimTask', '放弃认领'],
    ['return', 'returnDelegated', 'returnTask', '退回委派的任务'],
  ] as const;
  for (const [path, endpoint, operationId, summary] of simple) {
    route(
      r,
      { ...action, path: `/tasks/${path}`, operationId, summary, body: TaskKeyBody },
      async ({ body }, req, res) => {
        res.json(
          await viaService(() => callEndpoint(deps.nc, 'tasks', endpoint, { ...acting(req), ...body })),
        );
      },
    );
  }

  const targeted = [
    ['reassign', 'reassignTask', '转办任务'],
    ['delegate', 'delegateTask', '委派任务'],
  ] as const;
  for (const [endpoint, operationId, summary] of targeted) {
    route(
      r,
      { ...action, path: `/tasks/${endpoint}`, operationId, summary, body: TaskTargetBody },
      async ({ body: { userId, ...body } }, req, res) => {
        const [to] = await users([userId], () => 'body.userId');
        res.json(
          await viaService(() =>
            callEndpoint(deps.nc, 'tasks', endpoint, { ...acting(req), ...body, to: to! }),
          ),
        );
      },
    );
  }

  route(
    r,
    { ...action, path: '/tasks/cc', operationId: 'ccTask', summary: '抄送任务', body: TaskCcBody },
    async ({ body: { userIds, ...body } }, req, res) => {
      const to = (await users(userIds, (i) => `body.userIds.${i}`)).map((u) => ({
        userId: u.userId,
        name: u.name,
      }));
      res.json(await viaService(() => callEndpoint(deps.nc, 'tasks', 'cc', { ...acting(req), ...body, to })));
    },
  );

  route(
    r,
    {
      ...mine,
      method: 'post',
      path: '/tasks/bulk-claim',
      operationId: 'bulkClaimTasks',
      summary: '批量认领任务（逐项结果）',
      body: TaskBulkBody,
      responses: { 200: tasks.bulkClaim.result },
    },
    async ({ body }, req, res) => {
      // Many rows, each in its own transaction: a longer timeout than a single action.
      res.json(
        await viaService(() =>
          callEndpoint(deps.nc, 'tasks', 'bulkClaim', { ...acting(req), ...body }, 30_000),
        ),
      );
    },
  );

  return r;
}
