/**
 * Notification preferences (email / SMS, immediate or in the daily digest), the digest, archiving and
 * the bulletin's audience, against real PostgreSQL (database `fivestar_test_notification_preferences`),
 * real NATS JetStream and the API over real HTTP. Email and SMS go through recording channels in place
 * of the logging adapters, so the test sees exactly what was sent.
 */
import { randomInt } from 'node:crypto';
import type { Role } from '@fivestar/contracts';
import {
  applyOnce,
  callEndpoint,
  jetstreamClient,
  publishEvent,
  type NatsConnection,
} from '@fivestar/platform';
import type { Kysely } from 'kysely';
import {
  handleEvent,
  migrations,
  SCHEMA,
  startNotificationsService,
  type AddressTarget,
  type Channel,
  type NotificationsDB,
  type NotificationsTables,
  type OutgoingNotice,
} from '@fivestar/notifications';
import { startTestApi, type Caller, type TestApi } from './api-support';
import { closeAll, connectStream, eventFactory, freshSchema, publishNew, testEnv, until } from './support';

const env = testEnv('notification_preferences');
const { run } = env;

// Random county: the demo directory's users (and so their ids) are this run's own.
const COUNTY = String(randomInt(100_000, 1_000_000));
const TA = `${COUNTY}100`;
const TB = `${COUNTY}200`;
const OTHER_COUNTY = `${COUNTY.slice(0, 5)}${COUNTY.endsWith('9') ? '8' : '9'}`;
const DAY = '2025-06-03';

interface User {
  userId: string;
  role: Role;
  jurisdiction: string;
}
const demo = (username: string, role: Role, jurisdiction: string): User => ({
  userId: `u-${username}`,
  role,
  jurisdiction,
});
const U = {
  twA1: demo(`twp-${TA}-1`, 'township_reviewer', TA),
  twA2: demo(`twp-${TA}-2`, 'township_reviewer', TA),
  twB1: demo(`twp-${TB}-1`, 'township_reviewer', TB),
  twB2: demo(`twp-${TB}-2`, 'township_reviewer', TB),
  coord: demo(`coord-${COUNTY}`, 'coordinator', COUNTY),
  countyReviewer: demo(`cty-${COUNTY}-1`, 'county_reviewer', COUNTY),
  admin: demo(`admin-${COUNTY}`, 'admin', COUNTY),
  elsewhere: { userId: `${run}-far`, role: 'township_reviewer', jurisdiction: `${OTHER_COUNTY}100` },
} satisfies Record<string, User>;

/** An email or SMS adapter that keeps what it was given. */
class RecordingChannel implements Channel<AddressTarget> {
  readonly sent: { to: string; notice: OutgoingNotice }[] = [];
  constructor(readonly name: 'email' | 'sms') {}
  deliver(notice: OutgoingNotice, target: AddressTarget): Promise<void> {
    this.sent.push({ to: target.address, notice });
    return Promise.resolve();
  }
}
const email = new RecordingChannel('email');
const sms = new RecordingChannel('sms');
const sentFor = (ch: RecordingChannel, eventId: string) =>
  ch.sent.filter((s) => s.notice.eventId === eventId);

let db: Kysely<NotificationsDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;
let api: TestApi | undefined;

// ---- events (all on DAY in Asia/Shanghai unless placed elsewhere) ----------------------------------

const { ev } = eventFactory({
  idPrefix: `notification-preferences-test/${run}`,
  roundId: `r-${run}`,
  branchId: `${TA}001`,
  area: () => COUNTY,
  t0: Date.parse(`${DAY}T01:00:00.000Z`),
  stepMs: 60_000,
});
const userEvent = (u: User) =>
  ev('directory.user_upserted', { ...u, name: `用户${u.userId}`, active: true }, { branchId: null });
