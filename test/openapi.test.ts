/**
 * The OpenAPI document against the routes express really mounts (database `fivestar_test_openapi`): the
 * API service alone (test/api-support.ts) serves the document; an app built by the same `createApp`
 * has its router stacks walked. No undocumented route, no documented route missing, a valid OpenAPI
 * 3.1 document, the two x-fivestar fields on every operation, and docs/openapi.json up to date.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validate } from '@readme/openapi-parser';
import { Client } from '@temporalio/client';
import { createApp, LocalDiskEvidenceStore } from '@fivestar/api';
import { DEFAULT_IDENTITY, tokenIssuer } from '../services/api/src/identity';
import { buildOpenApiDocument, openApiPath } from '../services/api/src/gateway/openapi';
import { startTestApi, type TestApi } from './api-support';
import { connectStream, testEnv } from './support';

const env = testEnv('openapi');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Outside /api: the process's liveness probe for the proxy and the container, not part of the API. */
const NOT_API = ['GET /health'];

type Layer = {
  rawPath?: unknown;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
};

/**
 * Every `METHOD /path` mounted under `prefix`, sub-routers included (express 5 router internals). A
 * path-bound middleware (a rate limit) shows as a route too: it sits on a documented route's path.
 */
function mounted(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = [layer.route.path].flat();
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .flatMap((m) => paths.map((p) => `${m.toUpperCase()} ${prefix}${p}`));
    }
    if (!layer.handle.stack) return [];
    const at = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return mounted(layer.handle.stack, prefix + at);
  });
}

let api: TestApi;
let routes: string[];
let doc: any;

beforeAll(async () => {
  api = await startTestApi(env, '411099');
  const nc = await connectStream(env);
  try {
    const app = createApp({
      db: api.db,
      nc,
      temporal: new Client({ namespace: env.serviceOptions.config.temporalNamespace }),
      taskQueue: 'unused',
      requestBoundMs: 10_000,
      clock: Date.now,
      tokens: tokenIssuer(Buffer.alloc(32)),
      identity: DEFAULT_IDENTITY,
      log: env.log,
      evidence: new LocalDiskEvidenceStore(api.evidenceDir),
    });
    routes = mounted((app as unknown as { router: { stack: Layer[] } }).router.stack);
  } finally {
    await nc.close();
  }
  const res = await fetch(`http://127.0.0.1:${api.port}/api/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toMatch(/public/);
  doc = await res.json();
});

afterAll(async () => {
  await api?.close();
});

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} /api${p}`, op: item[m] })),
  );

test('every mounted route is documented and every documented route is mounted', () => {
  const api = routes
    .filter((r) => !NOT_API.includes(r))
    .map((r) => {
      const [method, p] = r.split(' ');
      return `${method} ${openApiPath(p!)}`;
    });
  expect(routes).toEqual(expect.arrayContaining(NOT_API));
  // No route outside /api but the ones named.
  expect(api.filter((r) => !r.split(' ')[1]!.startsWith('/api/'))).toEqual([]);
  const documented = operations().map((o) => o.key);
  expect(new Set(documented).size).toBe(documented.length);
  // A route mounted outside the layer (a plain router.get) shows here as mounted but undocumented.
  expect([...new Set(api)].sort()).toEqual([...documented].sort());
  expect(documented.length).toBeGreaterThan(60);
});

test('the document is a valid OpenAPI 3.1 document', async () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.servers).toEqual([{ url: '/api' }]);
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  // validate() dereferences in place: give it a copy.
  const result = await validate(structuredClone(doc));
  expect(result.valid ? [] : result.errors).toEqual([]);
});

test('every operation has a unique operationId and both x-fivestar fields', () => {
  const ops = operations();
  const ids = ops.map((o) => o.op.operationId);
  expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  for (const { key, op } of ops) {
    const access = op['x-fivestar-access'];
    const scope = op['x-fivestar-scope'];
    const accessOk = access === 'public' || access === 'user' || (Array.isArray(access) && access.length > 0);
    expect({ key, accessOk }).toEqual({ key, accessOk: true });
    expect({ key, hasScope: 'x-fivestar-scope' in op }).toEqual({ key, hasScope: true });
    if (scope !== null) {
      expect(Object.keys(scope).sort()).toEqual(['in', 'level', 'name']);
      expect(['path', 'query', 'body']).toContain(scope.in);
      expect(['province', 'city', 'area', 'county', 'township', 'branch', 'round']).toContain(scope.level);
    }
    // Public operations need no token; all others take the bearer scheme and may answer 401 / 403.
    expect({ key, security: op.security }).toEqual({
      key,
      security: access === 'public' ? [] : [{ bearer: [] }],
    });
    if (access !== 'public')
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
  }
});

test('a scope in the path or query names a parameter the operation declares', () => {
  for (const { key, op } of operations()) {
    const scope = op['x-fivestar-scope'];
    if (!scope || scope.in === 'body') continue;
    const names = (op.parameters ?? []).filter((p: any) => p.in === scope.in).map((p: any) => p.name);
    expect({ key, names }).toEqual({ key, names: expect.arrayContaining([scope.name]) });
  }
});

test('docs/openapi.json is the document the code declares (else run `npm run openapi`)', () => {
  const file = path.join(__dirname, '..', 'docs', 'openapi.json');
  const checkedIn = JSON.parse(readFileSync(file, 'utf8'));
  expect({ hint: 'run `npm run openapi`', doc: checkedIn }).toEqual({
    hint: 'run `npm run openapi`',
    doc: buildOpenApiDocument(),
  });
  expect(doc).toEqual(checkedIn);
});

test('the layer enforces what the document declares: roles, then path, query and body', async () => {
  const secretary = await api.signIn('sec-411099100201');
  const admin = await api.signIn('admin-411099');
  // x-fivestar-access [admin, coordinator]: a secretary is refused before anything is asked.
  expect(doc.paths['/admin/stats'].get['x-fivestar-access']).toEqual(['admin', 'coordinator']);
  const refused = await secretary.get('/admin/stats');
  expect(refused.status).toBe(403);
  expect(refused.type).toMatch(/application\/problem\+json/);
  const badQuery = await admin.get('/admin/users?role=nobody');
  expect(badQuery.status).toBe(400);
  expect(badQuery.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.role']);
  const badPath = await admin.get('/catalogs/NOT_AN_ID/1');
  expect(badPath.status).toBe(400);
  expect(badPath.body.errors[0].field).toBe('path.id');
  const badBody = await admin.post('/admin/users', { username: 'x' });
  expect(badBody.status).toBe(400);
  expect(badBody.body.errors.map((e: { field: string }) => e.field)).toContain('body.username');
});
