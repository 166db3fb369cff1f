/**
 * Benchmark: the task ledger's keyset pagination at scale. Loads N tasks into the `fivestar_bench_tasks`
 * database (schema `tasks` dropped and migrated afresh) through the tasks service's event handler, then
 * walks whole listings page by page over NATS (`tasks.list`, the service running in this process on a
 * private NATS server) while a writer publishes events that open, close, flag and move tasks in the
 * walked scope. Prints page latencies and pages per second, checks every walk against the database, and
 * prints EXPLAIN ANALYZE of a deep page.
 *
 *   npx tsx bench/task-list.ts [--tasks 100000] [--writer-rate 200] [--seed 1]
 *
 * The guarantee checked: every row that matches the walk's filters when it starts and that the writer
 * does not touch during it (a stable row) is returned exactly once, and the stable rows come in the
 * listing's order (rank as of the walk's pinned `asOf`, deadline, key). Rows the writer touches may or
 * may not appear (a moved deadline may even show one twice); no row that matches the filters neither
 * at the start nor at the end ever does.
 * Needs PostgreSQL and `nats-server`; not Temporal.
 */
import { parseArgs } from 'node:util';
import { sql, Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import { Pool } from 'pg';
import {
  HUMAN_STEPS,
  ListTasksRequest,
  STEP_SIGNERS,
  scopeCode,
  type EventData,
  type EventType,
  type FivestarEvent,
  type HumanStep,
  type Role,
  type Scope,
  type Viewer,
  type WorkItem,
} from '@fivestar/contracts';
import {
  callEndpoint,
  connectNats,
  createDb,
  createLogger,
  ensureDatabase,
  jetstreamClient,
  loadConfig,
  migrate,
  publishEvent,
} from '@fivestar/platform';
import {
  decodeCursor,
  handleEvent,
  listTasks,
  migrations,
  SCHEMA,
  startTasksService,
  type TasksDb,
} from '@fivestar/tasks';
import { caughtUp } from '../test/support';
import { startPrivateNats } from '../test/private-nats';
import { quantile, runBench } from './run';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    'writer-rate': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
  },
});
const TASKS = Number(values.tasks);
const WRITER_RATE = Number(values['writer-rate']);
const DAY = 86_400_000;
const NOW = Date.now();
const DURABLE = 'tasks-bench';

// ---- the county: two counties (most work in the first), 8 townships each, 40 branches per township ----

const COUNTY = '419901';
const COUNTIES = [COUNTY, '419902'];
const pad = (n: number) => String(n).padStart(3, '0');
const townships = (county: string) => Array.from({ length: 8 }, (_, i) => `${county}${pad(i + 1)}`);
const branchesOf = (township: string) => Array.from({ length: 40 }, (_, i) => `${township}${pad(i + 1)}`);
const TOWNSHIP = townships(COUNTY)[0]!;
const ROUNDS = ['bench-2025', 'bench-2026-spring', 'bench-2026-autumn'];
const STARS = ['party', 'industry', 'ecology', 'civility', 'safety'];

/** Deterministic pseudo-random numbers (mulberry32), so two runs load the same ledger. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(Number(values.seed));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const iso = (ms: number) => new Date(ms).toISOString();

// ---- events ---------------------------------------------------------------------------------------

let seq = 0;
function event<T extends EventType>(
  type: T,
  data: EventData<T>,
  roundId: string,
  branchId: string,
  atMs: number,
): FivestarEvent {
  seq++;
  return {
    id: `bench/${seq}`,
    type,
    version: 1,
    occurredAt: iso(atMs),
    roundId,
    branchId,
    jurisdiction: branchId,
    actor: null,
    data,
  } as FivestarEvent;
}

/** What the writer needs to know of a task to close, flag or move it with the right event. */
interface TaskMeta {
  work: WorkItem;
  roundId: string;
  branchId: string;
  step: HumanStep | null;
  findingId: string | null;
}

const branchRef = (code: string) => ({
  code,
  townshipCode: code.slice(0, 9),
  countyCode: code.slice(0, 6),
});
const group = (branchId: string, role: Role, scope: Scope) => ({
  role,
  jurisdiction: scopeCode(branchRef(branchId), scope),
});