const reviewers = (township: string) => ({ role: 'township_reviewer', jurisdiction: township }) as const;
const supervised = (township: string, title: string) => ({
  step: 'TOWNSHIP_REVIEW' as const,
  attempt: 1,
  workKey: `${run}/${township}/TR/1`,
  title,
  deadline: '2025-06-02T10:00:00.000Z',
  group: reviewers(township),
});
const overdueA = ev('branch.step_overdue', supervised(TA, '甲村：乡镇审核'));
const overdueB = ev('branch.step_overdue', supervised(TB, '乙村：乡镇审核'), { branchId: `${TB}001` });
const escalatedB = ev(
  'branch.step_escalated',
  { ...supervised(TB, '乙村：乡镇审核'), level: 'yellow' },
  { branchId: `${TB}001` },
);
const urgedB = ev(
  'work.urged',
  { ...supervised(TB, '丙村：乡镇审核'), note: '请尽快' },
  { branchId: `${TB}002` },
);
const bulletin = ev(
  'ranking.bulletin_published',
  {
    bulletinId: `bulletin/${COUNTY}/2025-05`,
    countyCode: COUNTY,
    roundId: null,
    period: '2025-05',
    title: '2025年5月五星支部创建排名通报',
    url: `/api/bulletins/${COUNTY}/2025-05?format=html`,
  },
  { branchId: null, roundId: null },
);
// The next day in Shanghai (00:30 local): not in DAY's digest.
const overdueBNextDay = ev('branch.step_overdue', supervised(TB, '丁村：乡镇审核'), {
  branchId: `${TB}003`,
  at: Date.parse(`${DAY}T16:30:00.000Z`),
});

const viewer = (u: User) => ({ userId: u.userId, role: u.role, jurisdiction: u.jurisdiction });
const inboxOf = (u: User, archived = false) =>
  callEndpoint(nc, 'notifications', 'inbox', { viewer: viewer(u), archived, limit: 200 });
const eventIds = (r: { items: { eventId: string }[] }) => r.items.map((n) => n.eventId);

beforeAll(async () => {
  db = await freshSchema<NotificationsDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  await publishNew(nc, Object.values(U).map(userEvent));
  svc = await startNotificationsService({
    ...env.serviceOptions,
    delivery: { pollMs: 50, baseDelayMs: 100, maxDelayMs: 400 },
    userChannels: { email, sms },
  });
  api = await startTestApi(env, COUNTY);
});

afterAll(async () => {
  await api?.close();
  await closeAll(env, { svc, nc, db });
});

// ---- tests ----------------------------------------------------------------------------------------

