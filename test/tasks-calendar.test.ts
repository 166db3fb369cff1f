/**
 * The task ledger and a calendar year not loaded yet, against real PostgreSQL (database
 * `fivestar_test_tasks_calendar`) and real NATS JetStream: deadlines counted Monday–Friday for now
 * (provisional), re-planned once the year is loaded (`work.replanned`), and the branches whose workflows
 * keep failing (`system.activity_failing` until `system.activity_recovered`, the `faults` endpoint).
 * No Temporal: the events are published as the workflows would.
 */
import type { CandidateGroup, EventData, FivestarEvent, Task } from '@fivestar/contracts';
import { callEndpoint, type NatsConnection } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { handleEvent, migrations, SCHEMA, startTasksService, type TasksDb } from '@fivestar/tasks';
import {
  caughtUp,
  closeAll,
  connectStream,
  eventFactory,
  freshSchema,
  publishNew,
  testEnv,
  until,
} from './support';

const env = testEnv('tasks_calendar');
const { run } = env;
const roundId = `cal-${run}`;

const DAY = 86_400_000;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const COUNTY = '330102';
const TOWNSHIP = '330102001';
const B1 = '330102001001';
const B2 = '330102001002';
const B3 = '330102002001';
const ELSEWHERE = '330103001001';
const WAIT_MS = 30_000;

let db: Kysely<TasksDb>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> };

// Events of the recent past (so a deadline a day ahead of `now` is ahead of them too).
const { ev } = eventFactory({
  idPrefix: `tasks-calendar/${run}`,
  roundId,
  branchId: B1,
  area: () => COUNTY,
  t0: now - DAY,
  stepMs: 1000,
});
const publish = (...e: FivestarEvent[]) => publishNew(nc, e);
const reviewers: CandidateGroup = { role: 'township_reviewer', jurisdiction: TOWNSHIP };
const viewer = { userId: `u-${run}`, role: 'township_reviewer' as const, jurisdiction: TOWNSHIP };

const list = () => callEndpoint(nc, 'tasks', 'list', { viewer, roundId, status: 'all', limit: 500 });

async function taskOf(key: string, ok: (t: Task) => boolean = () => true): Promise<Task> {
  const res = await until(list, (r) => r.items.some((t) => t.key === key && ok(t)), WAIT_MS);
  return res.items.find((t) => t.key === key)!;
}

const opened = (key: string, deadlineMs: number, provisional?: boolean, branchId = B1) =>
  ev(
    'branch.step_opened',
    {
      step: 'TOWNSHIP_REVIEW',
      attempt: 1,
      work: {
        key,
        kind: 'step',
        title: `${key.slice(-3)}：乡镇审核`,
        group: reviewers,
        deadline: iso(deadlineMs),
        ...(provisional === undefined ? {} : { provisional }),
      },
    },
    { branchId },
  );
const supervised = (key: string, deadlineMs: number) => ({
  step: 'TOWNSHIP_REVIEW' as const,
  attempt: 1,
  workKey: key,
  title: `${key.slice(-3)}：乡镇审核`,
  deadline: iso(deadlineMs),
  group: reviewers,
});
const replanned = (key: string, fromMs: number, toMs: number, provisional: boolean) =>
  ev('work.replanned', { ...supervised(key, toMs), previousDeadline: iso(fromMs), provisional });

beforeAll(async () => {
  db = await freshSchema<TasksDb>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startTasksService({ ...env.serviceOptions, yellowSeconds: 3 * 86_400 });
});

afterAll(() => closeAll(env, { svc, nc, db }));