/** The event that opens `m`'s task (the kind decides which). */
function opening(m: TaskMeta, atMs: number): FivestarEvent {
  const { work, roundId, branchId } = m;
  switch (work.kind) {
    case 'step':
      return event('branch.step_opened', { step: m.step!, attempt: 1, work }, roundId, branchId, atMs);
    case 'rectification_evidence':
      return event(
        'rectification.opened',
        { findingId: m.findingId!, title: work.title, work },
        roundId,
        branchId,
        atMs,
      );
    case 'rectification_verify':
      return event(
        'rectification.evidence_submitted',
        { findingId: m.findingId!, closes: `${work.key}/evidence`, description: '已整改', work },
        roundId,
        branchId,
        atMs,
      );
    case 'extension_decision':
      return event(
        'work.extension_requested',
        {
          findingId: m.findingId!,
          workKey: `${work.key}/work`,
          title: work.title,
          currentDeadline: work.deadline,
          requestedDeadline: iso(Date.parse(work.deadline) + 10 * DAY),
          reasons: ['工期紧'],
          work,
        },
        roundId,
        branchId,
        atMs,
      );
    case 'revocation_decision':
      return event(
        'branch.revocation_proposed',
        { findingId: m.findingId!, star: work.star ?? null, work },
        roundId,
        branchId,
        atMs,
      );
  }
}

/** The event that closes `m`'s task. */
function closing(m: TaskMeta, atMs: number): FivestarEvent {
  const { work, roundId, branchId } = m;
  const closes = work.key;
  switch (work.kind) {
    case 'step':
      return event(
        'branch.step_signed',
        { step: m.step!, attempt: 1, closes, decision: 'approved' },
        roundId,
        branchId,
        atMs,
      );
    case 'rectification_evidence':
    case 'rectification_verify':
      return event('rectification.closed', { findingId: m.findingId!, closes }, roundId, branchId, atMs);
    case 'extension_decision':
      return event(
        'work.extension_decided',
        {
          findingId: m.findingId!,
          closes,
          workKey: `${closes}/work`,
          title: work.title,
          approved: false,
          reasons: ['理由不充分'],
          deadline: work.deadline,
          group: work.group,
        },
        roundId,
        branchId,
        atMs,
      );
    case 'revocation_decision':
      return event(
        'branch.revocation_decided',
        { findingId: m.findingId!, closes, confirmed: false, reasons: [] },
        roundId,
        branchId,
        atMs,
      );
  }
}

/** The workflow's overdue verdict on `m`'s task (a step or a rectification; null for decisions). */
function overdue(m: TaskMeta, atMs: number): FivestarEvent | null {
  const { work, roundId, branchId } = m;
  const supervised = { workKey: work.key, title: work.title, deadline: work.deadline, group: work.group };
  if (work.kind === 'step')
    return event(
      'branch.step_overdue',
      { step: m.step!, attempt: 1, ...supervised },
      roundId,
      branchId,
      atMs,
    );
  if (work.kind === 'rectification_evidence' || work.kind === 'rectification_verify')
    return event(
      'rectification.overdue',
      { findingId: m.findingId!, ...supervised },
      roundId,
      branchId,
      atMs,
    );
  return null;
}

/** An approved extension of `m`'s task: its deadline moves (and so does its place in the listing). */
function extended(m: TaskMeta, toMs: number, atMs: number): FivestarEvent {
  const { work, roundId, branchId } = m;
  return event(
    'work.extension_decided',
    {
      ...(m.step ? { step: m.step, attempt: 1 } : { findingId: m.findingId! }),
      closes: `${work.key}/extension/${seq}`,
      workKey: work.key,
      title: work.title,
      approved: true,
      reasons: [],
      deadline: iso(toMs),
      group: work.group,
    },
    roundId,
    branchId,
    atMs,
  );
}

