import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import {
  createDocument,
  type ZodOpenApiContentObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { HttpProblem } from '@fivestar/contracts';
import { declaredRoutes, route, type AnyRouteSpec, type RouteResponse } from './routing';

type Document = ReturnType<typeof createDocument>;

/** The service's version (services/api/package.json), two levels above this file in src/ or dist/. */
const VERSION = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

const BINARY = { type: 'string', format: 'binary' } as const;
const SUCCESS: Record<number, string> = { 200: '成功', 201: '已创建', 204: '成功，无响应体' };
/** The problems every route may answer, by what it declares (the layer and authentication add them). */
const INPUT_PROBLEM = '请求参数无效（errors 逐项指出字段）';
const UNAUTHENTICATED = '未登录、令牌过期或无效';
const FORBIDDEN = '角色、管辖范围或 API 令牌的权限范围不允许';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: HttpProblem } },
});

function response(status: number, r: RouteResponse) {
  if (typeof r === 'string') return status >= 400 ? problem(r) : { description: r };
  if ('download' in r) {
    const content: ZodOpenApiContentObject = Object.fromEntries(
      r.download.map((t) => [t, { schema: BINARY }]),
    );
    return { description: r.description, content };
  }
  return { description: SUCCESS[status] ?? '成功', content: { 'application/json': { schema: r } } };
}

function operation(spec: AnyRouteSpec): ZodOpenApiOperationObject {
  const signedIn = spec.access !== 'public';
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, r] of Object.entries(spec.responses))
    responses[`${Number(status)}` as '200'] = response(Number(status), r);
  if (spec.params || spec.query || spec.body || spec.rawBody) responses['400'] ??= problem(INPUT_PROBLEM);
  if (signedIn) {
    responses['401'] ??= problem(UNAUTHENTICATED);
    responses['403'] ??= problem(FORBIDDEN);
  }
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [...spec.tags],
    security: signedIn ? [{ bearer: [] }] : [],
    ...(spec.params || spec.query
      ? {
          requestParams: {
            ...(spec.params && { path: spec.params }),
            ...(spec.query && { query: spec.query }),
          },
        }
      : {}),
    ...(spec.body && {
      requestBody: { required: true, content: { 'application/json': { schema: spec.body } } },
    }),
    ...(spec.rawBody && {
      requestBody: {
        required: true,
        content: Object.fromEntries(spec.rawBody.map((t) => [t, { schema: BINARY }])),
      },
    }),
    responses,
    'x-fivestar-access': spec.access === 'public' || spec.access === 'user' ? spec.access : [...spec.access],
    'x-fivestar-scope': spec.scope && { in: spec.scope.in, name: spec.scope.name, level: spec.scope.level },
  };
}

/** `/rounds/:roundId` → `/rounds/{roundId}` */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

/** The OpenAPI 3.1 document of every declared route (docs/api.md). */
export function buildOpenApiDocument(): Document {
  const routes = declaredRoutes();
  if (routes.length === 0) throw new Error('no route is declared yet: build the app (createApp) first');
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of routes) {
    const key = openApiPath(spec.path);
    paths[key] = { ...paths[key], [spec.method]: operation(spec) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: '五星支部 fivestar API',
      version: VERSION,
      description:
        '河南“五星支部”创建评定平台的 HTTP 接口。x-fivestar-access 给出可调用的角色，x-fivestar-scope 给出须在调用者管辖范围内的请求参数（null：调用者本人的资源）。',
    },
    servers: [{ url: '/api' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: '登录得到的访问令牌（JWT），或以 fst_ 开头的 API 令牌',
        },
      },
    },
    paths,
  });
}

/** GET /openapi.json: public and cacheable; built once, after every route is declared. */
export function openApiRoutes(): Router {
  const r = Router();
  let document: Document | undefined;
  route(
    r,
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: '本接口的 OpenAPI 3.1 文档',
      tags: ['meta'],
      access: 'public',
      scope: null,
      responses: { 200: 'OpenAPI 3.1 文档（JSON）' },
    },
    (_input, _req, res) => {
      document ??= buildOpenApiDocument();
      res.set('cache-control', 'public, max-age=300').json(document);
    },
  );
  return r;
}
