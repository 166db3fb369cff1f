/**
 * What people are told about a calendar year not loaded yet, against real PostgreSQL (database
 * `fivestar_test_notifications_calendar`) and real NATS JetStream: administrators hear of branches whose
 * workflows keep failing once per county and cause (not once per branch), and the group owing a work
 * hears of its deadline re-planned once the year is loaded. No Temporal: the events are published as
 * the workflows would.
 */
import { randomInt } from 'node:crypto';
import { formatBeijingTime, type FivestarEvent, type Notice, type Role } from '@fivestar/contracts';
import { callEndpoint, type NatsConnection } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import {
  migrations,
  rebuildNotifications,
  SCHEMA,
  startNotificationsService,
  type NotificationsDB,
} from '@fivestar/notifications';
import { caughtUp, closeAll, connectStream, eventFactory, freshSchema, publishNew, testEnv } from './support';

const env = testEnv('notifications_calendar');
const { run, log } = env;

// Random area codes, so nothing else in the stream lands in this run's areas.
const COUNTY = String(randomInt(100_000, 1_000_000));
const OTHER_COUNTY = String((Number(COUNTY) + 1) % 1_000_000).padStart(6, '0');
const T1 = `${COUNTY}001`;
const T2 = `${COUNTY}002`;
const branch = (township: string, n: number) => `${township}${String(n).padStart(3, '0')}`;

interface User {
  userId: string;
  role: Role;
  jurisdiction: string;
}
const user = (name: string, role: Role, jurisdiction: string): User => ({
  userId: `${run}-${name}`,
  role,
  jurisdiction,
});
const U = {
  admin: user('admin', 'admin', COUNTY),
  adminT1: user('admin-t1', 'admin', T1),
  adminT2: user('admin-t2', 'admin', T2),
  adminElsewhere: user('admin-x', 'admin', OTHER_COUNTY),
  // Not an administrator: hears nothing of faults.
  coordinator: user('coord', 'coordinator', COUNTY),
  secretary: user('sec', 'village_secretary', branch(T1, 1)),
};

let db: Kysely<NotificationsDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;

const { ev } = eventFactory({
  idPrefix: `notifications-calendar/${run}`,
  roundId: `r-${run}`,
  branchId: null,
  area: () => COUNTY,
  t0: Date.parse('2026-12-01T00:00:00.000Z'),
  stepMs: 1000,
});
const publish = (...events: FivestarEvent[]) => publishNew(nc, events);

const userEvent = (u: User) =>
  ev(
    'directory.user_upserted',
    { userId: u.userId, name: `用户${u.userId}`, role: u.role, jurisdiction: u.jurisdiction, active: true },
    { branchId: null },
  );

const calendar2027 = { calendarId: 'cn-mainland', year: 2027 };
const workflowOf = (code: string) => `round/r-${run}/branch/${code}`;
const failing = (code: string, calendar: typeof calendar2027 | null, activityId = '7') =>
  ev(
    'system.activity_failing',
    {
      workflowId: workflowOf(code),
      activityId,
      activityType: calendar ? 'planSupervision' : 'publishEvent',
      attempt: 3,
      message: calendar ? '工作日历未包含 2027 年' : 'nats: timeout',
      calendar,
    },
    { branchId: code },
  );
const recovered = (code: string, activityId = '7') =>
  ev(
    'system.activity_recovered',
    { workflowId: workflowOf(code), activityId, activityType: 'planSupervision', attempt: 9 },
    { branchId: code },
  );

const viewer = (u: User) => ({ userId: u.userId, role: u.role, jurisdiction: u.jurisdiction });
const inboxOf = async (u: User): Promise<Notice[]> =>
  (await callEndpoint(nc, 'notifications', 'inbox', { viewer: viewer(u), limit: 200 })).items;
const faultNotices = async (u: User) => (await inboxOf(u)).filter((n) => n.kind === 'system_fault');
const bodies = async (u: User) => (await faultNotices(u)).map((n) => [n.title, n.body]).sort();

const CALENDAR_TITLE = '工作日历缺少2027年数据';
const calendarBody = (n: number) =>
  `工作日历缺少2027年数据，${n}个支部的期限暂停计算，请在系统管理→工作日历中加载2027年的节假日安排。`;
const OTHER_TITLE = '系统处理异常';
const otherBody = (n: number) =>
  `${n}个支部的流程因后台处理反复失败而暂停推进，系统正在自动重试；如长时间未恢复，请联系技术支持。`;

beforeAll(async () => {
  db = await freshSchema<NotificationsDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  await publish(...Object.values(U).map(userEvent));
  svc = await startNotificationsService(env.serviceOptions);
  await caughtUp(nc, env.durable);
});

afterAll(() => closeAll(env, { svc, nc, db }));