let made = 0;
/** A new task on `branchId` of the given kind (deadline spread from a month ago to two months ahead). */
function newTask(branchId: string, kind: WorkItem['kind'], roundId: string): TaskMeta {
  made++;
  const deadline = Math.round((NOW + (rnd() * 90 - 30) * DAY) / 1000) * 1000;
  const star = rnd() < 0.2 ? null : pick(STARS);
  const base = { roundId, branchId, step: null, findingId: `F${(made % 9999) + 1}` };
  const key = `bench/${roundId}/${branchId}/${made}`;
  const work = (title: string, g: WorkItem['group'], s: string | null): WorkItem => ({
    key,
    kind,
    title,
    group: g,
    deadline: iso(deadline),
    ...(s === null ? {} : { star: s }),
  });
  switch (kind) {
    case 'step': {
      const step = pick(HUMAN_STEPS);
      const signer = STEP_SIGNERS[step];
      return {
        ...base,
        step,
        findingId: null,
        work: work(`${branchId}：${step}`, group(branchId, signer.role, signer.scope), null),
      };
    }
    case 'rectification_evidence':
      return { ...base, work: work('整改', group(branchId, 'village_secretary', 'branch'), star) };
    case 'rectification_verify':
      return { ...base, work: work('整改核验', group(branchId, 'township_reviewer', 'township'), star) };
    case 'extension_decision': {
      // Asked by a township reviewer (the coordinator decides) or a village (the township decides).
      const g =
        rnd() < 0.5
          ? group(branchId, 'coordinator', 'county')
          : group(branchId, 'township_reviewer', 'township');
      return { ...base, work: work('延期申请', g, star) };
    }
    case 'revocation_decision':
      return { ...base, work: work('摘星审议', group(branchId, 'coordinator', 'county'), pick(STARS)) };
  }
}

function randomKind(): WorkItem['kind'] {
  const r = rnd();
  if (r < 0.45) return 'step';
  if (r < 0.65) return 'rectification_evidence';
  if (r < 0.8) return 'rectification_verify';
  if (r < 0.92) return 'extension_decision';
  return 'revocation_decision';
}

/**
 * The ledger's events: each task opened (a month before its deadline, at the latest now), a quarter
 * closed, a tenth of the open ones past their deadline flagged overdue by their workflow.
 */
function* ledgerEvents(metas: Map<string, TaskMeta>): Generator<FivestarEvent> {
  for (let i = 0; i < TASKS; i++) {
    const county = rnd() < 0.8 ? COUNTY : COUNTIES[1]!;
    const branchId = pick(branchesOf(pick(townships(county))));
    const m = newTask(branchId, randomKind(), pick(ROUNDS));
    metas.set(m.work.key, m);
    const deadline = Date.parse(m.work.deadline);
    const opened = Math.min(NOW - DAY, deadline - 30 * DAY);
    yield opening(m, opened);
    if (rnd() < 0.25) {
      yield closing(m, opened + DAY);
      metas.delete(m.work.key);
    } else if (deadline < NOW && rnd() < 0.1) {
      const flag = overdue(m, deadline);
      if (flag) yield flag;
    }
  }
}

// ---- walks ----------------------------------------------------------------------------------------

interface Walk {
  name: string;
  viewer: Viewer;
  filters: { status?: 'open' | 'all'; roundId?: string; star?: string };
  limit: number;
}

/** Keys matching a walk's filters (an oracle written apart from queries.ts), in listing order. */
async function matching(db: Kysely<TasksDb>, w: Walk, asOf: Date): Promise<string[]> {
  let q = db
    .selectFrom('tasks')
    .select('key')
    .where('group_role', '=', w.viewer.role)
    .where('group_jurisdiction', 'like', `${w.viewer.jurisdiction}%`);
  if ((w.filters.status ?? 'open') !== 'all') q = q.where('status', '=', 'open');
  if (w.filters.roundId) q = q.where('round_id', '=', w.filters.roundId);
  if (w.filters.star) q = q.where('star', '=', w.filters.star);
  const rank = sql`case when status = 'open' and (deadline < ${asOf} or overdue_at is not null) then 0 else 1 end`;
  const rows = await q.orderBy(rank).orderBy('deadline').orderBy('key').execute();
  return rows.map((r) => r.key);
}

