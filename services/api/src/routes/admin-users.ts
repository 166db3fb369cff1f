import { Router } from 'express';
import {
  CreateUserRequest,
  DirectoryImportRequest,
  UpdateUserRequest,
  UsernamePath,
  UsersQuery,
} from '@fivestar/contracts';
import { actorOf, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { createUser, importDirectory, listUsers, updateUser } from '../identity';
import { parse } from '../validate';

/** User administration: an admin, over the users of their own jurisdiction (docs/security.md). */
export function adminUserRoutes(deps: ApiDeps): Router {
  const r = Router();

  function admin(req: Parameters<typeof actorOf>[0]) {
    const actor = actorOf(req);
    requireRole(actor, 'admin');
    return actor;
  }

  r.get('/admin/users', async (req, res) => {
    const actor = admin(req);
    res.json({ items: await listUsers(deps.db, actor, parse(UsersQuery, req.query, 'query')) });
  });

  r.post('/admin/users', async (req, res) => {
    const actor = admin(req);
    const user = await createUser(deps, actor, parse(CreateUserRequest, req.body, 'body'));
    req.log.info({ target: user.id, role: user.role, jurisdiction: user.jurisdiction }, 'user created');
    res.status(201).location(`${req.baseUrl}/admin/users/${user.username}`).json(user);
  });

  r.post('/admin/users/import', async (req, res) => {
    const actor = admin(req);
    const result = await importDirectory(deps, actor, parse(DirectoryImportRequest, req.body, 'body'));
    req.log.info({ county: result.county, ...result.summary }, 'directory imported');
    res.json(result);
  });

  r.patch('/admin/users/:username', async (req, res) => {
    const actor = admin(req);
    const { username } = parse(UsernamePath, req.params, 'path');
    const result = await updateUser(deps, actor, username, parse(UpdateUserRequest, req.body, 'body'));
    req.log.info({ target: result.user.id, change: Object.keys(req.body as object) }, 'user updated');
    res.json(result);
  });

  return r;
}
