import { Router } from 'express';
import {
  Actor,
  ApiTokenList,
  ApiTokenPath,
  ChangePasswordRequest,
  CreateApiTokenRequest,
  CreatedApiToken,
  LoginRequest,
  PasswordChanged,
  RefreshRequest,
  SessionTokens,
} from '@fivestar/contracts';
import { actorOf, sessionOf } from './authenticate';
import type { ApiDeps } from '../gateway/deps';
import {
  changePassword,
  createApiToken,
  listApiTokens,
  login,
  refresh,
  revokeApiToken,
  revokeSessions,
} from './';
import { notFound } from '../gateway/problem';
import { route } from '../gateway/routing';

/** Login and refresh: reached without an access token (see docs/security.md). */
export function publicAuthRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['auth'];

  route(
    r,
    {
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      summary: '登录：换取访问令牌与刷新令牌',
      tags,
      access: 'public',
      scope: null,
      body: LoginRequest,
      responses: { 200: SessionTokens, 429: '该地址失败次数过多，请按 Retry-After 稍候再试' },
    },
    async ({ body }, req, res) => {
      const result = await login(deps, body.username, body.password, req.ip);
      req.log.info({ userId: result.user.userId }, 'login');
      res.json(result);
    },
  );

  route(
    r,
    {
      method: 'post',
      path: '/auth/refresh',
      operationId: 'refreshSession',
      summary: '用刷新令牌换取新的令牌（轮换）',
      tags,
      access: 'public',
      scope: null,
      body: RefreshRequest,
      responses: { 200: SessionTokens, 401: '刷新令牌无效、过期或已被使用' },
    },
    async ({ body }, _req, res) => {
      res.json(await refresh(deps, body.refreshToken));
    },
  );

  return r;
}

/** The caller and their own account: logout, password change and API tokens (a login session only). */
export function authRoutes(deps: ApiDeps): Router {
  const r = Router();
  const tags = ['auth'];
  const own = { access: 'user', scope: null, tags } as const;

  route(
    r,
    {
      ...own,
      method: 'get',
      path: '/me',
      operationId: 'getMe',
      summary: '当前调用者',
      responses: { 200: Actor },
    },
    (_input, req, res) => {
      res.json(req.actor);
    },
  );

  route(
    r,
    {
      ...own,
      method: 'post',
      path: '/auth/logout',
      operationId: 'logout',
      summary: '退出登录（吊销本会话）',
      responses: { 204: '已退出' },
    },
    async (_input, req, res) => {
      await revokeSessions(deps.db, { sessionId: sessionOf(req) }, 'logout');
      res.status(204).end();
    },
  );

  route(
    r,
    {
      ...own,
      method: 'post',
      path: '/auth/password',
      operationId: 'changePassword',
      summary: '修改密码（吊销本人所有会话）',
      body: ChangePasswordRequest,
      responses: {
        200: PasswordChanged,
        429: '原密码错误次数过多，暂时锁定（见 Retry-After）',
      },
    },
    async ({ body }, req, res) => {
      sessionOf(req);
      const revokedSessions = await changePassword(deps, actorOf(req), body, req.ip);
      req.log.info({ revokedSessions }, 'password changed');
      res.json({ revokedSessions });
    },
  );

  route(
    r,
    {
      ...own,
      method: 'post',
      path: '/auth/tokens',
      operationId: 'createApiToken',
      summary: '创建 API 令牌（仅显示一次）',
      body: CreateApiTokenRequest,
      responses: { 201: CreatedApiToken },
    },
    async ({ body }, req, res) => {
      sessionOf(req);
      const created = await createApiToken(deps.db, actorOf(req).userId, body);
      req.log.info({ tokenId: created.id, scopes: created.scopes }, 'api token created');
      res.status(201).json(created);
    },
  );

  route(
    r,
    {
      ...own,
      method: 'get',
      path: '/auth/tokens',
      operationId: 'listApiTokens',
      summary: '本人的 API 令牌',
      responses: { 200: ApiTokenList },
    },
    async (_input, req, res) => {
      sessionOf(req);
      res.json({ items: await listApiTokens(deps.db, actorOf(req).userId) });
    },
  );

  route(
    r,
    {
      ...own,
      method: 'delete',
      path: '/auth/tokens/:id',
      operationId: 'revokeApiToken',
      summary: '吊销本人的一个 API 令牌',
      params: ApiTokenPath,
      responses: { 204: '已吊销', 404: '令牌不存在' },
    },
    async ({ params: { id } }, req, res) => {
      sessionOf(req);
      if (!(await revokeApiToken(deps.db, actorOf(req).userId, id))) throw notFound(`令牌 ${id} 不存在`);
      req.log.info({ tokenId: id }, 'api token revoked');
      res.status(204).end();
    },
  );

  return r;
}