describe('notification preferences', () => {
  let asTwA1: Caller;
  let asTwA2: Caller;
  let asAdmin: Caller;
  let asCoord: Caller;
  let anonymous: Caller;
  const url = '/me/notification-preferences';

  beforeAll(async () => {
    [asTwA1, asTwA2, asAdmin, asCoord, anonymous] = await Promise.all([
      api!.signIn(`twp-${TA}-1`),
      api!.signIn(`twp-${TA}-2`),
      api!.signIn(`admin-${COUNTY}`),
      api!.signIn(`coord-${COUNTY}`),
      api!.signIn(),
    ]);
  });

  it('round-trips each user’s own preferences over HTTP, inbox only by default', async () => {
    expect((await anonymous.get(url)).status).toBe(401);
    const before = await asTwA1.get(url);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ email: null, mobile: null, kinds: {} });

    const mine = {
      email: 'twa1@example.cn',
      mobile: '13800000001',
      kinds: { bulletin: { mode: 'digest', channels: ['email'] } },
    };
    const put = await asTwA1.put(url, mine);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(mine);
    expect((await asTwA1.get(url)).body).toEqual(mine);
    // Someone else's are untouched.
    expect((await asTwA2.get(url)).body).toEqual({ email: null, mobile: null, kinds: {} });

    // twA2 hears overdue notices at once by email and SMS (through the HTTP route as well).
    const twA2 = {
      email: 'twa2@example.cn',
      mobile: '13900000002',
      kinds: { overdue: { mode: 'immediate', channels: ['email', 'sms'] } },
    };
    expect((await asTwA2.put(url, twA2)).body).toEqual(twA2);
  });

  it('refuses bad preferences with a problem naming each field', async () => {
    const bad = await asTwA1.put(url, {
      email: 'not-an-address',
      mobile: '12345678901',
      kinds: {
        overdue: { mode: 'sometimes', channels: ['fax'] },
        nonsense: { mode: 'digest', channels: ['sms'] },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.email',
      'body.kinds.nonsense',
      'body.kinds.overdue.channels.0',
      'body.kinds.overdue.mode',
      'body.mobile',
    ]);

    // A channel needs its address; a channel twice is refused.
    const noAddress = await asTwA1.put(url, { kinds: { urge: { mode: 'immediate', channels: ['sms'] } } });
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.errors).toEqual([
      { field: 'body.mobile', message: '催办选择了短信，请填写手机号码' },
    ]);
    const twice = await asTwA1.put(url, {
      email: 'a@example.cn',
      kinds: { urge: { mode: 'digest', channels: ['email', 'email'] } },
    });
    expect(twice.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.kinds.urge.channels']);
    // Nothing of it was stored.
    expect((await asTwA1.get(url)).body.kinds).toEqual({ bulletin: { mode: 'digest', channels: ['email'] } });

    // The endpoint validates the same way.
    await expect(
      callEndpoint(nc, 'notifications', 'setPreferences', {
        viewer: viewer(U.twB1),
        kinds: { overdue: { mode: 'digest', channels: ['email'] } },
      }),
    ).rejects.toMatchObject({ code: 'invalid' });
  });

  it('an event delivered twice sends an immediate email and SMS once', async () => {
    // twB1: overdue by email and SMS in the digest, escalations by email in the digest, urges by SMS at once.
    await callEndpoint(nc, 'notifications', 'setPreferences', {
      viewer: viewer(U.twB1),
      email: 'twb1@example.cn',
      mobile: '13700000003',
      kinds: {
        overdue: { mode: 'digest', channels: ['email', 'sms'] },
        escalation: { mode: 'digest', channels: ['email'] },
        urge: { mode: 'immediate', channels: ['sms'] },
      },
    });
    await publishNew(nc, [overdueA, overdueB, escalatedB, urgedB, bulletin, overdueBNextDay]);
    await until(
      async () => [sentFor(email, overdueA.id), sentFor(sms, overdueA.id), sentFor(sms, urgedB.id)],
      (lists) => lists.every((l) => l.length > 0),
      30_000,
    );

    // Again: the stream drops the repeat; applied again directly, the ledger and then the key hold.
    expect((await publishEvent(jetstreamClient(nc), overdueA)).duplicate).toBe(true);
    expect(await applyOnce<NotificationsTables>(db, overdueA, 0, handleEvent)).toBe(false);
    await db.transaction().execute((trx) => handleEvent(trx, overdueA));
    // Give the delivery worker a few more polls to (wrongly) send anything again.
    await new Promise((r) => setTimeout(r, 500));

    expect(sentFor(email, overdueA.id)).toEqual([
      {
        to: 'twa2@example.cn',
        notice: {
          eventId: overdueA.id,
          kind: 'overdue',
          title: '逾期提醒：乡镇审核',
          body: '甲村：乡镇审核已于2025-06-02 18:00到期，至今未办理，请立即办理。',
        },
      },
    ]);
    expect(sentFor(sms, overdueA.id).map((s) => s.to)).toEqual(['13900000002']);
    expect(sentFor(sms, urgedB.id).map((s) => s.to)).toEqual(['13700000003']);
    // Digest-mode kinds and users without preferences get nothing at once.
    expect([...email.sent, ...sms.sent].map((s) => s.notice.eventId).sort()).toEqual(
      [overdueA.id, overdueA.id, urgedB.id].sort(),
    );
    const rows = await callEndpoint(nc, 'notifications', 'deliveries', {
      viewer: viewer(U.admin),
      eventId: overdueA.id,
    });
    expect(rows.items.map((d) => [d.channel, d.userId, d.webhookId, d.status]).sort()).toEqual([
      ['email', U.twA2.userId, null, 'sent'],
      ['sms', U.twA2.userId, null, 'sent'],
    ]);
  });

  it('a county bulletin reaches the coordinators and every township reviewer in the county', async () => {
    const heard = await Promise.all(Object.values(U).map((u) => inboxOf(u)));
    const got = Object.keys(U).filter((_, i) => eventIds(heard[i]!).includes(bulletin.id));
    expect(got.sort()).toEqual(['coord', 'twA1', 'twA2', 'twB1', 'twB2']);
    expect((await inboxOf(U.twB2)).items.find((n) => n.eventId === bulletin.id)).toMatchObject({
      kind: 'bulletin',
      title: '通报：2025年5月五星支部创建排名通报',
    });
  });

  it('sends one digest message per user and channel for a day; a second call sends nothing', async () => {
    const first = await callEndpoint(nc, 'notifications', 'sendDigests', { day: DAY });
    // twA1: email (bulletin); twB1: email (overdue, escalation) and SMS (overdue).
    expect(first).toEqual({ day: DAY, users: 2, messages: 3 });
    const key = `digest/${DAY}`;
    await until(
      async () => [...sentFor(email, key), ...sentFor(sms, key)],
      (l) => l.length === 3,
      30_000,
    );
    const byAddress = Object.fromEntries(
      [...sentFor(email, key), ...sentFor(sms, key)].map((s) => [s.to, s.notice]),
    );
    expect(byAddress).toEqual({
      'twa1@example.cn': {
        eventId: key,
        kind: null,
        title: '【五星支部】6月3日待办摘要',
        body: '【五星支部】6月3日待办摘要：通报 1 条。\n通报：通报：2025年5月五星支部创建排名通报',
      },
      'twb1@example.cn': {
        eventId: key,
        kind: null,
        title: '【五星支部】6月3日待办摘要',
        body: [
          '【五星支部】6月3日待办摘要：逾期 1 条、督办 1 条。',
          '逾期：逾期提醒：乡镇审核',
          '督办：黄色督办单（挂牌督办）：乡镇审核',
        ].join('\n'),
      },
      '13700000003': {
        eventId: key,
        kind: null,
        title: '【五星支部】6月3日待办摘要',
        body: '【五星支部】6月3日待办摘要：逾期 1 条。\n逾期：逾期提醒：乡镇审核',
      },
    });

    expect(await callEndpoint(nc, 'notifications', 'sendDigests', { day: DAY })).toEqual({
      day: DAY,
      users: 0,
      messages: 0,
    });
    // The next day has twB1's late overdue notice; the day after has nothing.
    expect(await callEndpoint(nc, 'notifications', 'sendDigests', { day: '2025-06-04' })).toEqual({
      day: '2025-06-04',
      users: 1,
      messages: 2,
    });
    expect(await callEndpoint(nc, 'notifications', 'sendDigests', { day: '2025-06-05' })).toMatchObject({
      messages: 0,
    });
    // A day not over yet is refused: its digest could not be sent again later.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await expect(callEndpoint(nc, 'notifications', 'sendDigests', { day: today })).rejects.toMatchObject({
      code: 'conflict',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(sentFor(email, key).length + sentFor(sms, key).length).toBe(3);
  });

  it('lets an admin trigger the digest over HTTP', async () => {
    const res = await asAdmin.post('/admin/digests', { day: DAY });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ day: DAY, users: 0, messages: 0 });
    expect((await asCoord.post('/admin/digests', { day: DAY })).status).toBe(403);
    const bad = await asAdmin.post('/admin/digests', { day: '2025-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.day']);
  });

  it('archive hides a notice from the inbox and its unread count; the archive lists it', async () => {
    const inbox = await asTwA1.get('/inbox');
    expect(inbox.status).toBe(200);
    expect(eventIds(inbox.body)).toEqual([bulletin.id, overdueA.id]);
    expect(inbox.body.unread).toBe(2);
    const overdue = inbox.body.items[1] as { id: string };

    // Another user's notice is not theirs to archive.
    expect(
      await callEndpoint(nc, 'notifications', 'archive', { viewer: viewer(U.twA2), ids: [overdue.id] }),
    ).toEqual({ updated: 0 });
    const archived = await asTwA1.post('/inbox/archive', { ids: [overdue.id] });
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ updated: 1 });
    expect((await asTwA1.post('/inbox/archive', { ids: [overdue.id] })).body).toEqual({ updated: 0 });

    const after = await asTwA1.get('/inbox');
    expect(eventIds(after.body)).toEqual([bulletin.id]);
    expect(after.body.unread).toBe(1);
    const archive = await asTwA1.get('/inbox?archived=true');
    expect(eventIds(archive.body)).toEqual([overdueA.id]);
    expect(archive.body.items[0].archivedAt).not.toBeNull();
    expect(archive.body.unread).toBe(1);
    // twA2 still has the same notice in the inbox.
    expect(eventIds(await inboxOf(U.twA2))).toEqual([bulletin.id, overdueA.id]);

    const bad = await asTwA1.post('/inbox/archive', { ids: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.ids']);
    expect((await asTwA1.get('/inbox?archived=maybe')).status).toBe(400);
  });
});
