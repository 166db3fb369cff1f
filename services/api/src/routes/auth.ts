import { Router, type Response } from 'express';
import {
  ApiTokenPath,
  ChangePasswordRequest,
  CreateApiTokenRequest,
  LoginRequest,
  RefreshRequest,
} from '@fivestar/contracts';
import { actorOf, sessionOf } from '../auth';
import type { ApiDeps } from '../deps';
import {
  changePassword,
  createApiToken,
  listApiTokens,
  LockedOut,
  login,
  refresh,
  revokeApiToken,
  revokeSessions,
} from '../identity';
import { notFound } from '../problem';
import { parse } from '../validate';

/** Sends the lock's Retry-After with the 429; any other problem goes on as it is. */
async function lockAware<T>(res: Response, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LockedOut) res.set('Retry-After', String(err.retryAfter));
    throw err;
  }
}

/** Login and refresh: reached without an access token (see docs/security.md). */
export function publicAuthRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.post('/auth/login', async (req, res) => {
    const body = parse(LoginRequest, req.body, 'body');
    const result = await lockAware(res, () => login(deps, body.username, body.password));
    req.log.info({ userId: result.user.userId }, 'login');
    res.json(result);
  });

  r.post('/auth/refresh', async (req, res) => {
    const { refreshToken } = parse(RefreshRequest, req.body, 'body');
    res.json(await refresh(deps, refreshToken));
  });

  return r;
}

/** The caller's own account: logout, password change and API tokens (a login session only). */
export function authRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.post('/auth/logout', async (req, res) => {
    await revokeSessions(deps.db, { sessionId: sessionOf(req) }, 'logout');
    res.status(204).end();
  });

  r.post('/auth/password', async (req, res) => {
    sessionOf(req);
    const body = parse(ChangePasswordRequest, req.body, 'body');
    const revokedSessions = await lockAware(res, () => changePassword(deps, actorOf(req), body));
    req.log.info({ revokedSessions }, 'password changed');
    res.json({ revokedSessions });
  });

  r.post('/auth/tokens', async (req, res) => {
    sessionOf(req);
    const body = parse(CreateApiTokenRequest, req.body, 'body');
    const created = await createApiToken(deps.db, actorOf(req).userId, body);
    req.log.info({ tokenId: created.id, scopes: created.scopes }, 'api token created');
    res.status(201).json(created);
  });

  r.get('/auth/tokens', async (req, res) => {
    sessionOf(req);
    res.json({ items: await listApiTokens(deps.db, actorOf(req).userId) });
  });

  r.delete('/auth/tokens/:id', async (req, res) => {
    sessionOf(req);
    const { id } = parse(ApiTokenPath, req.params, 'path');
    if (!(await revokeApiToken(deps.db, actorOf(req).userId, id))) throw notFound(`令牌 ${id} 不存在`);
    req.log.info({ tokenId: id }, 'api token revoked');
    res.status(204).end();
  });

  return r;
}
