/**
 * Notifications against real PostgreSQL (database `fivestar_test_notifications`) and real NATS JetStream.
 * Self-sufficient: it creates its database, schema and stream. The stream is shared with other tests and
 * earlier runs, so every event id, user id and area code carries this run's random part, and the service
 * runs under its own durable name.
 */
import { randomInt } from 'node:crypto';
import {
  type FivestarEvent,
  type InboxResult,
  type Role,
  type SetPreferencesRequest,
} from '@fivestar/contracts';
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
  rebuildNotifications,
  SCHEMA,
  startNotificationsService,
  type NotificationsDB,
  type NotificationsTables,
} from '@fivestar/notifications';
import { closeAll, connectStream, eventFactory, freshSchema, publishNew, testEnv, until } from './support';

const env = testEnv('notifications');
const { run, log } = env;

// Random area codes: earlier runs' events stay in the shared stream and must not land in this run's areas.
const COUNTY = String(randomInt(100_000, 1_000_000));
const T1 = `${COUNTY}001`;
const T2 = `${COUNTY}002`;
const B1 = `${T1}001`;
const B2 = `${T2}001`;

interface User {
  userId: string;
  role: Role;
  jurisdiction: string;
  active: boolean;
}
const user = (name: string, role: Role, jurisdiction: string, active = true): User => ({
  userId: `${run}-${name}`,
  role,
  jurisdiction,
  active,
});
const U = {
  tw1a: user('tw1a', 'township_reviewer', T1),
  tw1b: user('tw1b', 'township_reviewer', T1),
  tw2: user('tw2', 'township_reviewer', T2),
  // Bound to the county: covers every township's reviewer groups.
  twCounty: user('twc', 'township_reviewer', COUNTY),
  tw1Inactive: user('tw1x', 'township_reviewer', T1, false),
  coordinator: user('coord', 'coordinator', COUNTY),
  sec1: user('sec1', 'village_secretary', B1),
  sec2: user('sec2', 'village_secretary', B2),
  // A county reviewer holds a different role: a township reviewer group is not theirs.
  countyReviewer: user('cr', 'county_reviewer', COUNTY),
};
const ALL_USERS = Object.values(U);
const LATE = user('late', 'township_reviewer', T1);

let db: Kysely<NotificationsDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;

// ---- events ---------------------------------------------------------------------------------------

/** Valid events; ids are unique to this run and workflow times increase with each event made. */
const { ev } = eventFactory({
  idPrefix: `notifications-test/${run}`,
  roundId: `r-${run}`,
  branchId: B1,
  area: () => COUNTY,
  t0: Date.parse('2025-06-01T00:00:00.000Z'),
  stepMs: 60_000,
});

const userEvent = (u: User) =>
  ev(
    'directory.user_upserted',
    {
      userId: u.userId,
      name: `用户${u.userId}`,
      role: u.role,
      jurisdiction: u.jurisdiction,
      active: u.active,
    },
    { branchId: null },
  );

const publish = (...events: FivestarEvent[]) => publishNew(nc, events);

// ---- reads ----------------------------------------------------------------------------------------

const viewer = (u: User) => ({ userId: u.userId, role: u.role, jurisdiction: u.jurisdiction });
const inboxOf = (u: User) => callEndpoint(nc, 'notifications', 'inbox', { viewer: viewer(u), limit: 200 });

const eventIds = (r: InboxResult) => r.items.map((n) => n.eventId);

/** Notice rows of this run's users, all columns but the renumbered id: what a rebuild must reproduce. */
async function snapshot() {
  const users = [...ALL_USERS, LATE].map((u) => u.userId);
  const notices = (
    await db
      .selectFrom('notices')
      .selectAll()
      .where('user_id', 'in', users)
      .orderBy('event_id')
      .orderBy('user_id')
      .execute()
  ).map(({ id: _renumbered, ...notice }) => notice);
  const recipients = await db
    .selectFrom('recipients')
    .selectAll()
    .where('user_id', 'in', users)
    .orderBy('user_id')
    .execute();
  return { notices, recipients };
}

// ---- lifecycle ------------------------------------------------------------------------------------

beforeAll(async () => {
  db = await freshSchema<NotificationsDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  await publish(...ALL_USERS.map(userEvent));
  svc = await startNotificationsService(env.serviceOptions);
});

afterAll(() => closeAll(env, { svc, nc, db }));

// ---- tests ----------------------------------------------------------------------------------------

