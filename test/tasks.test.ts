/**
 * The task ledger against real PostgreSQL (database `fivestar_test_tasks`) and real NATS JetStream.
 * Self-sufficient: it creates its database, schema and stream itself, so it runs with or without the
 * global setup. Event ids, keys and the round id carry a per-run id, so the shared stream's other
 * events (other tests, earlier runs) never get in the way; every listing filters by this run's round.
 */
import {
  STEPS,
  WEAK_BRANCH_FINDING_ID,
  type CandidateGroup,
  type FivestarEvent,
  type HumanStep,
  type ListTasksRequest,
  type ProgressStatusCounts,
  type Role,
  type RoundProgressRequest,
  type Step,
  type StepCounts,
  type Task,
} from '@fivestar/contracts';
import {
  applyOnce,
  callEndpoint,
  createDb,
  migrate,
  rebuildFromStream,
  RequestError,
  type NatsConnection,
} from '@fivestar/platform';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import {
  handleEvent,
  migrations,
  SCHEMA,
  startTasksService,
  truncateReadModels,
  type TasksDatabase,
  type TasksDb,
} from '@fivestar/tasks';
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

const env = testEnv('tasks');
const { run, databaseUrl, log } = env;
const roundId = `tasks-${run}`;

const DAY = 86_400_000;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const COUNTY = '330102';
const TOWNSHIP = '330102001';
const B1 = '330102001001';
const B2 = '330102001002';
/** How long a read waits for the consumer to catch up. */
const WAIT_MS = 30_000;

let db: Kysely<TasksDb>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> };

// ---- events ---------------------------------------------------------------------------------------

/** Valid events of this run: ids and workflow times are unique and increasing within this run. */
const factory = (idPrefix: string, round: string, branchId: string, t0: number) =>
  eventFactory({ idPrefix, roundId: round, branchId, area: () => COUNTY, t0, stepMs: 1000 });
/** A factory (and round) of its own, `${prefix}-${run}`: other tests' exact listings never see its events. */
const ownFactory = (prefix: string, branchId: string, t0: number) =>
  factory(`${prefix}-${run}`, `${prefix}-${run}`, branchId, t0);
const events = factory(run, roundId, B1, now - DAY);
const { ev } = events;

const group = (role: Role, jurisdiction: string): CandidateGroup => ({ role, jurisdiction });

const publish = (...e: FivestarEvent[]) => publishNew(nc, e);

/** Replays the stream into `d` (a rebuild of the read models). */
const replay = (d: Kysely<TasksDb>) =>
  rebuildFromStream<TasksDatabase>({ nc, db: d, handle: handleEvent, truncate: truncateReadModels, log });

/** Runs `fn` on a second, migrated schema, so the live model keeps running undisturbed. */
async function withRebuildSchema(fn: (rebuilt: Kysely<TasksDb>) => Promise<void>): Promise<void> {
  const rebuilt = createDb<TasksDb>(databaseUrl, 'tasks_rebuild', 2);
  try {
    await migrate(rebuilt, 'tasks_rebuild', migrations, log);
    await fn(rebuilt);
  } finally {
    await rebuilt.destroy();
  }
}

// ---- reads ----------------------------------------------------------------------------------------

const viewer = (role: Role, jurisdiction: string) => ({
  userId: `u-${role}-${jurisdiction}`,
  role,
  jurisdiction,
});

function list(role: Role, jurisdiction: string, extra: Partial<ListTasksRequest> = {}) {
  return callEndpoint(nc, 'tasks', 'list', {
    viewer: viewer(role, jurisdiction),
    roundId,
    status: 'all',
    limit: 500,
    ...extra,
  });
}

async function taskOf(
  role: Role,
  jurisdiction: string,
  key: string,
  ok: (t: Task) => boolean,
): Promise<Task> {
  const res = await until(
    () => list(role, jurisdiction),
    (r) => r.items.some((t) => t.key === key && ok(t)),
    WAIT_MS,
  );
  return res.items.find((t) => t.key === key)!;
}

