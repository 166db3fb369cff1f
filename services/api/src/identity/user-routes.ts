import { Router } from 'express';
import {
  CreateUserRequest,
  DirectoryImportRequest,
  DirectoryImportResult,
  DryRunQuery,
  UpdateUserRequest,
  UserInfo,
  UserList,
  UsernamePath,
  UsersQuery,
} from '@fivestar/contracts';
import { actorOf } from './authenticate';
import type { ApiDeps } from '../gateway/deps';
import { createUser, importDirectory, listUsers, updateUser } from './';
import { route } from '../gateway/routing';

/** User administration: an admin, over the users of their own jurisdiction (docs/security.md). */
export function adminUserRoutes(deps: ApiDeps): Router {
  const r = Router();
  const admin = { access: ['admin'], tags: ['admin'] } as const;

  route(
    r,
    {
      ...admin,
      method: 'get',
      path: '/admin/users',
      operationId: 'listUsers',
      summary: '本辖区的用户',
      scope: { in: 'query', name: 'jurisdiction', level: 'county' },
      query: UsersQuery,
      responses: { 200: UserList },
    },
    async ({ query }, req, res) => {
      res.json({ items: await listUsers(deps.db, actorOf(req), query) });
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'post',
      path: '/admin/users',
      operationId: 'createUser',
      summary: '新建用户',
      scope: { in: 'body', name: 'jurisdiction', level: 'county' },
      body: CreateUserRequest,
      responses: { 201: UserInfo, 409: '用户名已存在' },
    },
    async ({ body }, req, res) => {
      const user = await createUser(deps, actorOf(req), body);
      req.log.info({ target: user.id, role: user.role, jurisdiction: user.jurisdiction }, 'user created');
      res.status(201).location(`${req.baseUrl}/admin/users/${user.username}`).json(user);
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'post',
      path: '/admin/users/import',
      operationId: 'importDirectory',
      summary:
        '导入目录文件（省、市或县的目录：市、县、乡镇、单位、支部与用户，逐行结果）；dryRun=true 时完整检查但不保存',
      scope: { in: 'body', name: 'province.code | city.code | county.code', level: 'county' },
      query: DryRunQuery,
      body: DirectoryImportRequest,
      // A province's 52,000 branches and their users run to tens of MB, and their 110,000 announcements
      // take a minute or more (bench/province-import.ts): not the 10 s of a click.
      jsonLimit: '64mb',
      boundMs: 300_000,
      responses: { 200: DirectoryImportResult },
    },
    async ({ query: { dryRun }, body }, req, res) => {
      const result = await importDirectory(deps, actorOf(req), body, { dryRun });
      req.log.info(
        { root: result.root, dryRun, ...result.summary },
        dryRun ? 'directory import checked' : 'directory imported',
      );
      res.json(result);
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'patch',
      path: '/admin/users/:username',
      operationId: 'updateUser',
      summary: '停用、启用或调整用户（吊销其会话）',
      // The user is named, not a jurisdiction: the handler checks theirs.
      scope: null,
      params: UsernamePath,
      body: UpdateUserRequest,
      responses: { 200: '修改后的用户与吊销的会话数', 404: '用户不存在' },
    },
    async ({ params: { username }, body }, req, res) => {
      const result = await updateUser(deps, actorOf(req), username, body);
      req.log.info({ target: result.user.id, change: Object.keys(req.body as object) }, 'user updated');
      res.json(result);
    },
  );

  return r;
}