describe('notifications', () => {
  const reviewersT1 = { role: 'township_reviewer', jurisdiction: T1 } as const;
  const deadline = '2025-06-14T10:00:00.000Z';
  const workT1 = {
    key: `${run}/B1/TR/1`,
    kind: 'step',
    title: '一村：乡镇审核',
    group: reviewersT1,
    deadline,
  } as const;
  const stepT1 = ev('branch.step_opened', { step: 'TOWNSHIP_REVIEW', attempt: 1, work: workT1 });
  /** What the supervision events of T1's step say about it (the group varies with who is told). */
  const supervisedT1 = {
    step: 'TOWNSHIP_REVIEW',
    attempt: 1,
    workKey: workT1.key,
    title: workT1.title,
    deadline,
  } as const;
  const stepT2 = ev(
    'branch.step_opened',
    {
      step: 'TOWNSHIP_REVIEW',
      attempt: 1,
      work: {
        key: `${run}/B2/TR/1`,
        kind: 'step',
        title: '二村：乡镇审核',
        group: { role: 'township_reviewer', jurisdiction: T2 },
        deadline,
      },
    },
    { branchId: B2 },
  );
  const escalated = ev('branch.step_escalated', {
    ...supervisedT1,
    level: 'yellow',
    group: { role: 'coordinator', jurisdiction: COUNTY },
  });
  const awarded = ev('branch.awarded', {
    level: 2,
    stars: [
      { code: 'industry', name: '产业兴旺星' },
      { code: 'safety', name: '平安法治星' },
    ],
    catalog: { id: 'rural-default', version: 1 },
  });
  const rejected = ev('rectification.rejected', {
    findingId: `${run}-F1`,
    closes: `${run}/F1/v1`,
    reasons: ['照片不清晰'],
    work: {
      key: `${run}/F1/e2`,
      kind: 'rectification_evidence',
      title: '整改：村务公开栏未更新',
      group: { role: 'village_secretary', jurisdiction: B1 },
      deadline,
    },
  });

  it('fans a notice out to every active user covering the group, and to nobody else', async () => {
    await publish(stepT1, stepT2, escalated, awarded, rejected);
    // The rejection is the last event: once it is in, everything before it has been applied.
    const sec1 = await until(
      () => inboxOf(U.sec1),
      (r) => r.items.length === 2,
    );
    expect(eventIds(sec1)).toEqual([rejected.id, awarded.id]);
    expect(sec1.unread).toBe(2);
    expect(sec1.items[0]).toMatchObject({
      kind: 'step_opened',
      title: '待办：整改：村务公开栏未更新',
      body: '整改未通过核验，退回原因：照片不清晰。请于2025-06-14 18:00前重新整改并提交。',
      workKey: `${run}/F1/e2`,
    });
    expect(sec1.items[1]).toMatchObject({
      kind: 'award_published',
      title: '评星结果：二星级支部',
      body: '本支部获评二星级：产业兴旺星、平安法治星。',
      workKey: null,
    });

    const tw1a = await inboxOf(U.tw1a);
    expect(tw1a.unread).toBe(1);
    expect(tw1a.items).toEqual([
      {
        id: expect.stringMatching(/^\d+$/),
        eventId: stepT1.id,
        kind: 'step_opened',
        title: '待办：一村：乡镇审核',
        body: '一村：乡镇审核，请于2025-06-14 18:00前办理。',
        roundId: `r-${run}`,
        branchId: B1,
        workKey: `${run}/B1/TR/1`,
        escalationLevel: null,
        createdAt: stepT1.occurredAt,
        readAt: null,
        archivedAt: null,
      },
    ]);
    expect(eventIds(await inboxOf(U.tw1b))).toEqual([stepT1.id]);
    // A reviewer bound at the county's level hears nothing of the townships' groups: a group is heard at
    // its own level (a city's 专班 does not hear each county's notices).
    expect(eventIds(await inboxOf(U.twCounty))).toEqual([]);
    // Another township's reviewer, an inactive user, another role, another branch: nothing of T1/B1.
    expect(eventIds(await inboxOf(U.tw2))).toEqual([stepT2.id]);
    expect(eventIds(await inboxOf(U.tw1Inactive))).toEqual([]);
    expect(eventIds(await inboxOf(U.countyReviewer))).toEqual([]);
    expect(eventIds(await inboxOf(U.sec2))).toEqual([]);

    const coord = await inboxOf(U.coordinator);
    expect(coord.items).toHaveLength(1);
    expect(coord.items[0]).toMatchObject({
      eventId: escalated.id,
      kind: 'escalation',
      title: '黄色督办单（挂牌督办）：乡镇审核',
      body: '一村：乡镇审核逾期未办理，现发出黄色督办单（挂牌督办），请督促落实。',
      escalationLevel: 'yellow',
      workKey: `${run}/B1/TR/1`,
    });
  });

  it('marks read only the viewer’s own notices', async () => {
    const mine = (await inboxOf(U.tw1a)).items[0]!;
    const theirs = (await inboxOf(U.tw1b)).items[0]!;
    const res = await callEndpoint(nc, 'notifications', 'markRead', {
      viewer: viewer(U.tw1a),
      ids: [mine.id, theirs.id, 'not-an-id'],
    });
    expect(res).toEqual({ updated: 1 });

    const after = await inboxOf(U.tw1a);
    expect(after.unread).toBe(0);
    expect(after.items[0]!.readAt).not.toBeNull();
    expect((await inboxOf(U.tw1b)).unread).toBe(1);
    // Already read: nothing changes the second time.
    expect(
      await callEndpoint(nc, 'notifications', 'markRead', { viewer: viewer(U.tw1a), ids: [mine.id] }),
    ).toEqual({
      updated: 0,
    });
    const unreadOnly = await callEndpoint(nc, 'notifications', 'inbox', {
      viewer: viewer(U.tw1a),
      unreadOnly: true,
    });
    expect(unreadOnly).toEqual({ unread: 0, items: [] });
  });

  const reminder = ev('branch.step_reminder', { ...supervisedT1, group: reviewersT1 });

  it('tells a newcomer only what happens after they appear; a deactivated user hears nothing new', async () => {
    await publish(userEvent(LATE), userEvent({ ...U.tw1b, active: false }), reminder);
    const late = await until(
      () => inboxOf(LATE),
      (r) => r.items.length > 0,
    );
    expect(eventIds(late)).toEqual([reminder.id]);
    expect(late.items[0]).toMatchObject({
      kind: 'reminder',
      title: '催办提醒：乡镇审核',
      body: '一村：乡镇审核将于2025-06-14 18:00到期，请抓紧办理。',
    });
    expect(eventIds(await inboxOf(U.tw1a))).toEqual([reminder.id, stepT1.id]);
    expect(eventIds(await inboxOf(U.tw1b))).toEqual([stepT1.id]);
  });

  it('gives one notice per recipient however often an event arrives', async () => {
    // Published again with the same id: the stream drops it inside its duplicate window.
    expect((await publishEvent(jetstreamClient(nc), stepT1)).duplicate).toBe(true);

    // Applied twice directly: the processed-event ledger turns the second into a no-op...
    const overdue = ev('branch.step_overdue', { ...supervisedT1, group: reviewersT1 });
    expect(await applyOnce<NotificationsTables>(db, overdue, 0, handleEvent)).toBe(true);
    expect(await applyOnce<NotificationsTables>(db, overdue, 0, handleEvent)).toBe(false);
    // ...and even without the ledger the (event, user) key holds.
    await db.transaction().execute((trx) => handleEvent(trx, overdue));
    // The live consumer then receives it from the stream as well, and skips it.
    const sentinel = ev('branch.step_reminder', { ...supervisedT1, group: reviewersT1 });
    await publish(overdue, sentinel);
    await until(
      () => inboxOf(U.tw1a),
      (r) => r.items.some((n) => n.eventId === sentinel.id),
    );

    const rows = await db
      .selectFrom('notices')
      .select(['user_id'])
      .where('event_id', '=', overdue.id)
      .orderBy('user_id')
      .execute();
    expect(rows.map((r) => r.user_id)).toEqual([U.tw1a.userId, LATE.userId].sort());
    const stepRows = await db
      .selectFrom('notices')
      .select(['user_id'])
      .where('event_id', '=', stepT1.id)
      .execute();
    expect(stepRows).toHaveLength(2);
  });

  it('rebuilds from the stream to exactly the live model, read and archive marks and preferences kept', async () => {
    const archived = (await inboxOf(U.tw2)).items.find((n) => n.eventId === stepT2.id)!;
    expect(
      await callEndpoint(nc, 'notifications', 'archive', { viewer: viewer(U.tw2), ids: [archived.id] }),
    ).toEqual({ updated: 1 });
    const prefs: SetPreferencesRequest = {
      viewer: viewer(U.tw2),
      email: null,
      mobile: '13800000000',
      kinds: { overdue: { mode: 'digest', channels: ['sms'] } },
    };
    await callEndpoint(nc, 'notifications', 'setPreferences', prefs);
    await svc!.stop();
    svc = undefined;
    const live = await snapshot();
    // 2 + 1 + 1 + 1 + 1 (first test) + 2 (reminder) + 2 (overdue) + 2 (sentinel)
    expect(live.notices).toHaveLength(12);
    expect(live.recipients).toHaveLength(ALL_USERS.length + 1);

    const { applied } = await rebuildNotifications(db, nc, log);
    expect(applied).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(live);
    expect(live.notices.filter((n) => n.read_at !== null).map((n) => [n.event_id, n.user_id])).toEqual([
      [stepT1.id, U.tw1a.userId],
    ]);
    expect(live.notices.filter((n) => n.archived_at !== null).map((n) => [n.event_id, n.user_id])).toEqual([
      [stepT2.id, U.tw2.userId],
    ]);
    // Preferences are user settings, not derived from events: the rebuild leaves them as they were.
    const { viewer: _, ...stored } = prefs;
    expect(
      await db
        .selectFrom('preferences')
        .select(['email', 'mobile', 'kinds'])
        .where('user_id', '=', U.tw2.userId)
        .execute(),
    ).toEqual([stored]);
  });
});
