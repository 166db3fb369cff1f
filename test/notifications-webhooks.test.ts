/**
 * The webhook channel against real PostgreSQL (database `fivestar_test_notifications_webhooks`), real NATS
 * JetStream and group-robot receivers on loopback (node http servers in this file). Self-sufficient like
 * test/notifications.test.ts: its own database, schema, durable consumer and per-run area codes.
 */
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Delivery } from '@fivestar/contracts';
import {
  applyOnce,
  callEndpoint,
  createDb,
  jetstreamClient,
  publishEvent,
  RequestError,
  type NatsConnection,
} from '@fivestar/platform';
import type { Kysely } from 'kysely';
import {
  deliverDue,
  DEFAULT_DELIVERY_OPTIONS,
  handleEvent,
  loggingUserChannels,
  migrations,
  parseWebhookAllowList,
  SCHEMA,
  startNotificationsService,
  type NotificationsDB,
  type NotificationsTables,
  WebhookChannel,
} from '@fivestar/notifications';
import { startTestApi, type Caller, type TestApi } from './api-support';
import { closeAll, connectStream, eventFactory, freshSchema, publishNew, testEnv, until } from './support';

const env = testEnv('notifications_webhooks');
const { run } = env;

const COUNTY = String(randomInt(100_000, 1_000_000));
const T1 = `${COUNTY}001`;
const T2 = `${COUNTY}002`;
const B1 = `${T1}001`;
const B2 = `${T2}001`;
const MAX_ATTEMPTS = 4;
/** Where the receivers listen: allowed explicitly, as an administrator would (WEBHOOK_ALLOWED_HOSTS). */
const LOOPBACK = ['127.0.0.1'];

const admin = { userId: `${run}-admin`, role: 'admin', jurisdiction: COUNTY } as const;
const coordinator = { userId: `${run}-coord`, role: 'coordinator', jurisdiction: COUNTY } as const;

/** A robot on loopback: records every body; answers 500 while `failing()` says so, else errcode 0. */
interface Receiver {
  url: string;
  bodies: unknown[];
  server: Server;
  failing: (call: number) => boolean;
}