/** The writer: events at `rate`/s that open, close, flag and move tasks of the walked scope. */
function startWriter(
  js: ReturnType<typeof jetstreamClient>,
  scope: TaskMeta[],
  w: Walk,
  touched: Set<string>,
): { stop(): Promise<number> } {
  let stopped = false;
  let published = 0;
  const inScope = pick(scope);
  const loop = (async () => {
    while (!stopped) {
      const r = rnd();
      let e: FivestarEvent | null;
      if (r < 0.3) {
        const kind = w.filters.star ? 'rectification_verify' : inScope.work.kind;
        const m = newTask(inScope.branchId, kind, w.filters.roundId ?? inScope.roundId);
        if (w.filters.star) m.work.star = w.filters.star;
        e = opening(m, Date.now());
        touched.add(m.work.key);
      } else {
        const m = pick(scope);
        touched.add(m.work.key);
        if (r < 0.55) e = closing(m, Date.now());
        else if (r < 0.75) e = overdue(m, Date.now());
        else e = extended(m, Date.now() + (rnd() * 60 - 20) * DAY, Date.now());
      }
      if (e) {
        await publishEvent(js, e);
        published++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000 / WRITER_RATE));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return published;
    },
  };
}

async function main(): Promise<void> {
  const log = createLogger('bench', 'error');
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench_tasks';
  await ensureDatabase(databaseUrl, log);
  const db = createDb<TasksDb>(databaseUrl, SCHEMA, 4);
  await sql`DROP SCHEMA IF EXISTS ${sql.id(SCHEMA)} CASCADE`.execute(db);
  await migrate(db, SCHEMA, migrations, log);

  // Load: the service's own handler, 2,000 events per transaction (straight to the database: the
  // stream and the processed-event ledger are not what is measured here).
  const metas = new Map<string, TaskMeta>();
  const tLoad = performance.now();
  let batch: FivestarEvent[] = [];
  const flush = async () => {
    const events = batch;
    batch = [];
    await db.transaction().execute(async (trx) => {
      for (const e of events) await handleEvent(trx, e);
    });
  };
  for (const e of ledgerEvents(metas)) {
    batch.push(e);
    if (batch.length === 2000) await flush();
  }
  await flush();
  await sql`ANALYZE tasks`.execute(db);
  const loadSeconds = (performance.now() - tLoad) / 1000;
  const counts = await db
    .selectFrom('tasks')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .groupBy('status')
    .execute();
  process.stdout.write(
    `${JSON.stringify({ loaded: { tasks: made, events: seq, seconds: loadSeconds.toFixed(1), byStatus: counts } })}\n`,
  );

  const nats = await startPrivateNats();
  const config = { ...loadConfig(), databaseUrl, natsUrl: nats.url };
  const svc = await startTasksService({ config, log, durable: DURABLE });
  const nc = await connectNats(nats.url, 'fivestar-bench-tasks');
  const js = jetstreamClient(nc);
  const coordinator: Viewer = { userId: 'bench-coord', role: 'coordinator', jurisdiction: COUNTY };
  const reviewer: Viewer = { userId: 'bench-twp', role: 'township_reviewer', jurisdiction: TOWNSHIP };
  const walks: Walk[] = [50, 500].flatMap((limit) => [
    { name: `coordinator ${COUNTY}, open, overdue first`, viewer: coordinator, filters: {}, limit },
    {
      name: `township reviewer ${TOWNSHIP}, all, round ${ROUNDS[1]}`,
      viewer: reviewer,
      filters: { status: 'all' as const, roundId: ROUNDS[1] },
      limit,
    },
    {
      name: `township reviewer ${TOWNSHIP}, all, star party`,
      viewer: reviewer,
      filters: { status: 'all' as const, star: 'party' },
      limit,
    },
  ]);
  let failed = false;
  const deepCursors = new Map<Walk, string>();
  try {
    for (const w of walks) {
      await caughtUp(nc, DURABLE);
      const before = new Set(await matching(db, w, new Date()));
      // The writer works on the walk's open tasks; its own new tasks match the walk's filters.
      const scope = [...before].flatMap((k) => {
        const m = metas.get(k);
        return m ? [m] : [];
      });
      const touched = new Set<string>();
      const writer = startWriter(js, scope, w, touched);
      const got: string[] = [];
      const latencies: number[] = [];
      const cursors: string[] = [];
      let cursor: string | undefined;
      const started = new Date();
      const t0 = performance.now();
      do {
        const s = performance.now();
        const page = await callEndpoint(
          nc,
          'tasks',
          'list',
          { viewer: w.viewer, ...w.filters, limit: w.limit, cursor },
          30_000,
        );
        latencies.push(performance.now() - s);
        got.push(...page.items.map((t) => t.key));
        cursor = page.nextCursor ?? undefined;
        if (cursor) cursors.push(cursor);
      } while (cursor);
      const seconds = (performance.now() - t0) / 1000;
      const written = await writer.stop();
      await caughtUp(nc, DURABLE);

      // Check the walk: stable rows exactly once and in order; nothing outside the filters.
      // The instant the service pinned for the walk (a one-page walk has no cursor: about its start).
      const asOf = cursors[0] ? new Date(decodeCursor(cursors[0])!.asOf) : started;
      const after = await matching(db, w, asOf);
      const afterSet = new Set(after);
      const stable = after.filter((k) => before.has(k) && !touched.has(k));
      const stableSet = new Set(stable);
      const gotStable = got.filter((k) => stableSet.has(k));
      const seen = new Map<string, number>();
      for (const k of got) seen.set(k, (seen.get(k) ?? 0) + 1);
      const repeatedStable = gotStable.filter((k) => seen.get(k)! > 1).length;
      const missing = stable.filter((k) => !seen.has(k)).length;
      // A row matching the filters neither when the walk began nor when it ended has no business in it.
      const outside = got.filter((k) => !before.has(k) && !afterSet.has(k)).length;
      const inOrder = gotStable.length === stable.length && gotStable.every((k, i) => k === stable[i]);
      const ok = inOrder && repeatedStable === 0 && missing === 0 && outside === 0;
      failed ||= !ok;
      deepCursors.set(w, cursors[Math.floor(cursors.length * 0.9)] ?? cursors[0]!);
      const sorted = [...latencies].sort((a, b) => a - b);
      process.stdout.write(
        `${JSON.stringify({
          walk: w.name,
          pageSize: w.limit,
          rowsAtStart: before.size,
          rowsReturned: got.length,
          pages: latencies.length,
          seconds: seconds.toFixed(2),
          pagesPerSecond: (latencies.length / seconds).toFixed(1),
          pageMs: {
            p50: quantile(sorted, 0.5).toFixed(1),
            p95: quantile(sorted, 0.95).toFixed(1),
            max: sorted[sorted.length - 1]!.toFixed(1),
          },
          writer: { events: written, rowsTouched: touched.size },
          check: {
            ok,
            stableRows: stable.length,
            stableInOrderOnce: inOrder,
            repeatedStable,
            missing,
            outside,
            touchedRowsReturned: got.length - gotStable.length,
          },
        })}\n`,
      );
    }

    // EXPLAIN ANALYZE of the very query a deep page runs (captured from listTasks itself).
    for (const w of walks.filter((x) => x.limit === 50)) {
      const captured: CompiledQuery[] = [];
      const pool = new Pool({
        connectionString: databaseUrl,
        max: 1,
        options: `-c search_path=${SCHEMA},public`,
      });
      const spy = new Kysely<TasksDb>({
        dialect: new PostgresDialect({ pool }),
        log: (e) => {
          if (e.level === 'query') captured.push(e.query);
        },
      });
      const req = ListTasksRequest.parse({
        viewer: w.viewer,
        ...w.filters,
        limit: w.limit,
        cursor: deepCursors.get(w),
      });
      await listTasks(spy, req);
      // The page's last query (the listing runs in a transaction: skip its begin/commit).
      const query = captured.filter((q) => /^\s*select/i.test(q.sql)).pop()!;
      const plan = await pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
        query.parameters as unknown[],
      );
      process.stdout.write(`\nEXPLAIN ANALYZE, deep page (90%) of: ${w.name}, pages of ${w.limit}\n`);
      process.stdout.write(`${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      await spy.destroy();
    }
  } finally {
    await nc.close();
    await svc.stop();
    await nats.stop();
    await db.destroy();
  }
  if (failed) throw new Error('a walk skipped, repeated or misplaced a stable row (see check above)');
}

runBench(main);