describe('administrators and failing branches', () => {
  // 20 branches of T1 and 10 of T2 wait on 2027; two of T1 fail otherwise; one branch elsewhere.
  const t1 = Array.from({ length: 20 }, (_, i) => branch(T1, i + 1));
  const t2 = Array.from({ length: 10 }, (_, i) => branch(T2, i + 1));
  const elsewhere = branch(`${OTHER_COUNTY}001`, 1);

  it('tells each administrator once per county and cause, counting the branches in their area', async () => {
    // The county administrator asked for email at once: one email per alert, not per branch.
    await callEndpoint(nc, 'notifications', 'setPreferences', {
      viewer: viewer(U.admin),
      email: 'admin@example.cn',
      mobile: null,
      kinds: { system_fault: { mode: 'immediate', channels: ['email'] } },
    });
    await publish(
      ...[...t1, ...t2].map((code) => failing(code, calendar2027)),
      // The same branch failing a second activity for the same cause is still one branch.
      failing(t1[0]!, calendar2027, '8'),
      failing(t1[0]!, null, '9'),
      failing(t1[1]!, null, '9'),
      failing(elsewhere, calendar2027),
    );
    await caughtUp(nc, env.durable);

    expect(await bodies(U.admin)).toEqual(
      [
        [CALENDAR_TITLE, calendarBody(30)],
        [OTHER_TITLE, otherBody(2)],
      ].sort(),
    );
    expect(await bodies(U.adminT1)).toEqual(
      [
        [CALENDAR_TITLE, calendarBody(20)],
        [OTHER_TITLE, otherBody(2)],
      ].sort(),
    );
    expect(await bodies(U.adminT2)).toEqual([[CALENDAR_TITLE, calendarBody(10)]]);
    expect(await bodies(U.adminElsewhere)).toEqual([[CALENDAR_TITLE, calendarBody(1)]]);
    expect(await faultNotices(U.coordinator)).toEqual([]);
    expect(await faultNotices(U.secretary)).toEqual([]);

    const emails = await db
      .selectFrom('deliveries')
      .select(['event_id', 'title'])
      .where('user_id', '=', U.admin.userId)
      .where('channel', '=', 'email')
      .execute();
    expect(emails.map((e) => e.title).sort()).toEqual([CALENDAR_TITLE, OTHER_TITLE].sort());
  });

  it('tells them again when the cause comes back after every branch recovered', async () => {
    await publish(
      ...[...t1, ...t2].map((code) => recovered(code)),
      recovered(t1[0]!, '8'),
      // A new failure for the same cause: a new alert.
      failing(branch(T2, 11), calendar2027),
    );
    await caughtUp(nc, env.durable);
    const calendarNotices = (await faultNotices(U.admin)).filter((n) => n.title === CALENDAR_TITLE);
    expect(calendarNotices.map((n) => n.body).sort()).toEqual([calendarBody(1), calendarBody(30)]);
    // The other cause is still open (its branches never recovered): no second notice of it.
    expect((await faultNotices(U.admin)).filter((n) => n.title === OTHER_TITLE)).toHaveLength(1);
  });
});

describe('re-planned deadlines', () => {
  it('tells the group owing the work its new deadline, once per event', async () => {
    const secretaries = { role: 'village_secretary' as const, jurisdiction: U.secretary.jurisdiction };
    const deadline = '2027-01-12T09:59:59.999Z';
    const replanned = ev(
      'work.replanned',
      {
        step: 'SELF_CHECK',
        attempt: 1,
        workKey: `${run}/sc/1`,
        title: '一村：村自评',
        deadline,
        group: secretaries,
        previousDeadline: '2027-01-08T09:59:59.999Z',
        provisional: false,
      },
      { branchId: U.secretary.jurisdiction },
    );
    await publish(replanned);
    await caughtUp(nc, env.durable);
    const notices = (await inboxOf(U.secretary)).filter((n) => n.eventId === replanned.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      kind: 'deadline_replanned',
      title: '期限调整：一村：村自评',
      workKey: `${run}/sc/1`,
    });
    expect(notices[0]!.body).toContain(`期限已按新加载的工作日历调整为${formatBeijingTime(deadline)}`);
    expect(formatBeijingTime(deadline)).toBe('2027-01-12 17:59');
    // Nobody else: the administrators and the county's coordinator are not the group.
    expect((await inboxOf(U.admin)).filter((n) => n.eventId === replanned.id)).toEqual([]);
  });
});

describe('rebuild', () => {
  it('replays the stream into the same notices, counts included', async () => {
    await svc!.stop();
    svc = undefined;
    const rows = () =>
      db
        .selectFrom('notices')
        .select(['event_id', 'user_id', 'kind', 'title', 'body', 'created_at'])
        .where('user_id', 'like', `${run}-%`)
        .orderBy('event_id')
        .orderBy('user_id')
        .execute();
    const live = await rows();
    await rebuildNotifications(db, nc, log);
    expect(await rows()).toEqual(live);
    svc = await startNotificationsService(env.serviceOptions);
  });
});
