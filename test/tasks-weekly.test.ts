/**
 * The scheduler's weekly run (`tasks.weeklySnapshots`) on real NATS and PostgreSQL: the ledger snapshot
 * of every round not closed, at county scope and at each township's, idempotent; and the `rounds` read
 * model it relies on, rebuilt from the stream to exactly the live rows.
 */
import type { LedgerSnapshot } from '@fivestar/contracts';
import { callEndpoint, createDb, migrate, rebuildFromStream, type NatsConnection } from '@fivestar/platform';
import {
  handleEvent,
  migrations,
  SCHEMA,
  startTasksService,
  truncateReadModels,
  type TasksDatabase,
  type TasksDb,
} from '@fivestar/tasks';
import { sql, type Kysely } from 'kysely';
import { closeAll, connectStream, eventFactory, freshSchema, publishNew, testEnv, until } from './support';

const env = testEnv('h3');
const { run } = env;
const COUNTY = '411099';
const T1 = '411099100';
const T2 = '411099200';
const A1 = `${T1}201`;
const A2 = `${T1}202`;
const B1 = `${T2}201`;
const open = `wk-open-${run}`;
const closed = `wk-closed-${run}`;
const REBUILD_SCHEMA = 'h3_tasks_rebuild';

const factory = (round: string) =>
  eventFactory({
    idPrefix: round,
    roundId: round,
    branchId: null,
    area: () => COUNTY,
    t0: Date.UTC(2026, 10, 16),
    stepMs: 1000,
  });

const started = (f: ReturnType<typeof factory>) =>
  f.ev('round.started', { title: '2026年度', year: 2026, countyCode: COUNTY, catalogs: [] });
/** The self-check of `branch` in `round`, owed by its village secretary. */
const opened = (f: ReturnType<typeof factory>, round: string, branch: string) =>
  f.ev(
    'branch.step_opened',
    {
      step: 'SELF_CHECK',
      attempt: 1,
      work: {
        key: `${round}/${branch}`,
        kind: 'step',
        title: `${branch} 自评`,
        group: { role: 'village_secretary', jurisdiction: branch },
        deadline: '2026-12-01T00:00:00.000Z',
      },
    },
    { branchId: branch },
  );

let db: Kysely<TasksDb>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> };

const weekly = (week: string) => callEndpoint(nc, 'tasks', 'weeklySnapshots', { week }, 30_000);
const mine = (snapshots: LedgerSnapshot[]) =>
  snapshots.filter((s) => s.roundId === open || s.roundId === closed);

beforeAll(async () => {
  db = await freshSchema<TasksDb>(env, SCHEMA, migrations, [REBUILD_SCHEMA]);
  nc = await connectStream(env);
  svc = await startTasksService(env.serviceOptions);
  const o = factory(open);
  const c = factory(closed);
  await publishNew(nc, [
    started(o),
    opened(o, open, A1),
    opened(o, open, A2),
    opened(o, open, B1),
    started(c),
    opened(c, closed, A1),
    c.ev('round.closed', { countyCode: COUNTY, year: 2026 }),
  ]);
  await until(
    () => db.selectFrom('rounds').selectAll().where('round_id', 'in', [open, closed]).execute(),
    (rows) => rows.length === 2 && rows.some((r) => r.closed_at !== null),
  );
  await until(
    () => db.selectFrom('tasks').select('key').where('round_id', '=', open).execute(),
    (rows) => rows.length === 3,
  );
});

afterAll(() => closeAll(env, { svc, nc, db }));

describe('tasks.weeklySnapshots', () => {
  it('snapshots every round not closed at county and township scope, once per week', async () => {
    const first = await weekly('2026-W47');
    expect(first.week).toBe('2026-W47');
    const snaps = mine(first.snapshots);
    expect(snaps.map((s) => [s.roundId, s.scope, s.week, s.counts.total])).toEqual([
      [open, COUNTY, '2026-W47', 3],
      [open, T1, '2026-W47', 2],
      [open, T2, '2026-W47', 1],
    ]);
    expect(first.taken).toBeGreaterThanOrEqual(3);

    // A repeat (a retried or caught-up run) takes nothing and answers the same snapshots.
    const again = await weekly('2026-W47');
    expect(again.taken).toBe(0);
    expect(mine(again.snapshots)).toEqual(snaps);
    const stored = await db
      .selectFrom('ledger_snapshots')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('round_id', '=', open)
      .executeTakeFirstOrThrow();
    expect(stored.n).toBe(3);

    // Another week is another set.
    const next = await weekly('2026-W48');
    expect(mine(next.snapshots).map((s) => s.week)).toEqual(['2026-W48', '2026-W48', '2026-W48']);
  });

  it('refuses a malformed week', async () => {
    await expect(weekly('2026-48')).rejects.toMatchObject({ code: 'invalid' });
  });

  it('rebuilds the rounds from the stream to exactly the live rows', async () => {
    const rebuilt = createDb<TasksDb>(env.databaseUrl, REBUILD_SCHEMA, 2);
    try {
      await migrate(rebuilt, REBUILD_SCHEMA, migrations, env.log);
      await rebuilt
        .insertInto('rounds')
        .values({ round_id: `ghost-${run}`, county_code: COUNTY, closed_at: null })
        .execute();
      await rebuildFromStream<TasksDatabase>({
        nc,
        db: rebuilt,
        handle: handleEvent,
        truncate: truncateReadModels,
        log: env.log,
      });
      const rounds = (d: Kysely<TasksDb>) => d.selectFrom('rounds').selectAll().orderBy('round_id').execute();
      const live = await rounds(db);
      expect(
        live.filter((r) => r.round_id.endsWith(run)).map((r) => [r.round_id, r.closed_at !== null]),
      ).toEqual([
        [closed, true],
        [open, false],
      ]);
      expect(await rounds(rebuilt)).toEqual(live);
    } finally {
      await rebuilt.destroy();
    }
  });
});