async function receiver(failing: (call: number) => boolean): Promise<Receiver> {
  const r: Receiver = { url: '', bodies: [], server: createServer(), failing };
  r.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const fail = r.failing(r.bodies.length);
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(fail ? { errcode: -1, errmsg: 'boom' } : { errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/robot/send?key=${run}`;
  return r;
}

let db: Kysely<NotificationsDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;
let api: TestApi | undefined;
let flaky: Receiver; // T1, WeCom: fails twice, then succeeds
let county: Receiver; // the county, DingTalk: always succeeds
let broken: Receiver; // T2, WeCom: always fails until fixed

const { ev } = eventFactory({
  idPrefix: `notifications-webhooks-test/${run}`,
  roundId: `r-${run}`,
  branchId: B1,
  area: () => COUNTY,
  t0: Date.parse('2025-06-01T00:00:00.000Z'),
  stepMs: 60_000,
});

const deadline = '2025-06-14T10:00:00.000Z';
const stepOpened = (branch: string, township: string, title: string) =>
  ev(
    'branch.step_opened',
    {
      step: 'TOWNSHIP_REVIEW',
      attempt: 1,
      work: {
        key: `${run}/${branch}/TR/1`,
        kind: 'step',
        title,
        group: { role: 'township_reviewer', jurisdiction: township },
        deadline,
      },
    },
    { branchId: branch },
  );

const deliveriesOf = async (eventId: string) =>
  (await callEndpoint(nc, 'notifications', 'deliveries', { viewer: admin, eventId })).items;

beforeAll(async () => {
  db = await freshSchema<NotificationsDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  [flaky, county, broken] = await Promise.all([
    receiver((n) => n <= 2),
    receiver(() => false),
    receiver(() => true),
  ]);
  svc = await startNotificationsService({
    ...env.serviceOptions,
    delivery: { pollMs: 50, baseDelayMs: 100, maxDelayMs: 400, maxAttempts: MAX_ATTEMPTS, timeoutMs: 2000 },
    // The robots are on loopback, which webhooks may reach only when allowed (test/webhook-ssrf.test.ts).
    webhookAllowedHosts: LOOPBACK,
  });
  const hooks = [
    { id: `${run}-t1`, jurisdiction: T1, kind: 'wecom', url: flaky.url },
    { id: `${run}-county`, jurisdiction: COUNTY, kind: 'dingtalk', url: county.url },
    { id: `${run}-t2`, jurisdiction: T2, kind: 'wecom', url: broken.url },
  ] as const;
  for (const webhook of hooks)
    await callEndpoint(nc, 'notifications', 'upsertWebhook', { viewer: admin, webhook });
});

afterAll(async () => {
  await api?.close();
  await closeAll(env, { svc, nc, db });
  for (const r of [flaky, county, broken]) await new Promise((resolve) => r?.server.close(resolve));
});

describe('webhook deliveries', () => {
  const ev1 = stepOpened(B1, T1, '一村：乡镇审核');

  it('lists webhooks to an admin only', async () => {
    const { items } = await callEndpoint(nc, 'notifications', 'webhooks', { viewer: admin });
    expect(items.filter((w) => w.id.startsWith(run)).map((w) => [w.id, w.jurisdiction, w.kind])).toEqual([
      [`${run}-county`, COUNTY, 'dingtalk'],
      [`${run}-t1`, T1, 'wecom'],
      [`${run}-t2`, T2, 'wecom'],
    ]);
    await expect(
      callEndpoint(nc, 'notifications', 'webhooks', { viewer: coordinator }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      callEndpoint(nc, 'notifications', 'deliveries', { viewer: coordinator }),
    ).rejects.toBeInstanceOf(RequestError);
  });

  it('retries with backoff: fails twice, then one sent delivery after 3 attempts; one post per webhook', async () => {
    await publishNew(nc, [ev1]);
    const sent = await until(
      () => deliveriesOf(ev1.id),
      (ds) => ds.length === 2 && ds.every((d) => d.status === 'sent'),
      30_000,
    );
    const byHook = Object.fromEntries(sent.map((d) => [d.webhookId, d])) as Record<string, Delivery>;
    // T1's robot and the county's robot hear it; T2's does not.
    expect(Object.keys(byHook).sort()).toEqual([`${run}-county`, `${run}-t1`]);
    expect(byHook[`${run}-t1`]).toMatchObject({ status: 'sent', attempts: 3, kind: 'step_opened' });
    expect(byHook[`${run}-t1`]!.lastError).toMatch(/HTTP 500/);
    expect(byHook[`${run}-county`]).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(flaky.bodies).toHaveLength(3);
    expect(flaky.bodies[2]).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### 待办：一村：乡镇审核\n一村：乡镇审核，请于2025-06-14 18:00前办理。' },
    });
    expect(county.bodies).toEqual([
      {
        msgtype: 'markdown',
        markdown: {
          title: '待办：一村：乡镇审核',
          text: '### 待办：一村：乡镇审核\n一村：乡镇审核，请于2025-06-14 18:00前办理。',
        },
      },
    ]);
    expect(broken.bodies).toHaveLength(0);
  });

  it('never calls a webhook twice for the same event', async () => {
    // Published again: the stream drops it as a duplicate.
    expect((await publishEvent(jetstreamClient(nc), ev1)).duplicate).toBe(true);
    // Applied twice more directly: the ledger already has it, and without the ledger the key holds.
    expect(await applyOnce<NotificationsTables>(db, ev1, 0, handleEvent)).toBe(false);
    await db.transaction().execute((trx) => handleEvent(trx, ev1));
    // A fresh event applied twice via applyOnce, and then arriving from the stream too.
    const ev2 = stepOpened(B1, T1, '一村：乡镇审核（二）');
    expect(await applyOnce<NotificationsTables>(db, ev2, 0, handleEvent)).toBe(true);
    expect(await applyOnce<NotificationsTables>(db, ev2, 0, handleEvent)).toBe(false);
    await publishNew(nc, [ev2]);
    await until(
      () => deliveriesOf(ev2.id),
      (ds) => ds.length === 2 && ds.every((d) => d.status === 'sent'),
      30_000,
    );
    // Give the worker a few more polls to (wrongly) post anything again.
    await new Promise((r) => setTimeout(r, 500));
    expect(await deliveriesOf(ev1.id)).toHaveLength(2);
    expect(await deliveriesOf(ev2.id)).toHaveLength(2);
    expect(flaky.bodies).toHaveLength(4);
    expect(county.bodies).toHaveLength(2);
  });

  it('a robot that always fails: dead after max attempts, listed, retried by the admin once fixed', async () => {
    const ev3 = stepOpened(B2, T2, '二村：乡镇审核');
    await publishNew(nc, [ev3]);
    const [dead] = await until(
      () => deliveriesOf(ev3.id).then((ds) => ds.filter((d) => d.webhookId === `${run}-t2`)),
      (ds) => ds.length === 1 && ds[0]!.status === 'dead',
      30_000,
    );
    expect(dead).toMatchObject({ attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    expect(dead!.lastError).toMatch(/HTTP 500/);
    expect(broken.bodies).toHaveLength(MAX_ATTEMPTS);
    const deadList = await callEndpoint(nc, 'notifications', 'deliveries', { viewer: admin, status: 'dead' });
    expect(deadList.items.map((d) => d.id)).toContain(dead!.id);
    expect(deadList.items.every((d) => d.status === 'dead')).toBe(true);

    // A sent delivery cannot be retried; an unknown one is not found.
    const [sent] = await deliveriesOf(ev1.id);
    await expect(
      callEndpoint(nc, 'notifications', 'retryDelivery', { viewer: admin, id: sent!.id }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      callEndpoint(nc, 'notifications', 'retryDelivery', { viewer: admin, id: '999999999' }),
    ).rejects.toMatchObject({ code: 'not_found' });

    broken.failing = () => false;
    const retried = await callEndpoint(nc, 'notifications', 'retryDelivery', { viewer: admin, id: dead!.id });
    expect(retried).toMatchObject({ id: dead!.id, status: 'pending', attempts: 0 });
    const [after] = await until(
      () => deliveriesOf(ev3.id).then((ds) => ds.filter((d) => d.webhookId === `${run}-t2`)),
      (ds) => ds[0]?.status === 'sent',
      30_000,
    );
    expect(after).toMatchObject({ status: 'sent', attempts: 1 });
    expect(after!.sentAt).not.toBeNull();
    expect(broken.bodies).toHaveLength(MAX_ATTEMPTS + 1);
  });

  it('several workers polling at once post a due delivery once (FOR UPDATE SKIP LOCKED)', async () => {
    const slow = await receiver(() => false);
    const answer = slow.server.listeners('request')[0] as (...a: unknown[]) => void;
    slow.server.removeAllListeners('request');
    // Answers after 300 ms, so the first worker still holds the row while the others poll.
    slow.server.on('request', (...a: unknown[]) => setTimeout(() => answer(...a), 300));
    const pools = [
      createDb<NotificationsDB>(env.databaseUrl, SCHEMA, 1),
      createDb<NotificationsDB>(env.databaseUrl, SCHEMA, 1),
    ];
    try {
      const hookId = `${run}-slow`;
      await db
        .insertInto('webhooks')
        .values({ id: hookId, jurisdiction: `${COUNTY}009`, kind: 'wecom', url: slow.url, active: true })
        .execute();
      await db
        .insertInto('deliveries')
        .values({
          event_id: `${run}/manual`,
          webhook_id: hookId,
          kind: 'urge',
          title: '催办',
          body: '请办理',
          next_attempt_at: new Date().toISOString(),
        })
        .execute();
      const opts = { ...DEFAULT_DELIVERY_OPTIONS, timeoutMs: 2000 };
      const attempted = await Promise.all(
        pools.map((p) =>
          deliverDue(
            p,
            {
              webhook: new WebhookChannel(opts.timeoutMs, parseWebhookAllowList(LOOPBACK)),
              ...loggingUserChannels(env.log),
            },
            opts,
            env.log,
          ),
        ),
      );
      const [d] = await until(
        () => deliveriesOf(`${run}/manual`),
        (ds) => ds[0]?.status === 'sent',
        10_000,
      );
      expect(d).toMatchObject({ attempts: 1 });
      expect(attempted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
      expect(slow.bodies).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
      await new Promise((resolve) => slow.server.close(resolve));
    }
  });
});

describe('admin HTTP routes', () => {
  let asAdmin: Caller;
  let asCoordinator: Caller;
  let anonymous: Caller;

  beforeAll(async () => {
    api = await startTestApi(env, COUNTY);
    [asAdmin, asCoordinator, anonymous] = await Promise.all([
      api.signIn(`admin-${COUNTY}`),
      api.signIn(`coord-${COUNTY}`),
      api.signIn(),
    ]);
  });

  it('answers administrators only: 401 without a token, 403 for another role', async () => {
    expect((await anonymous.get('/admin/webhooks')).status).toBe(401);
    for (const res of [
      await asCoordinator.get('/admin/webhooks'),
      await asCoordinator.post('/admin/webhooks', { jurisdiction: T1, kind: 'wecom', url: flaky.url }),
      await asCoordinator.get('/admin/deliveries?status=dead'),
      await asCoordinator.post('/admin/deliveries/1/retry'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.type).toMatch(/application\/problem\+json/);
    }
  });

  it('lists and upserts webhooks; a bad body is a problem naming each field', async () => {
    const bad = await asAdmin.post('/admin/webhooks', { jurisdiction: '12', kind: 'slack', url: 'ftp://x' });
    expect(bad.status).toBe(400);
    expect(bad.type).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.jurisdiction',
      'body.kind',
      'body.url',
    ]);

    const created = await asAdmin.post('/admin/webhooks', {
      jurisdiction: T2,
      kind: 'dingtalk',
      url: county.url,
      active: false,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      jurisdiction: T2,
      kind: 'dingtalk',
      url: county.url,
      active: false,
    });
    const id = created.body.id as string;
    const updated = await asAdmin.post('/admin/webhooks', {
      id,
      jurisdiction: T2,
      kind: 'wecom',
      url: county.url,
    });
    expect(updated.body).toEqual({ id, jurisdiction: T2, kind: 'wecom', url: county.url, active: true });

    const list = await asAdmin.get('/admin/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual(
      expect.arrayContaining([`${run}-t1`, `${run}-county`, `${run}-t2`, id]),
    );
    // Inactive again, so later tests of this file are not affected.
    await asAdmin.post('/admin/webhooks', {
      id,
      jurisdiction: T2,
      kind: 'wecom',
      url: county.url,
      active: false,
    });
  });

  it('lists deliveries by status and retries only what failed', async () => {
    const sent = await asAdmin.get('/admin/deliveries?status=sent');
    expect(sent.status).toBe(200);
    expect(sent.body.items.length).toBeGreaterThan(0);
    expect(sent.body.items.every((d: Delivery) => d.status === 'sent')).toBe(true);

    const first = sent.body.items[0] as Delivery;
    const ofEvent = await asAdmin.get(`/admin/deliveries?eventId=${encodeURIComponent(first.eventId)}`);
    expect(ofEvent.body.items.length).toBeGreaterThan(0);
    expect(ofEvent.body.items.every((d: Delivery) => d.eventId === first.eventId)).toBe(true);

    const badStatus = await asAdmin.get('/admin/deliveries?status=lost');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.status']);

    const badId = await asAdmin.post('/admin/deliveries/abc/retry');
    expect(badId.status).toBe(400);
    expect(badId.body.errors.map((e: { field: string }) => e.field)).toEqual(['path.id']);

    expect((await asAdmin.post('/admin/deliveries/999999999/retry')).status).toBe(404);
    const again = await asAdmin.post(`/admin/deliveries/${(sent.body.items[0] as Delivery).id}/retry`);
    expect(again.status).toBe(409);
    expect(again.type).toMatch(/application\/problem\+json/);
  });
});