describe('provisional deadlines', () => {
  const [k1, k2] = [`${run}/p/001`, `${run}/p/002`];

  it('stores the flag and shows it on the task and in the ledger (absent: false)', async () => {
    await publish(opened(k1, now + 20 * DAY, true), opened(k2, now + 20 * DAY));
    expect((await taskOf(k1)).provisional).toBe(true);
    expect((await taskOf(k2)).provisional).toBe(false);
    const ledger = await callEndpoint(nc, 'tasks', 'ledger', {
      viewer: { ...viewer, role: 'county_reviewer', jurisdiction: COUNTY },
      scope: COUNTY,
      roundId,
    });
    const flags = Object.fromEntries(ledger.rows.map((r) => [r.key, r.provisional]));
    expect(flags).toMatchObject({ [k1]: true, [k2]: false });
    const file = await callEndpoint(nc, 'tasks', 'ledgerExport', {
      viewer: { ...viewer, role: 'county_reviewer', jurisdiction: COUNTY },
      scope: COUNTY,
      roundId,
      format: 'csv',
    });
    const lines = Buffer.from(file.base64, 'base64').toString('utf8').split('\r\n');
    expect(lines[0]).toContain('期限,期限说明,状态');
    expect(lines.find((l) => l.includes('001：乡镇审核'))).toContain(',暂按工作日计算,');
    expect(lines.find((l) => l.includes('002：乡镇审核'))).not.toContain('暂按工作日计算');
  });
});

describe('work.replanned', () => {
  it('moves the deadline, clears the provisional flag and the marks that no longer hold, once', async () => {
    const key = `${run}/r/001`;
    const before = now - 2 * DAY;
    const after = now + 10 * DAY;
    await publish(
      opened(key, before, true),
      ev('branch.step_reminder', supervised(key, before)),
      ev('branch.step_overdue', supervised(key, before)),
      ev('branch.step_escalated', { ...supervised(key, before), level: 'blue' }),
    );
    expect(await taskOf(key, (t) => t.escalationLevel === 'blue')).toMatchObject({
      light: 'red',
      provisional: true,
    });

    const e = replanned(key, before, after, false);
    await publish(e);
    const t = await taskOf(key, (x) => x.deadline === iso(after));
    expect(t).toMatchObject({ provisional: false, light: 'green', escalationLevel: null, status: 'open' });

    const historyOf = () => callEndpoint(nc, 'tasks', 'history', { viewer, key });
    const entries = (await historyOf()).items.map((h) => [h.action, h.by.userId, h.from, h.to, h.note]);
    const expected = [['deadline', 'system', iso(before), iso(after), '已按新加载的工作日历重新计算期限']];
    expect(entries).toEqual(expected);

    // The handler on its own is idempotent too: applied again, nothing changes and no entry is added.
    const row = () => db.selectFrom('tasks').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    const stored = await row();
    await db.transaction().execute((trx) => handleEvent(trx, e));
    expect(await row()).toEqual(stored);
    expect((await historyOf()).items).toHaveLength(1);
  });

  it('keeps the overdue marks when the new deadline has passed too, and may stay provisional', async () => {
    const key = `${run}/r/002`;
    const first = now - 5 * DAY;
    const second = now - 4 * DAY;
    await publish(opened(key, first, true), ev('branch.step_overdue', supervised(key, first)));
    await taskOf(key, (t) => t.light === 'red');
    await publish(replanned(key, first, second, true));
    expect(await taskOf(key, (t) => t.deadline === iso(second))).toMatchObject({
      light: 'red',
      provisional: true,
    });
  });

  it('leaves done work alone', async () => {
    const key = `${run}/r/003`;
    await publish(
      opened(key, now + DAY, true),
      ev('branch.step_signed', { step: 'TOWNSHIP_REVIEW', attempt: 1, closes: key, decision: 'approved' }),
      replanned(key, now + DAY, now + 9 * DAY, false),
    );
    await caughtUp(nc, env.durable);
    expect(await taskOf(key)).toMatchObject({ status: 'done', deadline: iso(now + DAY), provisional: true });
  });
});

