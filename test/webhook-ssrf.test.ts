/**
 * Webhook targets may not reach this machine or the networks around it (SSRF; docs/security.md, Webhook
 * targets), on real PostgreSQL and NATS with the notifications service and the API: refused at
 * registration (400 naming body.url) after resolving the host, refused again at delivery (DNS may have
 * changed; dead-lettered at once with the reason), and the request connects to the very addresses that
 * were checked, so a name re-pointed in between (DNS rebinding) cannot race the check. The service runs
 * without WEBHOOK_ALLOWED_HOSTS here; test/notifications-webhooks.test.ts allows 127.0.0.1 and posts.
 */
import { randomInt } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Delivery } from '@fivestar/contracts';
import { callEndpoint, type NatsConnection } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import {
  migrations,
  parseWebhookAllowList,
  SCHEMA,
  startNotificationsService,
  WebhookChannel,
  WebhookTargetRefused,
  type NotificationsDB,
  type OutgoingNotice,
  type Resolver,
} from '@fivestar/notifications';
import { startTestApi, type Caller, type TestApi } from './api-support';
import { closeAll, connectStream, freshSchema, testEnv, until } from './support';

const env = testEnv('webhook_ssrf');
const { run } = env;
const COUNTY = String(randomInt(100_000, 1_000_000));
const TOWNSHIP = `${COUNTY}001`;
const admin = { userId: `${run}-admin`, role: 'admin', jurisdiction: COUNTY } as const;

/** A robot on loopback: what it was sent, and under which Host header. */
interface Receiver {
  server: Server;
  port: number;
  url: string;
  posts: { host: string | undefined; body: unknown }[];
}

async function receiver(): Promise<Receiver> {
  const r: Receiver = { server: createServer(), port: 0, url: '', posts: [] };
  r.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.posts.push({ host: req.headers.host, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.port = (r.server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}/cgi-bin/webhook/send?key=${run}`;
  return r;
}

let db: Kysely<NotificationsDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;
let api: TestApi | undefined;
let robot: Receiver;
let asAdmin: Caller;

beforeAll(async () => {
  db = await freshSchema<NotificationsDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  robot = await receiver();
  svc = await startNotificationsService({
    ...env.serviceOptions,
    delivery: { pollMs: 50, baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 4, timeoutMs: 2000 },
    // Whatever the environment says: nothing but public addresses.
    webhookAllowedHosts: [],
  });
  api = await startTestApi(env, COUNTY);
  asAdmin = await api.signIn(`admin-${COUNTY}`);
});

afterAll(async () => {
  await api?.close();
  await closeAll(env, { svc, nc, db });
  await new Promise((resolve) => robot?.server.close(resolve));
});

const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe('at registration', () => {
  const inside = () => [
    robot.url,
    `http://localhost:${robot.port}/robot`,
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://[::1]:8080/robot',
    'http://[::ffff:127.0.0.1]/robot',
    'http://[::ffff:a9fe:a9fe]/robot',
    'http://10.0.0.8/robot',
    'http://172.20.1.1/robot',
    'https://192.168.1.20/robot',
    'http://[fd12:3456::1]/robot',
    'http://[fe80::1]/robot',
    'http://224.0.0.1/robot',
    'http://0.0.0.0:8080/robot',
  ];

  it('refuses private, loopback, link-local, unique-local, multicast and unspecified targets: 400 naming body.url', async () => {
    for (const url of inside()) {
      const res = await asAdmin.post('/admin/webhooks', { jurisdiction: TOWNSHIP, kind: 'wecom', url });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.type).toMatch(/application\/problem\+json/);
      expect(fields(res.body)).toEqual(['body.url']);
      expect(res.body.detail).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
    }
    const listed = await asAdmin.get('/admin/webhooks');
    expect(listed.body.items).toEqual([]);
  });

  it('refuses a host that does not resolve, since nothing about it could be checked', async () => {
    const res = await asAdmin.post('/admin/webhooks', {
      jurisdiction: TOWNSHIP,
      kind: 'wecom',
      url: 'http://robot.does-not-exist.invalid/send',
    });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['body.url']);
  });

  it('refuses them on the service endpoint too, whoever calls it', async () => {
    await expect(
      callEndpoint(nc, 'notifications', 'upsertWebhook', {
        viewer: admin,
        webhook: { jurisdiction: TOWNSHIP, kind: 'dingtalk', url: 'http://169.254.169.254/' },
      }),
    ).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/链路本地地址/) });
  });

  it('accepts a public target', async () => {
    const res = await asAdmin.post('/admin/webhooks', {
      id: `${run}-public`,
      jurisdiction: TOWNSHIP,
      kind: 'wecom',
      url: 'https://8.8.8.8/cgi-bin/webhook/send?key=x',
      active: false,
    });
    expect(res.status).toBe(200);
  });
});

