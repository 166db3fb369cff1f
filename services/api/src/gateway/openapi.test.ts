import { Router } from 'express';
import { z } from 'zod';
import { buildOpenApiDocument, openApiPath } from './openapi';
import { declaredRoutes, route } from './routing';

const r = Router();
route(
  r,
  {
    method: 'post',
    path: '/things/:code/poke',
    operationId: 'pokeThing',
    summary: '戳一下',
    tags: ['things'],
    access: ['coordinator'],
    scope: { in: 'path', name: 'code', level: 'branch' },
    params: z.object({ code: z.string() }),
    body: z.object({ note: z.string().optional() }),
    responses: { 200: z.object({ ok: z.boolean() }), 404: '没有' },
  },
  () => undefined,
);
route(
  r,
  {
    method: 'get',
    path: '/ping',
    operationId: 'ping',
    summary: '探活',
    tags: ['things'],
    access: 'public',
    scope: null,
    responses: { 204: '在' },
  },
  () => undefined,
);

test('express paths become OpenAPI templates', () => {
  expect(openApiPath('/rounds/:roundId/branches/:code')).toBe('/rounds/{roundId}/branches/{code}');
  expect(openApiPath('/catalogs/template')).toBe('/catalogs/template');
});

test('an operationId names one route only', () => {
  const again = { ...declaredRoutes().find((s) => s.operationId === 'ping')!, path: '/pong' };
  expect(() => route(Router(), again, () => undefined)).toThrow(/ping/);
});

test('each declaration becomes an operation with its access, scope, security and problems', () => {
  const doc = buildOpenApiDocument() as any;
  const poke = doc.paths['/things/{code}/poke'].post;
  expect(poke).toMatchObject({
    operationId: 'pokeThing',
    security: [{ bearer: [] }],
    'x-fivestar-access': ['coordinator'],
    'x-fivestar-scope': { in: 'path', name: 'code', level: 'branch' },
    requestBody: { required: true },
  });
  expect(Object.keys(poke.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
  expect(poke.responses['404'].content['application/problem+json'].schema.$ref).toBe(
    '#/components/schemas/Problem',
  );
  const ping = doc.paths['/ping'].get;
  expect(ping).toMatchObject({ security: [], 'x-fivestar-access': 'public', 'x-fivestar-scope': null });
  expect(ping.responses).toEqual({ 204: { description: '在' } });
});
