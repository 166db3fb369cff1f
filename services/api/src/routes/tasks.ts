import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  HumanStep,
  Light,
  TasksQuery,
  TaskView,
  TownshipCode,
  type Actor,
  type TaskTarget,
  type Viewer,
} from '@fivestar/contracts';
import { callEndpoint } from '@fivestar/platform';
import { viaService } from '../services';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';
import { badRequest } from '../problem';
import { parse } from '../validate';

const viewerOf = (a: Actor): Viewer => ({ userId: a.userId, role: a.role, jurisdiction: a.jurisdiction });

/** Task keys contain slashes, so they travel in the body or the query, never in the path. */
const Key = z.string().min(1, '缺少任务编号').max(500);
const Note = z.string().max(500, '备注不能超过500字').optional();
const UserId = z.string().min(1, '缺少用户').max(100);

const TaskListQuery = TasksQuery.extend({
  view: TaskView.optional(),
  step: HumanStep.optional(),
  townshipCode: TownshipCode.optional(),
  light: Light.optional(),
});
const KeyBody = z.object({ key: Key, note: Note });
const TargetBody = KeyBody.extend({ userId: UserId });
const CcBody = KeyBody.extend({ userIds: z.array(UserId).min(1).max(50) });
const BulkBody = z.object({ keys: z.array(Key).min(1).max(200), note: Note });
const HistoryQuery = z.object({ key: Key });

/**
 * The task ledger (台账) over HTTP: lists by view, the ledger actions and a task's history, answered by
 * the tasks service over NATS and scoped to the caller there. Users named as targets (转办, 委派, 抄送)
 * are resolved from the directory here, so the service checks them against the task's group.
 */
export function taskRoutes(deps: ApiDeps): Router {
  const r = Router();

  /** Active users of the directory by id; an unknown id is a 400 naming its field. */
  async function users(ids: string[], field: (i: number) => string): Promise<TaskTarget[]> {
    const rows =
      ids.length === 0
        ? []
        : await deps.db
            .selectFrom('users')
            .select(['id', 'name', 'role', 'jurisdiction'])
            .where('id', 'in', ids)
            .where('active', '=', true)
            .execute();
    const byId = new Map(rows.map((u) => [u.id, u]));
    const errors = ids.flatMap((id, i) =>
      byId.has(id) ? [] : [{ field: field(i), message: `没有该用户：${id}` }],
    );
    if (errors.length > 0) throw badRequest(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    return ids.map((id) => {
      const u = byId.get(id)!;
      return { userId: u.id, name: u.name, role: u.role, jurisdiction: u.jurisdiction };
    });
  }

  const acting = (req: Request) => {
    const a = actorOf(req);
    return { viewer: viewerOf(a), name: a.name };
  };

  r.get('/tasks', async (req, res) => {
    const q = parse(TaskListQuery, req.query, 'query');
    res.json(
      await viaService(() =>
        callEndpoint(deps.nc, 'tasks', 'list', { viewer: viewerOf(actorOf(req)), ...q }),
      ),
    );
  });

  r.get('/tasks/history', async (req, res) => {
    const { key } = parse(HistoryQuery, req.query, 'query');
    res.json(
      await viaService(() =>
        callEndpoint(deps.nc, 'tasks', 'history', { viewer: viewerOf(actorOf(req)), key }),
      ),
    );
  });

  const simple = [
    ['claim', 'claim'],
    ['unclaim', 'unclaim'],
    ['return', 'returnDelegated'],
  ] as const;
  for (const [path, endpoint] of simple) {
    r.post(`/tasks/${path}`, async (req, res) => {
      const body = parse(KeyBody, req.body, 'body');
      res.json(await viaService(() => callEndpoint(deps.nc, 'tasks', endpoint, { ...acting(req), ...body })));
    });
  }

  for (const endpoint of ['reassign', 'delegate'] as const) {
    r.post(`/tasks/${endpoint}`, async (req, res) => {
      const { userId, ...body } = parse(TargetBody, req.body, 'body');
      const [to] = await users([userId], () => 'body.userId');
      res.json(
        await viaService(() =>
          callEndpoint(deps.nc, 'tasks', endpoint, { ...acting(req), ...body, to: to! }),
        ),
      );
    });
  }

  r.post('/tasks/cc', async (req, res) => {
    const { userIds, ...body } = parse(CcBody, req.body, 'body');
    const to = (await users(userIds, (i) => `body.userIds.${i}`)).map((u) => ({
      userId: u.userId,
      name: u.name,
    }));
    res.json(await viaService(() => callEndpoint(deps.nc, 'tasks', 'cc', { ...acting(req), ...body, to })));
  });

  r.post('/tasks/bulk-claim', async (req, res) => {
    const body = parse(BulkBody, req.body, 'body');
    // Many rows, each in its own transaction: a longer timeout than a single action.
    res.json(
      await viaService(() =>
        callEndpoint(deps.nc, 'tasks', 'bulkClaim', { ...acting(req), ...body }, 30_000),
      ),
    );
  });

  return r;
}