async function allPages(role: Role, jurisdiction: string, limit: number): Promise<Task[][]> {
  const pages: Task[][] = [];
  let cursor: string | undefined;
  do {
    const res = await list(role, jurisdiction, { status: 'open', limit, cursor });
    pages.push(res.items);
    cursor = res.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

// ---- lifecycle ------------------------------------------------------------------------------------

beforeAll(async () => {
  db = await freshSchema<TasksDb>(env, SCHEMA, migrations, ['tasks_rebuild']);
  nc = await connectStream(env);
  // Own durable name: sharing `tasks` with a running service would split the stream between the two.
  svc = await startTasksService({ ...env.serviceOptions, yellowSeconds: 3 * 86_400 });
});

afterAll(() => closeAll(env, { svc, nc, db }));

// ---- tests ----------------------------------------------------------------------------------------

describe('tasks ledger', () => {
  const stepKey = `${run}/${B1}/TOWNSHIP_REVIEW/1`;
  const stepRef = { step: 'TOWNSHIP_REVIEW' as const, attempt: 1 };
  const reviewers = group('township_reviewer', TOWNSHIP);

  it('follows a step: opened (green) → reminder (yellow) → overdue (red) → escalated → signed (done)', async () => {
    const deadline = iso(now + 10 * DAY);
    const title = '测试一村：乡镇审核';
    const opened = ev('branch.step_opened', {
      ...stepRef,
      work: { key: stepKey, kind: 'step', title, group: reviewers, deadline },
    });
    await publish(opened);
    let t = await taskOf('township_reviewer', TOWNSHIP, stepKey, () => true);
    expect(t).toEqual({
      key: stepKey,
      kind: 'step',
      title: '测试一村：乡镇审核',
      group: reviewers,
      roundId,
      branchId: B1,
      step: 'TOWNSHIP_REVIEW',
      findingId: null,
      star: null,
      subject: null,
      status: 'open',
      deadline,
      provisional: false,
      openedAt: opened.occurredAt,
      closedAt: null,
      light: 'green',
      escalationLevel: null,
      urgedAt: null,
      urgeCount: 0,
      assignee: null,
      delegatedBy: null,
    });

    const supervised = { ...stepRef, workKey: stepKey, title, deadline };
    await publish(ev('branch.step_reminder', { ...supervised, group: reviewers }));
    t = await taskOf('township_reviewer', TOWNSHIP, stepKey, (x) => x.light !== 'green');
    expect(t.light).toBe('yellow');

    // The workflow's verdict makes it red even though the stored deadline is still ahead.
    await publish(ev('branch.step_overdue', { ...supervised, group: reviewers }));
    t = await taskOf('township_reviewer', TOWNSHIP, stepKey, (x) => x.light === 'red');

    await publish(
      ev('branch.step_escalated', {
        ...supervised,
        level: 'blue',
        group: group('township_reviewer', TOWNSHIP),
      }),
    );
    t = await taskOf('township_reviewer', TOWNSHIP, stepKey, (x) => x.escalationLevel !== null);
    expect(t).toMatchObject({ escalationLevel: 'blue', light: 'red', status: 'open' });

    const signed = ev('branch.step_signed', { ...stepRef, closes: stepKey, decision: 'approved' });
    await publish(signed);
    t = await taskOf('township_reviewer', TOWNSHIP, stepKey, (x) => x.status === 'done');
    expect(t).toMatchObject({
      status: 'done',
      closedAt: signed.occurredAt,
      light: 'green',
      escalationLevel: 'blue',
    });
    const open = await list('township_reviewer', TOWNSHIP, { status: 'open' });
    expect(open.items.map((x) => x.key)).not.toContain(stepKey);
  });

  it("puts the steps above the county on their city's and province's lists (4- and 2-digit groups)", async () => {
    const round = `above-${run}`;
    const { ev: above } = ownFactory('above', B1, now - DAY);
    const [city, province] = [COUNTY.slice(0, 4), COUNTY.slice(0, 2)];
    const deadline = iso(now + 5 * DAY);
    const opened = (step: 'CITY_RECHECK' | 'PROVINCE_SPOT_CHECK', g: CandidateGroup) =>
      above('branch.step_opened', {
        step,
        attempt: 1,
        work: {
          key: `${round}/${B1}/${step}/1`,
          kind: 'step',
          title: `测试一村：${step}`,
          group: g,
          deadline,
        },
      });
    await publish(
      opened('CITY_RECHECK', group('city_reviewer', city)),
      opened('PROVINCE_SPOT_CHECK', group('province_reviewer', province)),
    );
    const keys = (role: Role, jurisdiction: string) =>
      list(role, jurisdiction, { roundId: round }).then((r) => r.items.map((t) => `${t.step} ${t.key}`));
    await until(
      () => keys('province_reviewer', province),
      (k) => k.length === 1,
      WAIT_MS,
    );
    expect(await keys('province_reviewer', province)).toEqual([
      `PROVINCE_SPOT_CHECK ${round}/${B1}/PROVINCE_SPOT_CHECK/1`,
    ]);
    expect(await keys('city_reviewer', city)).toEqual([`CITY_RECHECK ${round}/${B1}/CITY_RECHECK/1`]);
    expect(await keys('city_reviewer', '3302')).toEqual([]);
    expect(await keys('county_reviewer', COUNTY)).toEqual([]);
  });

  const f = `${run}-F1`;
  const rk = (what: string) => `${run}/${B2}/${f}/${what}`;
  const village = group('village_secretary', B2);

  it('follows a rectification: evidence → verify → rejected → evidence → verify → closed', async () => {
    const d = (days: number) => iso(now + days * DAY);
    const work = (
      what: string,
      kind: 'rectification_evidence' | 'rectification_verify',
      g: CandidateGroup,
      days: number,
    ) => ({
      key: rk(what),
      kind,
      title: kind === 'rectification_evidence' ? '整改：阵地建设不达标' : '整改核验：阵地建设不达标',
      group: g,
      deadline: d(days),
    });

    await publish(
      ev(
        'rectification.opened',
        { findingId: f, title: '阵地建设不达标', work: work('e1', 'rectification_evidence', village, 20) },
        { branchId: B2 },
      ),
    );
    let t = await taskOf('village_secretary', B2, rk('e1'), () => true);
    expect(t).toMatchObject({
      kind: 'rectification_evidence',
      findingId: f,
      step: null,
      status: 'open',
      light: 'green',
    });

    const submitted = ev(
      'rectification.evidence_submitted',
      {
        findingId: f,
        closes: rk('e1'),
        description: '已整改',
        work: work('v1', 'rectification_verify', reviewers, 2),
      },
      { branchId: B2 },
    );
    await publish(submitted);
    t = await taskOf('township_reviewer', TOWNSHIP, rk('v1'), () => true);
    // Due in two days: inside the three-day window.
    expect(t).toMatchObject({ status: 'open', light: 'yellow', openedAt: submitted.occurredAt });
    t = await taskOf('village_secretary', B2, rk('e1'), (x) => x.status === 'done');
    expect(t.closedAt).toBe(submitted.occurredAt);

    await publish(
      ev(
        'rectification.rejected',
        {
          findingId: f,
          closes: rk('v1'),
          reasons: ['佐证材料不全'],
          work: work('e2', 'rectification_evidence', village, 10),
        },
        { branchId: B2 },
      ),
    );
    await taskOf('village_secretary', B2, rk('e2'), (x) => x.status === 'open');
    await taskOf('township_reviewer', TOWNSHIP, rk('v1'), (x) => x.status === 'done');

    await publish(
      ev(
        'rectification.evidence_submitted',
        {
          findingId: f,
          closes: rk('e2'),
          description: '补充材料',
          work: work('v2', 'rectification_verify', reviewers, 5),
        },
        { branchId: B2 },
      ),
      ev('rectification.closed', { findingId: f, closes: rk('v2') }, { branchId: B2 }),
    );
    await taskOf('township_reviewer', TOWNSHIP, rk('v2'), (x) => x.status === 'done');
    // Both done: ordered by deadline (e2 was due sooner than e1).
    const mine = await list('village_secretary', B2);
    expect(mine.items.map((x) => [x.key, x.status])).toEqual([
      [rk('e2'), 'done'],
      [rk('e1'), 'done'],
    ]);
    const theirs = await list('township_reviewer', TOWNSHIP, { branchId: B2 });
    expect(theirs.items.map((x) => [x.key, x.status])).toEqual([
      [rk('v1'), 'done'],
      [rk('v2'), 'done'],
    ]);
  });

  it('scopes by role and jurisdiction prefix', async () => {
    const keys = async (role: Role, j: string) => (await list(role, j)).items.map((x) => x.key).sort();
    const township = [stepKey, rk('v1'), rk('v2')].sort();
    expect(await keys('township_reviewer', TOWNSHIP)).toEqual(township);
    // A township reviewer bound to the county sees every township's groups.
    expect(await keys('township_reviewer', COUNTY)).toEqual(township);
    expect(await keys('township_reviewer', '330102002')).toEqual([]);
    expect(await keys('county_reviewer', COUNTY)).toEqual([]);
    expect(await keys('village_secretary', B1)).toEqual([]);
    expect(await keys('village_secretary', TOWNSHIP)).toEqual([rk('e1'), rk('e2')]);
  });

  it('counts urges, opens and closes extension approvals, moves an approved deadline, closes on withdrawal', async () => {
    const key = `${run}:supervised/${B2}/SELF_CHECK/1`;
    const secretary = group('village_secretary', B2);
    const deadline = iso(now + DAY);
    const title = '测试二村：村自评';
    const ref = { step: 'SELF_CHECK' as const, attempt: 1 };
    const late = { ...ref, workKey: key, title, deadline };
    await publish(
      ev(
        'branch.step_opened',
        { ...ref, work: { key, kind: 'step', title, group: secretary, deadline } },
        { branchId: B2 },
      ),
      ev('branch.step_overdue', { ...late, group: secretary }, { branchId: B2 }),
      ev('work.urged', { ...late, group: secretary, note: '请尽快办理' }, { branchId: B2 }),
      ev('work.urged', { ...late, group: secretary }, { branchId: B2 }),
    );
    let t = await taskOf('village_secretary', B2, key, (x) => x.urgeCount === 2);
    expect(t.urgedAt).not.toBeNull();
    expect(t.light).toBe('red');

    // The approval is a task of its own for the level above; the decision closes it and moves the deadline.
    const approvalKey = `${key}/extension/1`;
    const until = iso(now + 10 * DAY);
    const approvers = group('township_reviewer', TOWNSHIP);
    await publish(
      ev(
        'work.extension_requested',
        {
          ...ref,
          workKey: key,
          title,
          currentDeadline: deadline,
          requestedDeadline: until,
          reasons: ['换届'],
          work: {
            key: approvalKey,
            kind: 'extension_decision',
            title: `延期申请：${title}`,
            group: approvers,
            deadline,
          },
        },
        { branchId: B2 },
      ),
    );
    const approval = await taskOf('township_reviewer', TOWNSHIP, approvalKey, () => true);
    expect(approval).toMatchObject({ kind: 'extension_decision', status: 'open', step: 'SELF_CHECK' });
    await publish(
      ev(
        'work.extension_decided',
        {
          ...ref,
          closes: approvalKey,
          workKey: key,
          title,
          approved: true,
          reasons: [],
          deadline: until,
          group: secretary,
        },
        { branchId: B2 },
      ),
    );
    t = await taskOf('village_secretary', B2, key, (x) => x.deadline === until);
    expect(t).toMatchObject({ light: 'green', escalationLevel: null, status: 'open', urgeCount: 2 });
    // The moved deadline is in the task's history (the decision's event: no user actor here).
    const history = await callEndpoint(nc, 'tasks', 'history', {
      viewer: viewer('village_secretary', B2),
      key,
    });
    expect(history.items.map((h) => [h.action, h.by.userId, h.from, h.to])).toEqual([
      ['deadline', 'system', deadline, until],
    ]);
    expect((await taskOf('township_reviewer', TOWNSHIP, approvalKey, () => true)).status).toBe('done');

    // The round's policy withdraws a branch that never self-checks: its task closes.
    await publish(
      ev('branch.withdrawn', { ...ref, closes: key, reason: '逾期未提交自评' }, { branchId: B2 }),
    );
    expect((await taskOf('village_secretary', B2, key, (x) => x.status === 'done')).closedAt).not.toBeNull();
  });

  describe('ordering and pagination', () => {
    const county = group('county_reviewer', COUNTY);
    const pk = (n: string) => `${run}/P/${n}`;
    const openStep = (n: string, deadlineMs: number) =>
      ev('branch.step_opened', {
        step: 'COUNTY_PRE_REVIEW',
        attempt: 1,
        work: { key: pk(n), kind: 'step', title: `县级预审 ${n}`, group: county, deadline: iso(deadlineMs) },
      });
    // Deadlines are ms-exact; equal deadlines tie-break on key.
    const t0 = Math.floor(now / 1000) * 1000;

    it('lists overdue first (past deadline or flagged), then by deadline, then key; lights from now', async () => {
      await publish(
        openStep('a-late', t0 - 2 * DAY),
        openStep('b-late', t0 - 1 * DAY),
        openStep('c-soon', t0 + 1 * DAY),
        openStep('d-soon', t0 + 2 * DAY),
        openStep('e-far', t0 + 10 * DAY),
        openStep('f-far', t0 + 10 * DAY),
        openStep('g-far-flagged', t0 + 30 * DAY),
        ev('branch.step_overdue', {
          step: 'COUNTY_PRE_REVIEW',
          attempt: 1,
          workKey: pk('g-far-flagged'),
          title: '县级预审 g-far-flagged',
          deadline: iso(t0 + 30 * DAY),
          group: county,
        }),
      );
      const res = await until(
        () => list('county_reviewer', COUNTY, { status: 'open' }),
        (r) => r.items.length === 7 && r.items[2]?.key === pk('g-far-flagged'),
        WAIT_MS,
      );
      expect(res.items.map((x) => [x.key, x.light])).toEqual([
        [pk('a-late'), 'red'],
        [pk('b-late'), 'red'],
        [pk('g-far-flagged'), 'red'],
        [pk('c-soon'), 'yellow'],
        [pk('d-soon'), 'yellow'],
        [pk('e-far'), 'green'],
        [pk('f-far'), 'green'],
      ]);
      expect(res.nextCursor).toBeNull();
    });

    it('walks pages with a keyset cursor that matches the full listing', async () => {
      const full = (await list('county_reviewer', COUNTY, { status: 'open' })).items.map((x) => x.key);
      for (const limit of [1, 2, 3, 6, 7]) {
        const pages = await allPages('county_reviewer', COUNTY, limit);
        expect(pages.flat().map((x) => x.key)).toEqual(full);
        expect(pages.every((p) => p.length <= limit && p.length > 0)).toBe(true);
      }
    });

    it('neither repeats nor skips unchanged rows when rows change between pages', async () => {
      const first = await list('county_reviewer', COUNTY, { status: 'open', limit: 3 });
      expect(first.items.map((x) => x.key)).toEqual([pk('a-late'), pk('b-late'), pk('g-far-flagged')]);
      // Between pages: a row of page 1 closes, one sorting before the cursor and one after it open.
      await publish(
        ev('branch.step_signed', {
          step: 'COUNTY_PRE_REVIEW',
          attempt: 1,
          closes: pk('a-late'),
          decision: 'approved',
        }),
        openStep('0-before', t0 - 5 * DAY),
        openStep('h-after', t0 + 20 * DAY),
      );
      await until(
        () => list('county_reviewer', COUNTY, { status: 'open' }),
        (r) => r.items.some((x) => x.key === pk('h-after')) && !r.items.some((x) => x.key === pk('a-late')),
        WAIT_MS,
      );
      const rest: string[] = [];
      let cursor = first.nextCursor ?? undefined;
      while (cursor) {
        const page = await list('county_reviewer', COUNTY, { status: 'open', limit: 2, cursor });
        rest.push(...page.items.map((x) => x.key));
        cursor = page.nextCursor ?? undefined;
      }
      expect(rest).toEqual([pk('c-soon'), pk('d-soon'), pk('e-far'), pk('f-far'), pk('h-after')]);
    });

    it('filters by status and answers `invalid` to a forged cursor', async () => {
      const done = await list('county_reviewer', COUNTY, { status: 'done' });
      expect(done.items.map((x) => x.key)).toEqual([pk('a-late')]);
      await expect(list('county_reviewer', COUNTY, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
        code: 'invalid',
      });
      await expect(list('county_reviewer', COUNTY, { cursor: 'x' })).rejects.toBeInstanceOf(RequestError);
    });
  });

  it('changes rows once when the same event is applied twice', async () => {
    // Applied straight to the database, outside the stream (own id prefix and keys).
    const p = `direct-${run}`;
    const key = `${p}/${B1}/SELF_CHECK/1`;
    const ref = { step: 'SELF_CHECK' as const, attempt: 1 };
    const g = group('village_secretary', B1);
    const title = '村自评';
    const deadline = iso(now + DAY);
    const opened = ev(
      'branch.step_opened',
      { ...ref, work: { key, kind: 'step', title, group: g, deadline } },
      { idPrefix: p },
    );
    const escalated = ev(
      'branch.step_escalated',
      { ...ref, workKey: key, title, deadline, level: 'yellow', group: g },
      { idPrefix: p },
    );
    const signed = ev('branch.step_signed', { ...ref, closes: key, decision: 'submitted' }, { idPrefix: p });
    const row = () => db.selectFrom('tasks').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    const apply = (e: FivestarEvent) => applyOnce<TasksDatabase>(db, e, 0, handleEvent);

    expect(await apply(opened)).toBe(true);
    const afterOpen = await row();
    expect(await apply(opened)).toBe(false);
    expect(await row()).toEqual(afterOpen);

    expect(await apply(escalated)).toBe(true);
    expect(await apply(signed)).toBe(true);
    const afterSign = await row();
    expect(afterSign).toMatchObject({
      status: 'done',
      escalation_level: 'yellow',
      closed_event_id: signed.id,
    });
    // A replayed open must not reopen the signed task, nor a replayed escalation touch it.
    expect(await apply(opened)).toBe(false);
    expect(await apply(escalated)).toBe(false);
    expect(await row()).toEqual(afterSign);
    const ledger = await db
      .selectFrom('processed_events')
      .select('event_id')
      .where('event_id', 'like', `${p}/%`)
      .execute();
    expect(ledger).toHaveLength(3);
  });

  it('rebuilds from the stream to exactly the live rows', async () => {
    // Into a second schema, so the live model keeps running undisturbed.
    await withRebuildSchema(async (rebuilt) => {
      const { applied } = await replay(rebuilt);
      const mine = (d: Kysely<TasksDb>) =>
        d.selectFrom('tasks').selectAll().where('key', 'like', `${run}/%`).orderBy('key').execute();
      const live = await mine(db);
      expect(live.length).toBe(14);
      expect(applied).toBeGreaterThanOrEqual(events.made() - 3); // every event of this run but the 3 direct ones
      expect(await mine(rebuilt)).toEqual(live);
      // A second replay records the moved deadline no second time (the history is keyed by event id).
      const deadlines = (d: Kysely<TasksDb>) =>
        d
          .selectFrom('task_history')
          .select(['key', 'action', 'from_user', 'to_user', 'event_id'])
          .where('key', 'like', `${run}:%`)
          .execute();
      const once = await deadlines(rebuilt);
      expect(once).toEqual(await deadlines(db));
      expect(once).toHaveLength(1);
      await replay(rebuilt);
      expect(await deadlines(rebuilt)).toEqual(once);
    });
  });
});

// ---- star filter ----------------------------------------------------------------------------------

describe('star filter', () => {
  /** A round of its own, so no other listing sees these tasks. */
  const starRound = `star-${run}`;
  const { ev: sev } = ownFactory('star', B1, now - DAY / 2);
  const sk = (n: string) => `star-${run}/${n}`;
  const villages = (b: string) => group('village_secretary', b);
  const coordinators = group('coordinator', COUNTY);
  /** A rectification of finding `n` on branch `b`, evidence due in `days`, naming `star` (or none). */
  const rectification = (n: string, b: string, days: number, star?: string) =>
    sev(
      'rectification.opened',
      {
        findingId: n,
        title: `整改 ${n}`,
        work: {
          key: sk(`${n}/evidence/1`),
          kind: 'rectification_evidence',
          title: `整改 ${n}`,
          group: villages(b),
          deadline: iso(now + days * DAY),
          ...(star === undefined ? {} : { star, subject: `问题 ${n}` }),
        },
      },
      { branchId: b },
    );
  const ek = (n: string) => sk(`${n}/evidence/1`);
  const starList = (role: Role, jurisdiction: string, extra: Partial<ListTasksRequest> = {}) =>
    callEndpoint(nc, 'tasks', 'list', {
      viewer: viewer(role, jurisdiction),
      roundId: starRound,
      status: 'all',
      limit: 500,
      ...extra,
    });
  const keys = async (role: Role, jurisdiction: string, extra: Partial<ListTasksRequest>) =>
    (await starList(role, jurisdiction, extra)).items.map((t) => t.key);

  beforeAll(async () => {
    await publish(
      rectification('party-late', B1, -1, 'party'),
      rectification('party-far', B2, 20, 'party'),
      rectification('eco-far', B1, 20, 'ecology'),
      rectification('eco-soon', B2, 1, 'ecology'),
      rectification('none', B1, 10),
      sev('branch.step_opened', {
        step: 'SELF_CHECK',
        attempt: 1,
        work: {
          key: sk('self'),
          kind: 'step',
          title: '村自评',
          group: villages(B1),
          deadline: iso(now + 5 * DAY),
        },
      }),
      // An extension approval inherits the star of the work it would extend.
      sev(
        'work.extension_requested',
        {
          findingId: 'eco-soon',
          workKey: ek('eco-soon'),
          title: '整改 eco-soon',
          currentDeadline: iso(now + DAY),
          requestedDeadline: iso(now + 9 * DAY),
          reasons: ['雨季施工'],
          work: {
            key: sk('eco-soon/extension/1'),
            kind: 'extension_decision',
            title: '延期申请：整改 eco-soon',
            group: coordinators,
            deadline: iso(now + DAY),
            star: 'ecology',
          },
        },
        { branchId: B2 },
      ),
      // Published before WorkItem.star existed: the star is only in the proposal.
      sev(
        'branch.revocation_proposed',
        {
          findingId: 'party-late',
          star: 'party',
          work: {
            key: sk('revocation/party-late'),
            kind: 'revocation_decision',
            title: '摘星审议',
            group: coordinators,
            deadline: iso(now + 3 * DAY),
          },
        },
        { branchId: B1 },
      ),
    );
    await caughtUp(nc, env.durable);
  });

  it('stores the star and the subject each task concerns: null for step work and findings naming none', async () => {
    const all = await starList('village_secretary', TOWNSHIP);
    expect(Object.fromEntries(all.items.map((t) => [t.key, t.star]))).toEqual({
      [ek('party-late')]: 'party',
      [ek('party-far')]: 'party',
      [ek('eco-far')]: 'ecology',
      [ek('eco-soon')]: 'ecology',
      [ek('none')]: null,
      [sk('self')]: null,
    });
    // What each is about beyond its kind: the finding, when the event names it.
    expect(Object.fromEntries(all.items.map((t) => [t.key, t.subject]))).toMatchObject({
      [ek('party-late')]: '问题 party-late',
      [ek('none')]: null,
      [sk('self')]: null,
    });
    const coordinator = await starList('coordinator', COUNTY);
    expect(Object.fromEntries(coordinator.items.map((t) => [t.key, t.star]))).toEqual({
      [sk('eco-soon/extension/1')]: 'ecology',
      [sk('revocation/party-late')]: 'party',
    });
  });

  it('returns exactly the tasks of the star, overdue first, alone and with light, township, paging', async () => {
    expect(await keys('village_secretary', TOWNSHIP, { star: 'party' })).toEqual([
      ek('party-late'),
      ek('party-far'),
    ]);
    expect(await keys('village_secretary', TOWNSHIP, { star: 'ecology' })).toEqual([
      ek('eco-soon'),
      ek('eco-far'),
    ]);
    expect(await keys('village_secretary', TOWNSHIP, { star: 'safety' })).toEqual([]);
    // Star and light together: each light of each star.
    expect(await keys('village_secretary', TOWNSHIP, { star: 'party', light: 'red' })).toEqual([
      ek('party-late'),
    ]);
    expect(await keys('village_secretary', TOWNSHIP, { star: 'party', light: 'green' })).toEqual([
      ek('party-far'),
    ]);
    expect(await keys('village_secretary', TOWNSHIP, { star: 'ecology', light: 'yellow' })).toEqual([
      ek('eco-soon'),
    ]);
    expect(await keys('village_secretary', TOWNSHIP, { star: 'ecology', light: 'red' })).toEqual([]);
    // A branch's own secretary sees only its branch's findings of the star.
    expect(await keys('village_secretary', B2, { star: 'party' })).toEqual([ek('party-far')]);
    expect(await keys('coordinator', COUNTY, { star: 'party', townshipCode: TOWNSHIP })).toEqual([
      sk('revocation/party-late'),
    ]);
    const first = await starList('village_secretary', TOWNSHIP, { star: 'ecology', limit: 1 });
    expect(first.items.map((t) => t.key)).toEqual([ek('eco-soon')]);
    const second = await starList('village_secretary', TOWNSHIP, {
      star: 'ecology',
      limit: 1,
      cursor: first.nextCursor!,
    });
    expect(second).toMatchObject({ items: [{ key: ek('eco-far') }], nextCursor: null });
  });

  it('answers `invalid` to a star that is not a catalog code', async () => {
    await expect(starList('village_secretary', TOWNSHIP, { star: 'Party!' })).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('rebuilds the stars from the stream', async () => {
    await withRebuildSchema(async (rebuilt) => {
      await replay(rebuilt);
      const mine = (d: Kysely<TasksDb>) =>
        d.selectFrom('tasks').selectAll().where('round_id', '=', starRound).orderBy('key').execute();
      const live = await mine(db);
      expect(live.filter((r) => r.star !== null)).toHaveLength(6);
      expect(await mine(rebuilt)).toEqual(live);
    });
  });
});

// ---- ledger actions -------------------------------------------------------------------------------

describe('ledger actions: claim, unclaim, reassign, delegate, return, cc, history, bulk claim, views', () => {
  /** A round of its own, so the ledger's exact listings above never see these tasks. */
  const actRound = `act-${run}`;
  const T2 = '330102002';
  const { ev: aev } = ownFactory('act', B1, now - DAY / 4);
  const ak = (what: string) => `act-${run}/${what}`;
  const reviewers = group('township_reviewer', TOWNSHIP);
  const opened = (what: string, branch: string, g: CandidateGroup, deadlineMs: number, step: HumanStep) =>
    aev(
      'branch.step_opened',
      {
        step,
        attempt: 1,
        work: {
          key: ak(what),
          kind: 'step',
          title: `${branch}：${step}`,
          group: g,
          deadline: iso(deadlineMs),
        },
      },
      { branchId: branch },
    );
  const B3 = '330102001003';
  const OTHER = `${T2}001`;
  // Users: two reviewers of the township, a county coordinator, a reviewer of another township.
  const who = (userId: string, role: Role, jurisdiction: string) => ({
    viewer: { userId, role, jurisdiction },
    name: `名-${userId}`,
  });
  const u1 = who(`u1-${run}`, 'township_reviewer', TOWNSHIP);
  const u2 = who(`u2-${run}`, 'township_reviewer', TOWNSHIP);
  const boss = who(`k-${run}`, 'coordinator', COUNTY);
  const outsider = who(`o-${run}`, 'township_reviewer', T2);
  const target = (u: typeof u1) => ({ ...u.viewer, name: u.name });
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: RequestError) => e.code,
    );

  const view = (u: typeof u1, extra: Partial<ListTasksRequest>) =>
    callEndpoint(nc, 'tasks', 'list', { viewer: u.viewer, roundId: actRound, limit: 500, ...extra });
  const keys = async (u: typeof u1, extra: Partial<ListTasksRequest>) =>
    (await view(u, extra)).items.map((t) => t.key);

  beforeAll(async () => {
    await publish(
      opened('late', B1, reviewers, now - DAY, 'TOWNSHIP_REVIEW'),
      opened('soon', B2, reviewers, now + DAY, 'TOWNSHIP_REVIEW'),
      opened('far', B3, reviewers, now + 20 * DAY, 'TOWNSHIP_REVIEW'),
      opened('far2', B3, reviewers, now + 21 * DAY, 'SELF_CHECK'),
      opened('closed', B2, reviewers, now + 5 * DAY, 'SELF_CHECK'),
      aev(
        'branch.step_signed',
        { step: 'SELF_CHECK', attempt: 1, closes: ak('closed'), decision: 'approved' },
        { branchId: B2 },
      ),
      opened('other', OTHER, group('township_reviewer', T2), now + DAY, 'TOWNSHIP_REVIEW'),
    );
    await caughtUp(nc, env.durable);
  });

  it('claims for a member of the group; 409 when held by another or closed; 403 outside; 404 unknown', async () => {
    const t = await callEndpoint(nc, 'tasks', 'claim', { ...u1, key: ak('soon'), note: '我来办' });
    expect(t).toMatchObject({ key: ak('soon'), assignee: { userId: u1.viewer.userId, name: u1.name } });
    // Claiming again is a no-op, not an error; another member is refused.
    expect(await code(callEndpoint(nc, 'tasks', 'claim', { ...u1, key: ak('soon') }))).toBe('ok');
    expect(await code(callEndpoint(nc, 'tasks', 'claim', { ...u2, key: ak('soon') }))).toBe('conflict');
    expect(await code(callEndpoint(nc, 'tasks', 'claim', { ...u2, key: ak('closed') }))).toBe('conflict');
    expect(await code(callEndpoint(nc, 'tasks', 'claim', { ...outsider, key: ak('soon') }))).toBe(
      'forbidden',
    );
    expect(await code(callEndpoint(nc, 'tasks', 'claim', { ...boss, key: ak('far') }))).toBe('forbidden');
    expect(await code(callEndpoint(nc, 'tasks', 'claim', { ...u1, key: ak('nope') }))).toBe('not_found');
  });

  it('lists to-do (unclaimed or mine), done, overdue, with filters; overdue first', async () => {
    expect(await keys(u1, { view: 'todo' })).toEqual([ak('late'), ak('soon'), ak('far'), ak('far2')]);
    expect(await keys(u2, { view: 'todo' })).toEqual([ak('late'), ak('far'), ak('far2')]);
    expect(await keys(u2, { view: 'done' })).toEqual([ak('closed')]);
    expect(await keys(u2, { view: 'overdue' })).toEqual([ak('late')]);
    expect(await keys(outsider, { view: 'todo' })).toEqual([ak('other')]);
    expect(await keys(u1, { view: 'todo', step: 'SELF_CHECK' })).toEqual([ak('far2')]);
    expect(await keys(u1, { view: 'todo', branchId: B3 })).toEqual([ak('far'), ak('far2')]);
    expect(await keys(u1, { status: 'all', townshipCode: TOWNSHIP })).toHaveLength(5);
    expect(await keys(u1, { status: 'all', townshipCode: T2 })).toEqual([]);
    expect(await keys(u1, { view: 'todo', light: 'red' })).toEqual([ak('late')]);
    expect(await keys(u1, { view: 'todo', light: 'yellow' })).toEqual([ak('soon')]);
    expect(await keys(u1, { view: 'todo', light: 'green' })).toEqual([ak('far'), ak('far2')]);
    // The existing request (no view) is unchanged: the group's open tasks.
    expect(await keys(u2, { status: 'open' })).toEqual([ak('late'), ak('soon'), ak('far'), ak('far2')]);
  });

  it('walks filtered views page by page with the keyset cursor', async () => {
    for (const extra of [{ view: 'todo' as const }, { view: 'todo' as const, light: 'green' as const }]) {
      const full = await keys(u1, extra);
      for (const limit of [1, 2, 3]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await view(u1, { ...extra, limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((t) => t.key));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(full);
      }
    }
  });

  it('unclaims (assignee or higher), reassigns (转办) in the group, delegates (委派) and returns', async () => {
    const key = ak('soon');
    expect(await code(callEndpoint(nc, 'tasks', 'unclaim', { ...u2, key }))).toBe('forbidden');
    expect(await callEndpoint(nc, 'tasks', 'unclaim', { ...boss, key, note: '重新分配' })).toMatchObject({
      assignee: null,
    });
    await callEndpoint(nc, 'tasks', 'claim', { ...u1, key });
    expect(await code(callEndpoint(nc, 'tasks', 'reassign', { ...u1, key, to: target(outsider) }))).toBe(
      'invalid',
    );
    expect(await callEndpoint(nc, 'tasks', 'reassign', { ...u1, key, to: target(u2) })).toMatchObject({
      assignee: { userId: u2.viewer.userId },
      delegatedBy: null,
    });
    expect(await code(callEndpoint(nc, 'tasks', 'delegate', { ...u1, key, to: target(u1) }))).toBe(
      'forbidden',
    );
    expect(await callEndpoint(nc, 'tasks', 'delegate', { ...u2, key, to: target(u1) })).toMatchObject({
      assignee: { userId: u1.viewer.userId },
      delegatedBy: { userId: u2.viewer.userId, name: u2.name },
    });
    // The delegate sees it in its to-do; only the delegate can hand it back.
    expect(await keys(u1, { view: 'todo' })).toContain(key);
    expect(await code(callEndpoint(nc, 'tasks', 'returnDelegated', { ...u2, key }))).toBe('forbidden');
    expect(await callEndpoint(nc, 'tasks', 'returnDelegated', { ...u1, key })).toMatchObject({
      assignee: { userId: u2.viewer.userId },
      delegatedBy: null,
    });
    expect(await code(callEndpoint(nc, 'tasks', 'returnDelegated', { ...u2, key }))).toBe('conflict');
  });

  it('copies to users (抄送): the copied-to-me list, once per user', async () => {
    const reader = who(`v-${run}`, 'village_secretary', B2);
    const to = [{ userId: reader.viewer.userId, name: reader.name }];
    await callEndpoint(nc, 'tasks', 'cc', { ...u2, key: ak('soon'), to, note: '请知悉' });
    await callEndpoint(nc, 'tasks', 'cc', { ...u2, key: ak('soon'), to }); // already copied: no change
    await callEndpoint(nc, 'tasks', 'cc', { ...u2, key: ak('closed'), to });
    expect(await code(callEndpoint(nc, 'tasks', 'cc', { ...outsider, key: ak('far'), to }))).toBe(
      'forbidden',
    );
    expect(await keys(reader, { view: 'cc' })).toEqual([ak('soon'), ak('closed')]);
    expect(await keys(u1, { view: 'cc' })).toEqual([]);
  });

  it('records every change in the history, readable in scope and by those copied', async () => {
    const { items } = await callEndpoint(nc, 'tasks', 'history', { viewer: u1.viewer, key: ak('soon') });
    const [a, b, c] = [u1, u2, boss].map((u) => u.viewer.userId);
    expect(items.map((h) => [h.action, h.by.userId, h.from, h.to, h.note])).toEqual([
      ['claim', a, null, a, '我来办'],
      ['unclaim', c, a, null, '重新分配'],
      ['claim', a, null, a, null],
      ['reassign', a, a, b, null],
      ['delegate', b, b, a, null],
      ['return', a, a, b, null],
      ['cc', b, null, `v-${run}`, '请知悉'],
    ]);
    expect(items[0]!.by.name).toBe(u1.name);
    expect(items.every((h) => Math.abs(Date.parse(h.at) - Date.now()) < 600_000)).toBe(true);
    const reader = who(`v-${run}`, 'village_secretary', B2);
    expect(
      (await callEndpoint(nc, 'tasks', 'history', { viewer: reader.viewer, key: ak('soon') })).items,
    ).toHaveLength(7);
    expect(
      await code(callEndpoint(nc, 'tasks', 'history', { viewer: outsider.viewer, key: ak('soon') })),
    ).toBe('forbidden');
    expect(await code(callEndpoint(nc, 'tasks', 'history', { viewer: u1.viewer, key: ak('nope') }))).toBe(
      'not_found',
    );
  });

  it('bulk-claims with a result per key', async () => {
    const res = await callEndpoint(nc, 'tasks', 'bulkClaim', {
      ...u1,
      keys: [ak('late'), ak('soon'), ak('closed'), ak('other'), ak('nope'), ak('far')],
    });
    expect(res.items.map((i) => (i.ok ? [i.key, 'ok'] : [i.key, i.error.code]))).toEqual([
      [ak('late'), 'ok'],
      [ak('soon'), 'conflict'],
      [ak('closed'), 'conflict'],
      [ak('other'), 'forbidden'],
      [ak('nope'), 'not_found'],
      [ak('far'), 'ok'],
    ]);
    expect(res.items.find((i) => !i.ok)).toMatchObject({ error: { message: expect.any(String) } });
    expect(await keys(u2, { view: 'todo' })).toEqual([ak('soon'), ak('far2')]);
  });
});

// ---- round progress -------------------------------------------------------------------------------

describe('round progress', () => {
  /** A round of its own (a valid RoundId, for the HTTP check): exact counts, nothing else in it. */
  const progressRound = `prog-${run}`;
  const T1 = '330102001';
  const T2 = '330102100';
  const [A1, A2, A3] = ['001', '002', '003'].map((n) => `${T1}${n}`) as [string, string, string];
  const [C1, C2, C3, C4] = ['201', '202', '203', '204'].map((n) => `${T2}${n}`) as [
    string,
    string,
    string,
    string,
  ];
  /** A branch of another county in the same round: no county viewer of 330102 may count it. */
  const D1 = '330103001001';

  // Own factory (and id prefix): the ledger's rebuild test counts the main factory's events.
  const { ev: pev } = ownFactory('prog', A1, now - DAY / 2);
  const past = iso(now - 2 * 3_600_000);
  const future = iso(now + 10 * DAY);
  const pkey = (branch: string, what: string) => `prog-${run}/${branch}/${what}`;
  const stepWork = (branch: string, step: HumanStep, attempt: number, deadline: string) => ({
    key: pkey(branch, `${step}/${attempt}`),
    kind: 'step' as const,
    title: `${branch}：${step}`,
    group: group('township_reviewer', branch.slice(0, 9)),
    deadline,
  });
  const opened = (branch: string, step: HumanStep, attempt: number, deadline: string) =>
    pev(
      'branch.step_opened',
      { step, attempt, work: stepWork(branch, step, attempt, deadline) },
      { branchId: branch },
    );
  const signed = (branch: string, step: HumanStep, attempt: number) =>
    pev(
      'branch.step_signed',
      { step, attempt, closes: pkey(branch, `${step}/${attempt}`), decision: 'approved' },
      { branchId: branch },
    );
  const flaggedOverdue = (branch: string, step: HumanStep, attempt: number, deadline: string) => {
    const w = stepWork(branch, step, attempt, deadline);
    return pev(
      'branch.step_overdue',
      { step, attempt, workKey: w.key, title: w.title, deadline, group: w.group },
      { branchId: branch },
    );
  };
  const evidenceWork = (branch: string, deadline: string) => ({
    key: pkey(branch, 'F1/e1'),
    kind: 'rectification_evidence' as const,
    title: '整改：阵地建设不达标',
    group: group('village_secretary', branch),
    deadline,
  });
  const star = (code: string) => ({ code, name: code });

  const steps = (counts: Partial<StepCounts> = {}): StepCounts =>
    ({ ...Object.fromEntries(STEPS.map((x) => [x, 0])), ...counts }) as StepCounts;
  const status = (counts: Partial<ProgressStatusCounts> = {}): ProgressStatusCounts => ({
    active: 0,
    closed: 0,
    withdrawn: 0,
    ...counts,
  });

  const progress = (role: Role, jurisdiction: string, extra: Partial<RoundProgressRequest> = {}) =>
    callEndpoint(nc, 'tasks', 'progress', {
      viewer: viewer(role, jurisdiction),
      roundId: progressRound,
      ...extra,
    });
  const rows = (d: Kysely<TasksDb>) =>
    d
      .selectFrom('branch_progress')
      .selectAll()
      .where('round_id', '=', progressRound)
      .orderBy('branch_id')
      .execute();

  const township1 = {
    townshipCode: T1,
    total: 3,
    byStep: steps({ SELF_CHECK: 2, CLOSED: 1 }),
    byStatus: status({ active: 2, closed: 1 }),
    overdue: 1, // A1's self-check is past its deadline
  };
  const township2 = {
    townshipCode: T2,
    total: 4,
    byStep: steps({ SELF_CHECK: 1, COUNTY_PRE_REVIEW: 1, PUBLIC_NOTICE: 1, RECTIFICATION: 1 }),
    byStatus: status({ active: 3, withdrawn: 1 }),
    overdue: 1, // C2's pre-review, flagged overdue though its deadline is ahead
  };
  const countyWide = {
    roundId: progressRound,
    total: 7,
    byStep: steps({ SELF_CHECK: 3, COUNTY_PRE_REVIEW: 1, PUBLIC_NOTICE: 1, RECTIFICATION: 1, CLOSED: 1 }),
    byStatus: status({ active: 5, closed: 1, withdrawn: 1 }),
    townships: [township1, township2],
  };
  let closedA3: FivestarEvent;

  it('counts branches by step, status and township from scripted events, with overdue step tasks', async () => {
    // Made in order: each event's occurredAt is later than the one made before it.
    await publish(
      // T1 — A1: self-check, past its deadline; a weak branch, whose 整顿 runs beside it.
      opened(A1, 'SELF_CHECK', 1, past),
      pev(
        'rectification.opened',
        {
          findingId: WEAK_BRANCH_FINDING_ID,
          title: '软弱涣散党组织整顿',
          work: { ...evidenceWork(A1, future), key: pkey(A1, 'F0/e1') },
        },
        { branchId: A1 },
      ),
      // A2: self-check signed, township review returned it: self-check again (attempt 2).
      opened(A2, 'SELF_CHECK', 1, future),
      signed(A2, 'SELF_CHECK', 1),
      opened(A2, 'TOWNSHIP_REVIEW', 1, future),
      pev(
        'branch.step_returned',
        {
          step: 'TOWNSHIP_REVIEW',
          attempt: 1,
          closes: pkey(A2, 'TOWNSHIP_REVIEW/1'),
          toStep: 'SELF_CHECK',
          reasons: ['材料不全'],
        },
        { branchId: A2 },
      ),
      opened(A2, 'SELF_CHECK', 2, future),
      // A3: awarded four stars on notice, one revoked in rectification, closed at three.
      opened(A3, 'AWARD', 1, future),
      signed(A3, 'AWARD', 1),
      pev('branch.notice_started', { until: future, level: 4 }, { branchId: A3 }),
      pev(
        'branch.awarded',
        { level: 4, stars: ['S1', 'S2', 'S3', 'S4'].map(star), catalog: { id: 'rural-default', version: 1 } },
        { branchId: A3 },
      ),
      pev(
        'rectification.opened',
        { findingId: 'F1', title: '阵地建设不达标', work: evidenceWork(A3, future) },
        { branchId: A3 },
      ),
      pev(
        'branch.star_revoked',
        { findingId: 'F1', revoked: [star('S4')], level: 3, stars: ['S1', 'S2', 'S3'].map(star) },
        { branchId: A3 },
      ),
      pev('rectification.closed', { findingId: 'F1', closes: pkey(A3, 'F1/e1') }, { branchId: A3 }),
      (closedA3 = pev('branch.closed', { step: 'CLOSED', level: 3 }, { branchId: A3 })),
      // T2 — C1: self-check never signed, flagged overdue, then withdrawn (its task closes).
      opened(C1, 'SELF_CHECK', 1, past),
      flaggedOverdue(C1, 'SELF_CHECK', 1, past),
      pev(
        'branch.withdrawn',
        { step: 'SELF_CHECK', attempt: 1, closes: pkey(C1, 'SELF_CHECK/1'), reason: '逾期未提交自评' },
        { branchId: C1 },
      ),
      // C2: county pre-review, flagged overdue by the workflow.
      opened(C2, 'COUNTY_PRE_REVIEW', 1, future),
      flaggedOverdue(C2, 'COUNTY_PRE_REVIEW', 1, future),
      // C3: on public notice with two stars.
      pev('branch.notice_started', { until: future, level: 2 }, { branchId: C3 }),
      // C4: in rectification; its evidence is late, but only step tasks count as overdue.
      pev(
        'rectification.opened',
        { findingId: 'F1', title: '阵地建设不达标', work: evidenceWork(C4, past) },
        { branchId: C4 },
      ),
      // Another county's branch in the same round, overdue too.
      opened(D1, 'SELF_CHECK', 1, past),
    );
    await caughtUp(nc, env.durable);

    expect(await progress('coordinator', COUNTY)).toEqual(countyWide);
    const byBranch = Object.fromEntries((await rows(db)).map((r) => [r.branch_id, r]));
    expect(Object.keys(byBranch).sort()).toEqual([A1, A2, A3, C1, C2, C3, C4, D1].sort());
    expect(byBranch[A1]).toMatchObject({ step: 'SELF_CHECK', attempt: 1, status: 'active', level: null });
    expect(byBranch[A2]).toMatchObject({ step: 'SELF_CHECK', attempt: 2, status: 'active', level: null });
    expect(byBranch[A3]).toEqual({
      round_id: progressRound,
      branch_id: A3,
      township_code: T1,
      county_code: COUNTY,
      step: 'CLOSED',
      attempt: 1,
      status: 'closed',
      level: 3,
      updated_at: new Date(closedA3.occurredAt),
    });
    expect(byBranch[C1]).toMatchObject({ step: 'SELF_CHECK', status: 'withdrawn', township_code: T2 });
    expect(byBranch[C2]).toMatchObject({ step: 'COUNTY_PRE_REVIEW', attempt: 1, status: 'active' });
    expect(byBranch[C3]).toMatchObject({ step: 'PUBLIC_NOTICE', status: 'active', level: 2 });
    expect(byBranch[C4]).toMatchObject({ step: 'RECTIFICATION', status: 'active', level: null });
    expect(byBranch[D1]).toMatchObject({ township_code: '330103001', county_code: '330103' });
  });

  it('ignores an event older than the row it would change', async () => {
    const before = await rows(db);
    const old = now - DAY; // before every event of this round
    await publish(
      // A3 closed: a late withdrawal or award must not move it back.
      pev(
        'branch.withdrawn',
        { step: 'AWARD', attempt: 1, closes: pkey(A3, 'stale'), reason: '迟到的事件' },
        { branchId: A3, at: old },
      ),
      pev(
        'branch.awarded',
        {
          level: 5,
          stars: ['S1', 'S2', 'S3', 'S4', 'S5'].map(star),
          catalog: { id: 'rural-default', version: 1 },
        },
        { branchId: A3, at: old },
      ),
      // A2 at self-check attempt 2: a stale notice must not put it on notice.
      pev('branch.notice_started', { until: future, level: 1 }, { branchId: A2, at: old }),
    );
    await caughtUp(nc, env.durable);
    expect(await rows(db)).toEqual(before);
    expect(await progress('coordinator', COUNTY)).toEqual(countyWide);

    // A newer event still applies (and a revocation after the close only lowers the level).
    const revoked = pev(
      'branch.star_revoked',
      { findingId: 'F2', revoked: [star('S3')], level: 2, stars: ['S1', 'S2'].map(star) },
      { branchId: A3 },
    );
    await publish(revoked);
    await caughtUp(nc, env.durable);
    const a3 = (await rows(db)).find((r) => r.branch_id === A3);
    expect(a3).toMatchObject({
      step: 'CLOSED',
      status: 'closed',
      level: 2,
      updated_at: new Date(revoked.occurredAt),
    });
  });

  it('scopes to the viewer: a township sees its township, a village its branch, a county its county', async () => {
    const { total, byStep, byStatus } = township1;
    const t1Only = { roundId: progressRound, total, byStep, byStatus, townships: [township1] };
    expect(await progress('township_reviewer', T1)).toEqual(t1Only);
    // Asking for the whole county does not widen a township viewer's scope.
    expect(await progress('township_reviewer', T1, { countyCode: COUNTY })).toEqual(t1Only);
    expect(await progress('township_reviewer', T1, { townshipCode: T1 })).toEqual(t1Only);
    // A county viewer can narrow to one township.
    const t2 = await progress('coordinator', COUNTY, { townshipCode: T2 });
    expect(t2).toMatchObject({ total: 4, byStatus: township2.byStatus, townships: [township2] });
    // A village secretary sees its own branch.
    expect(await progress('village_secretary', A1)).toEqual({
      roundId: progressRound,
      total: 1,
      byStep: steps({ SELF_CHECK: 1 }),
      byStatus: status({ active: 1 }),
      townships: [
        { ...township1, total: 1, byStep: steps({ SELF_CHECK: 1 }), byStatus: status({ active: 1 }) },
      ],
    });
    // The other county sees only its own branch.
    const other = await progress('coordinator', '330103');
    expect(other).toMatchObject({
      total: 1,
      townships: [{ townshipCode: '330103001', total: 1, overdue: 1 }],
    });
    // Codes off the viewer's path are refused; an unknown round is all zeros.
    for (const extra of [{ townshipCode: T2 }, { countyCode: '330103' }])
      await expect(progress('township_reviewer', T1, extra)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(progress('coordinator', COUNTY, { townshipCode: '330103001' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(progress('coordinator', COUNTY, { townshipCode: '12' })).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(await progress('coordinator', COUNTY, { roundId: `none-${run}` })).toEqual({
      roundId: `none-${run}`,
      total: 0,
      byStep: steps(),
      byStatus: status(),
      townships: [],
    });
  });

  it('rebuilds: the rebuild empties branch_progress and replays it to exactly the live rows', async () => {
    await withRebuildSchema(async (rebuilt) => {
      // A row no event supports: the rebuild must not keep it.
      await rebuilt
        .insertInto('branch_progress')
        .values({
          round_id: progressRound,
          branch_id: '330102001099',
          township_code: T1,
          county_code: COUNTY,
          step: 'CLOSED' as Step,
          attempt: 1,
          status: 'closed',
          level: 5,
          updated_at: new Date(now + DAY),
        })
        .execute();
      await replay(rebuilt);
      const live = await rows(db);
      expect(live).toHaveLength(8);
      expect(await rows(rebuilt)).toEqual(live);
    });
  });

  describe('over HTTP: round progress and the ledger', () => {
    // The API on an `api` schema of this test's database, with the demo county 330102 and this round.
    let api: { port: number; stop(): Promise<void> } | undefined;
    let apiDb: Kysely<unknown> | undefined;
    let password: string;
    let evidenceDir: string | undefined;

    beforeAll(async () => {
      const mod = await import('@fivestar/api');
      password = mod.DEMO_PASSWORD;
      const adb = await freshSchema<import('@fivestar/api').ApiDatabase>(env, 'api', mod.migrations);
      apiDb = adb as unknown as Kysely<unknown>;
      const hash = await mod.hashPassword(password);
      await mod.writeDirectory(adb, mod.demoCounty(COUNTY), async () => hash);
      await adb
        .insertInto('rounds')
        .values({
          round_id: progressRound,
          county_code: COUNTY,
          year: 2026,
          title: '进度测试',
          workflow_id: `none-${run}`,
          started_by: 'test',
          catalogs: '[]',
        })
        .execute();
      const { config } = env.serviceOptions;
      evidenceDir = await mkdtemp(path.join(tmpdir(), 'fivestar-tasks-api-'));
      api = await mod.startApiService({
        config: { ...config, taskQueue: `fivestar-test-tasks-api-${run}` },
        log,
        port: 0,
        jwtSecret: randomBytes(32).toString('hex'),
        evidence: new mod.LocalDiskEvidenceStore(evidenceDir),
        directoryEndpoint: false,
      });
    });

    afterAll(async () => {
      await api?.stop();
      await apiDb?.destroy();
      if (evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
    });

    /** Logs `username` in with the demo password (the response, for its status and token). */
    const login = (base: string, username: string) =>
      fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });

    async function get(username: string, url: string) {
      const base = `http://127.0.0.1:${api!.port}/api`;
      const loggedIn = await login(base, username);
      expect(loggedIn.status).toBe(200);
      const { token } = (await loggedIn.json()) as { token: string };
      const res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    it('answers the scoped progress, 403 off the caller’s path, 400 on a bad code, 404 for no round', async () => {
      const url = `/rounds/${progressRound}/progress`;
      const county = await get(`coord-${COUNTY}`, url);
      expect(county.status).toBe(200);
      expect(county.body).toMatchObject({ roundId: progressRound, total: 7, byStatus: countyWide.byStatus });
      expect((county.body.townships as { townshipCode: string }[]).map((t) => t.townshipCode)).toEqual([
        T1,
        T2,
      ]);

      const township = await get(`twp-${T1}-1`, `${url}?countyCode=${COUNTY}`);
      expect(township.status).toBe(200);
      expect(township.body).toMatchObject({ total: 3, townships: [{ townshipCode: T1, overdue: 1 }] });

      expect((await get(`twp-${T1}-1`, `${url}?townshipCode=${T2}`)).status).toBe(403);
      expect((await get(`coord-${COUNTY}`, `${url}?townshipCode=abc`)).status).toBe(400);
      expect((await get(`coord-${COUNTY}`, `/rounds/none-${run}/progress`)).status).toBe(404);
    });

    /** The ledger over HTTP: a round of its own, tasks of township T1's reviewers (demo users). */
    it('serves the ledger: views, claim, reassign, history, bulk claim; problem+json with fields; 403, 409', async () => {
      const webRound = `web-${run}`;
      const { ev: wev } = ownFactory('web', A1, now - DAY / 8);
      const wk = (n: string) => `web-${run}/${A1}/${n}`;
      for (const [n, days] of [
        ['a', 1],
        ['b', 2],
      ] as const)
        await publish(
          wev('branch.step_opened', {
            step: 'TOWNSHIP_REVIEW',
            attempt: 1,
            work: {
              key: wk(n),
              kind: 'step',
              title: `审核 ${n}`,
              group: group('township_reviewer', T1),
              deadline: iso(now + days * DAY),
            },
          }),
        );
      await caughtUp(nc, env.durable);

      const base = `http://127.0.0.1:${api!.port}/api`;
      const tokens = new Map<string, string>();
      async function send(username: string, method: 'GET' | 'POST', url: string, body?: unknown) {
        if (!tokens.has(username)) {
          const res = await login(base, username);
          tokens.set(username, ((await res.json()) as { token: string }).token);
        }
        const res = await fetch(`${base}${url}`, {
          method,
          headers: { authorization: `Bearer ${tokens.get(username)}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
      }
      const [r1, r2] = [`twp-${T1}-1`, `twp-${T1}-2`];

      const claimed = await send(r1, 'POST', '/tasks/claim', { key: wk('a'), note: '认领' });
      expect(claimed.status).toBe(200);
      expect(claimed.body.assignee).toEqual({ userId: `u-${r1}`, name: expect.stringContaining('审核人1') });
      const taken = await send(r2, 'POST', '/tasks/claim', { key: wk('a') });
      expect(taken.status).toBe(409);
      expect(taken.type).toMatch(/application\/problem\+json/);
      expect((await send(`coord-${COUNTY}`, 'POST', '/tasks/claim', { key: wk('b') })).status).toBe(403);
      expect((await send(r1, 'POST', '/tasks/claim', { key: `${wk('a')}/none` })).status).toBe(404);
      const missing = await send(r1, 'POST', '/tasks/claim', {});
      expect(missing.status).toBe(400);
      expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.key']);
      const nobody = await send(r1, 'POST', '/tasks/reassign', { key: wk('a'), userId: 'u-nobody' });
      expect(nobody.status).toBe(400);
      expect(nobody.body.errors).toEqual([{ field: 'body.userId', message: expect.any(String) }]);
      const village = await send(r1, 'POST', '/tasks/reassign', { key: wk('a'), userId: `u-sec-${A1}` });
      expect(village.status).toBe(400);

      const moved = await send(r1, 'POST', '/tasks/reassign', { key: wk('a'), userId: `u-${r2}` });
      expect(moved.status).toBe(200);
      expect(moved.body.assignee.userId).toBe(`u-${r2}`);
      const todo = await send(r1, 'GET', `/tasks?view=todo&roundId=${webRound}`);
      expect(todo.body.items.map((t: Task) => t.key)).toEqual([wk('b')]);
      expect((await send(r1, 'GET', `/tasks?view=later&roundId=${webRound}`)).status).toBe(400);
      // The list request the end-to-end test uses still answers.
      const plain = await send(r1, 'GET', `/tasks?roundId=${webRound}&status=open&limit=1`);
      expect(plain.status).toBe(200);
      expect(plain.body.items).toHaveLength(1);
      expect(plain.body.nextCursor).toEqual(expect.any(String));

      const history = await send(r2, 'GET', `/tasks/history?key=${encodeURIComponent(wk('a'))}`);
      expect(history.status).toBe(200);
      expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['claim', 'reassign']);
      expect((await send(r1, 'GET', '/tasks/history')).status).toBe(400);

      const cc = await send(r2, 'POST', '/tasks/cc', { key: wk('a'), userIds: [`u-sec-${A1}`, 'u-nobody'] });
      expect(cc.status).toBe(400);
      expect(cc.body.errors).toEqual([{ field: 'body.userIds.1', message: expect.any(String) }]);

      const bulk = await send(r1, 'POST', '/tasks/bulk-claim', { keys: [wk('a'), wk('b')] });
      expect(bulk.status).toBe(200);
      expect(bulk.body.items).toEqual([
        { key: wk('a'), ok: false, error: { code: 'conflict', message: expect.any(String) } },
        { key: wk('b'), ok: true },
      ]);
    });

    it('filters the ledger by star over HTTP; 400 naming query.star for a code that is none', async () => {
      const starRound = `webstar-${run}`;
      const { ev: sev } = ownFactory('webstar', A1, now - DAY / 8);
      const sk = (n: string) => `webstar-${run}/${A1}/${n}`;
      const verify = (n: string, star?: string) =>
        sev('rectification.evidence_submitted', {
          findingId: n,
          closes: sk(`${n}/evidence/1`),
          description: '已整改',
          work: {
            key: sk(`${n}/verify/1`),
            kind: 'rectification_verify',
            title: `整改核验 ${n}`,
            group: group('township_reviewer', T1),
            deadline: iso(now + 5 * DAY),
            ...(star === undefined ? {} : { star }),
          },
        });
      await publish(verify('F1', 'party'), verify('F2', 'ecology'), verify('F3'));
      await caughtUp(nc, env.durable);
      const party = await get(`twp-${T1}-1`, `/tasks?roundId=${starRound}&star=party`);
      expect(party.status).toBe(200);
      expect((party.body.items as Task[]).map((t) => [t.key, t.star])).toEqual([
        [sk('F1/verify/1'), 'party'],
      ]);
      const bad = await get(`twp-${T1}-1`, `/tasks?roundId=${starRound}&star=Party!`);
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'query.star', message: expect.any(String) }]);
    });
  });
});