describe('at delivery', () => {
  it('refuses a target that points inside by now, dead-letters it at once with the reason, posts nothing', async () => {
    // Registered while it pointed elsewhere (or written around the check): the delivery checks again.
    const hookId = `${run}-inside`;
    await db
      .insertInto('webhooks')
      .values({ id: hookId, jurisdiction: `${COUNTY}009`, kind: 'wecom', url: robot.url, active: true })
      .execute();
    const eventId = `${run}/inside`;
    await db
      .insertInto('deliveries')
      .values({
        event_id: eventId,
        webhook_id: hookId,
        kind: 'urge',
        title: '催办',
        body: '请办理',
        next_attempt_at: new Date().toISOString(),
      })
      .execute();
    const deliveries = () =>
      callEndpoint(nc, 'notifications', 'deliveries', { viewer: admin, eventId }).then((r) => r.items);
    const [dead] = await until(deliveries, (ds) => ds[0]?.status === 'dead', 10_000);
    expect(dead).toMatchObject<Partial<Delivery>>({ status: 'dead', attempts: 1, nextAttemptAt: null });
    expect(dead!.lastError).toMatch(/refused: 127\.0\.0\.1 is a loopback address.*WEBHOOK_ALLOWED_HOSTS/);
    // Retried by an administrator, it is refused again.
    await callEndpoint(nc, 'notifications', 'retryDelivery', { viewer: admin, id: dead!.id });
    const [again] = await until(deliveries, (ds) => ds[0]?.status === 'dead', 10_000);
    expect(again).toMatchObject({ attempts: 1 });
    expect(robot.posts).toHaveLength(0);
  });
});

describe('the connection', () => {
  const notice: OutgoingNotice = { eventId: `${run}/pin`, kind: 'urge', title: '催办', body: '请办理' };
  const counting = (answers: string[][]) => {
    const calls: string[] = [];
    const resolve: Resolver = (host) => {
      calls.push(host);
      const list = answers[Math.min(calls.length, answers.length) - 1] ?? [];
      return Promise.resolve(list.map((address): LookupAddress => ({ address, family: 4 })));
    };
    return { calls, resolve };
  };

  it('goes to the address that was checked, without asking DNS again', async () => {
    // A name no DNS knows: only the checked answer can have brought the post to the robot.
    const dns = counting([['127.0.0.1']]);
    const channel = new WebhookChannel(2000, parseWebhookAllowList(['127.0.0.1']), dns.resolve);
    const before = robot.posts.length;
    await channel.deliver(notice, { kind: 'wecom', url: `http://robot.rebind.test:${robot.port}/send` });
    expect(dns.calls).toEqual(['robot.rebind.test']);
    expect(robot.posts.slice(before)).toEqual([
      { host: `robot.rebind.test:${robot.port}`, body: expect.objectContaining({ msgtype: 'markdown' }) },
    ]);
  });

  it('is not re-pointed inside between the check and the connection (DNS rebinding)', async () => {
    // First answer public (passes the check), every later one loopback: a second lookup would reach the robot.
    const dns = counting([['192.0.2.10'], ['127.0.0.1']]);
    const channel = new WebhookChannel(500, parseWebhookAllowList([]), dns.resolve);
    const before = robot.posts.length;
    const err = await channel
      .deliver(notice, { kind: 'wecom', url: `http://robot.rebind.test:${robot.port}/send` })
      .catch((e: unknown) => e);
    // 192.0.2.10 (TEST-NET-1) answers nobody: the attempt fails there, and goes nowhere else.
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(WebhookTargetRefused);
    expect(dns.calls).toEqual(['robot.rebind.test']);
    expect(robot.posts.length).toBe(before);
  });

  it('refuses a name that resolves inside, before connecting', async () => {
    const dns = counting([['127.0.0.1']]);
    const channel = new WebhookChannel(2000, parseWebhookAllowList([]), dns.resolve);
    const before = robot.posts.length;
    await expect(
      channel.deliver(notice, { kind: 'wecom', url: `http://robot.rebind.test:${robot.port}/send` }),
    ).rejects.toThrow(/robot\.rebind\.test \(127\.0\.0\.1\) is a loopback address/);
    expect(robot.posts.length).toBe(before);
  });
});
