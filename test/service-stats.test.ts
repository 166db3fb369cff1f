/**
 * Consumer lag and handler errors made visible: the `stats` endpoint every read-model service gets from
 * the platform kit (here the tasks service's), the consumer runner's counters on real NATS JetStream and
 * PostgreSQL, and GET /api/admin/stats (roles; a service that does not answer is shown unreachable).
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENT_STREAM, eventSubject, type ServiceStats } from '@fivestar/contracts';
import {
  callEndpoint,
  createConsumerTables,
  jetstreamClient,
  runConsumer,
  type ConsumerTables,
  type NatsConnection,
  type RunningConsumer,
} from '@fivestar/platform';
import { migrations, SCHEMA, startTasksService, type TasksDb } from '@fivestar/tasks';
import type { Kysely } from 'kysely';
import { startTestApi, type TestApi } from './api-support';
import { closeAll, connectStream, eventFactory, freshSchema, publishNew, testEnv, until } from './support';

const env = testEnv('h3');
const { run } = env;
const COUNTY = '411099';
const BRANCH = '411099100201';

const { ev } = eventFactory({
  idPrefix: `stats-${run}`,
  roundId: `stats-${run}`,
  branchId: BRANCH,
  area: () => COUNTY,
  t0: Date.UTC(2026, 10, 2),
  stepMs: 1000,
});
const opened = (n: number) =>
  ev('branch.step_opened', {
    step: 'SELF_CHECK',
    attempt: n,
    work: {
      key: `stats-${run}/${n}`,
      kind: 'step',
      title: `自评 ${n}`,
      group: { role: 'village_secretary', jurisdiction: BRANCH },
      deadline: '2026-12-01T00:00:00.000Z',
    },
  });

let db: Kysely<TasksDb>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> };

const stats = () => callEndpoint(nc, 'tasks', 'stats', {});
/** Stats once the consumer has every message of the stream delivered and acknowledged. */
const settled = () =>
  until(stats, (s) => {
    const c = s.consumers[0]!;
    return c.lag === 0 && c.ackPending === 0 && c.ackFloor.streamSeq === c.streamLastSeq;
  });

beforeAll(async () => {
  db = await freshSchema<TasksDb>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startTasksService(env.serviceOptions);
});

afterAll(() => closeAll(env, { svc, nc, db }));