describe('faults (系统处理异常)', () => {
  const calendar = { calendarId: 'cn-mainland', year: 2027 };
  const failing = (
    branchId: string,
    activityId: string,
    cause: EventData<'system.activity_failing'>['calendar'],
    activityType = 'planSupervision',
  ) =>
    ev(
      'system.activity_failing',
      {
        workflowId: `round/${roundId}/branch/${branchId}`,
        activityId,
        activityType,
        attempt: 3,
        message: cause ? `工作日历未包含 ${cause.year} 年` : 'connection refused',
        calendar: cause,
      },
      { branchId },
    );
  const recovered = (branchId: string, activityId: string, activityType = 'planSupervision') =>
    ev(
      'system.activity_recovered',
      { workflowId: `round/${roundId}/branch/${branchId}`, activityId, activityType, attempt: 4 },
      { branchId },
    );
  const faults = (req: { jurisdiction: string; roundId?: string; branchId?: string; limit?: number }) =>
    callEndpoint(nc, 'tasks', 'faults', { roundId, ...req });

  const events: FivestarEvent[] = [];
  beforeAll(async () => {
    events.push(
      failing(B1, '1', calendar),
      // The same branch failing a second activity is still one branch.
      failing(B1, '2', calendar),
      failing(B2, '1', calendar),
      failing(B3, '1', null, 'publishEvent'),
      failing(ELSEWHERE, '1', calendar),
    );
    await publish(...events);
    await caughtUp(nc, env.durable);
  });

  it('counts branches, groups them by cause and lists the oldest first, inside the jurisdiction', async () => {
    const county = await faults({ jurisdiction: COUNTY });
    expect(county.branches).toBe(3);
    expect(county.byCause).toEqual([
      { cause: 'calendar:cn-mainland:2027', label: '等待加载2027年工作日历', branches: 2 },
      { cause: 'activity:publishEvent', label: '后台处理（publishEvent）反复失败', branches: 1 },
    ]);
    expect(county.items.map((f) => [f.branchId, f.since])).toEqual(
      events.slice(0, 4).map((e) => [e.branchId, e.occurredAt]),
    );
    expect(county.items[0]).toEqual({
      workflowId: `round/${roundId}/branch/${B1}`,
      roundId,
      branchId: B1,
      activityType: 'planSupervision',
      message: '工作日历未包含 2027 年',
      since: events[0]!.occurredAt,
      calendar,
    });
    expect(county.items[3]!.calendar).toBeNull();

    const township = await faults({ jurisdiction: TOWNSHIP });
    expect([township.branches, township.byCause.map((c) => c.branches)]).toEqual([2, [2]]);
    const branch = await faults({ jurisdiction: B2 });
    expect(branch.items.map((f) => f.branchId)).toEqual([B2]);
    expect((await faults({ jurisdiction: COUNTY, branchId: B3 })).items.map((f) => f.branchId)).toEqual([B3]);
    expect((await faults({ jurisdiction: COUNTY, roundId: `other-${run}` })).branches).toBe(0);
    const limited = await faults({ jurisdiction: COUNTY, limit: 2 });
    expect([limited.branches, limited.items.length]).toEqual([3, 2]);
  });

  it('stays open while the branch makes other progress; only the recovery clears it', async () => {
    await publish(opened(`${run}/f/001`, now + 20 * DAY, false, B2));
    await caughtUp(nc, env.durable);
    expect((await faults({ jurisdiction: B2 })).branches).toBe(1);

    await publish(recovered(B2, '1'), recovered(B1, '1'));
    await caughtUp(nc, env.durable);
    const county = await faults({ jurisdiction: COUNTY });
    // B1 still waits on its second activity.
    expect(county.branches).toBe(2);
    expect(county.items.map((f) => f.branchId)).toEqual([B1, B3]);
    expect(county.byCause.map((c) => [c.cause, c.branches])).toEqual([
      ['activity:publishEvent', 1],
      ['calendar:cn-mainland:2027', 1],
    ]);

    await publish(recovered(B1, '2'), recovered(B3, '1', 'publishEvent'));
    await caughtUp(nc, env.durable);
    expect(await faults({ jurisdiction: COUNTY })).toEqual({ branches: 0, byCause: [], items: [] });
  });
});
