import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  healthPortFromEnv,
  readiness,
  readinessChecks,
  registerReadinessCheck,
  startHealthServer,
  temporalCheck,
  type HealthServer,
} from './health';
import { createLogger } from './logger';

const log = createLogger('health-test', 'silent');
const never = () => new Promise(() => undefined);

describe('readiness', () => {
  it('is ready when every check answers, and names what failed or did not answer in time', async () => {
    expect(await readiness({ a: async () => 1 })).toMatchObject({
      status: 'ready',
      down: [],
      checks: { a: { ok: true } },
    });
    const t0 = Date.now();
    const r = await readiness(
      {
        ok: async () => undefined,
        broken: async () => {
          throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
        },
        silent: never,
      },
      150,
    );
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.status).toBe('unavailable');
    expect(r.down.sort()).toEqual(['broken', 'silent']);
    expect(r.checks.ok!.ok).toBe(true);
    expect(r.checks.broken).toMatchObject({ ok: false, error: 'ECONNREFUSED: connection refused' });
    expect(r.checks.silent).toMatchObject({ ok: false, error: 'no answer within 150 ms' });
  });

  it('keeps the checks a process registers, until they are removed', async () => {
    const a = registerReadinessCheck('unit-dep', async () => undefined);
    const b = registerReadinessCheck('unit-dep', async () => {
      throw new Error('second instance down');
    });
    expect((await readiness(readinessChecks())).checks['unit-dep']).toMatchObject({
      ok: false,
      error: 'second instance down',
    });
    b();
    expect((await readiness(readinessChecks())).checks['unit-dep']).toMatchObject({ ok: true });
    a();
    expect(readinessChecks()['unit-dep']).toBeUndefined();
  });
});

describe('the health listener', () => {
  let server: HealthServer;
  let up = true;
  beforeAll(async () => {
    server = await startHealthServer({
      name: 'unit',
      port: 0,
      log,
      timeoutMs: 200,
      checks: () => ({ database: up ? async () => undefined : never, nats: async () => undefined }),
    });
  });
  afterAll(() => server.stop());
  const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`);

  it('answers /health, /ready (200, or 503 naming what is down) and 404', async () => {
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', process: 'unit', pid: process.pid });

    const ready = await get('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ process: 'unit', status: 'ready', down: [] });

    up = false;
    const down = await get('/ready');
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/application\/json/);
    expect(await down.json()).toMatchObject({
      status: 'unavailable',
      down: ['database'],
      checks: { database: { ok: false, error: 'no answer within 200 ms' }, nats: { ok: true } },
    });
    expect((await get('/health')).status).toBe(200);
    expect((await get('/other')).status).toBe(404);
  });
});

describe('health ports', () => {
  it('come from <NAME>_HEALTH_PORT, else HEALTH_PORT, else the defaults; off turns them off', () => {
    expect(healthPortFromEnv('worker', {})).toBe(9401);
    expect(healthPortFromEnv('tasks', {})).toBe(9402);
    expect(healthPortFromEnv('notifications', {})).toBe(9403);
    expect(healthPortFromEnv('ranking', {})).toBe(9404);
    expect(healthPortFromEnv('api', {})).toBeUndefined();
    expect(healthPortFromEnv('tasks', { HEALTH_PORT: '9500' })).toBe(9500);
    expect(healthPortFromEnv('tasks', { HEALTH_PORT: '9500', TASKS_HEALTH_PORT: '9600' })).toBe(9600);
    expect(healthPortFromEnv('tasks', { TASKS_HEALTH_PORT: 'off' })).toBeUndefined();
    expect(() => healthPortFromEnv('tasks', { TASKS_HEALTH_PORT: 'x' })).toThrow(/port number/);
  });
});

describe('the Temporal check (gRPC health)', () => {
  let grpc: Http2Server;
  let status = 1; // SERVING
  beforeAll(async () => {
    grpc = createHttp2Server();
    grpc.on('stream', (stream, headers) => {
      expect(headers[':path']).toBe('/grpc.health.v1.Health/Check');
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, status]));
    });
    await new Promise<void>((resolve) => grpc.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => grpc.close(() => resolve())));
  const address = () => `127.0.0.1:${(grpc.address() as AddressInfo).port}`;

  it('passes while the server is SERVING, fails when it is not or nothing listens', async () => {
    await expect(temporalCheck(address())()).resolves.toBeUndefined();
    status = 2; // NOT_SERVING
    await expect(temporalCheck(address())()).rejects.toThrow(/not serving/);
    await expect(temporalCheck('127.0.0.1:1')()).rejects.toThrow(/ECONNREFUSED/);
  });
});