describe('service stats', () => {
  it('counts applied events and shows the lag falling to 0', async () => {
    const before = await settled();
    expect(before.service).toBe('tasks');
    expect(before.consumers.map((c) => c.durable)).toEqual([env.durable]);
    expect(before.uptimeSeconds).toBeGreaterThan(0);
    expect(Date.parse(before.startedAt)).toBeLessThanOrEqual(Date.now());

    const events = [opened(1), opened(2), opened(3)];
    await publishNew(nc, events);
    const after = await settled();
    const c = after.consumers[0]!;
    expect(c.handler.applied).toBe(before.consumers[0]!.handler.applied + 3);
    expect(c.streamLastSeq).toBe(before.consumers[0]!.streamLastSeq + 3);
    expect(c.delivered.streamSeq).toBe(c.streamLastSeq);

    // The same event again without a message id passes the stream's dedup: the consumer skips it.
    await jetstreamClient(nc).publish(eventSubject(events[0]!.type), JSON.stringify(events[0]));
    const dup = await settled();
    expect(dup.consumers[0]!.handler).toEqual({ ...c.handler, duplicates: c.handler.duplicates + 1 });
  });

  it('dead-letters a poison message and shows it as the last error', async () => {
    const before = await settled();
    await jetstreamClient(nc).publish(
      eventSubject('branch.step_opened'),
      JSON.stringify({ id: `poison-${run}`, type: 'branch.step_opened' }),
    );
    // The dead-letter row is written before the handler counts it: wait for both, then check them.
    const after = await until(
      stats,
      (s) =>
        s.deadLetters.total === before.deadLetters.total + 1 &&
        s.consumers[0]!.handler.deadLettered > before.consumers[0]!.handler.deadLettered,
    );
    expect(after.deadLetters.total).toBe(before.deadLetters.total + 1);
    expect(after.consumers[0]!.handler.deadLettered).toBe(before.consumers[0]!.handler.deadLettered + 1);
    expect(after.deadLetters.lastError).toMatchObject({ eventId: `poison-${run}` });
    expect(after.deadLetters.lastError!.message).toMatch(/occurredAt|invalid|expected/i);
    expect(Date.parse(after.deadLetters.lastError!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('counts a failing handler’s attempts and dead-letters it on the last allowed delivery', async () => {
    const failing = ev('branch.step_reminder', {
      step: 'SELF_CHECK',
      attempt: 1,
      workKey: `stats-${run}/1`,
      title: '自评 1',
      deadline: '2026-12-01T00:00:00.000Z',
      group: { role: 'village_secretary', jurisdiction: BRANCH },
    });
    await publishNew(nc, [failing]);
    // A runner of its own, on consumer tables of its own, whose handler fails on that one event. It
    // reads the stream from the start: the poison message above is parked again, then this one.
    const durable = `${env.durable}-failing`;
    const own = await freshSchema<ConsumerTables>(env, 'h3_failing', {
      '0001_init': { up: createConsumerTables },
    });
    let consumer: RunningConsumer | undefined;
    try {
      consumer = await runConsumer<object>({
        nc,
        db: own,
        durable,
        log: env.log,
        maxDeliver: 2,
        handle: async (_trx, event) => {
          if (event.id === failing.id) throw new Error('handler broke');
        },
      });
      const counted = await until(
        async () => consumer!.counters(),
        (c) => c.deadLettered === 2,
        30_000,
      );
      expect(counted.failedAttempts).toBe(2);
      const parked = await own
        .selectFrom('dead_letters')
        .select(['event_id', 'error'])
        .orderBy('id')
        .execute();
      expect(parked).toEqual([
        { event_id: `poison-${run}`, error: expect.any(String) },
        { event_id: failing.id, error: 'Error: handler broke' },
      ]);
    } finally {
      await consumer?.stop();
      await (await jetstreamManager(nc)).consumers.delete(EVENT_STREAM, durable).catch(() => undefined);
      await own.destroy();
    }
  });

  describe('GET /api/admin/stats', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startTestApi(env, COUNTY);
    });
    afterAll(() => api?.close());

    it('answers administrators and coordinators with every service; silent ones are unreachable', async () => {
      for (const user of [`admin-${COUNTY}`, `coord-${COUNTY}`]) {
        const res = await (await api.signIn(user)).get('/admin/stats');
        expect(res.status).toBe(200);
        const byService = Object.fromEntries(
          (res.body.services as { service: string }[]).map((s) => [s.service, s]),
        );
        expect(Object.keys(byService).sort()).toEqual(['notifications', 'ranking', 'tasks']);
        expect(byService.tasks).toMatchObject({ reachable: true, stats: { service: 'tasks' } });
        const tasks = (byService.tasks as unknown as { stats: ServiceStats }).stats;
        expect(tasks.consumers[0]!.durable).toBe(env.durable);
        // Only the tasks service runs in this test.
        for (const s of ['notifications', 'ranking'])
          expect(byService[s]).toEqual({ service: s, reachable: false, error: '服务未响应' });
      }
    });

    it('refuses other roles (403 problem+json) and anonymous callers (401)', async () => {
      for (const user of [`twp-${COUNTY}100-1`, `cty-${COUNTY}-1`, `sec-${BRANCH}`]) {
        const res = await (await api.signIn(user)).get('/admin/stats');
        expect(res.status).toBe(403);
        expect(res.type).toContain('application/problem+json');
      }
      expect((await (await api.signIn()).get('/admin/stats')).status).toBe(401);
    });
  });
});
