/**
 * Overdue and escalated items (逾期事项, 督办事项) in bulletins, and the monthly run, against real PostgreSQL
 * (database `fivestar_test_ranking_items`) and real NATS JetStream. A scripted sequence of workflow events
 * puts work on the lists, climbs the ladder and takes work off every way it can leave.
 */
import ExcelJS from 'exceljs';
import {
  CN_MAINLAND_CALENDAR,
  STEP_LABELS,
  type BulletinResult,
  type EscalationLevel,
  type FivestarEvent,
  type HumanStep,
  type MonthlyRunResult,
} from '@fivestar/contracts';
import { callEndpoint, type NatsConnection } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import {
  daysText,
  migrations,
  overdueDays,
  rebuildRanking,
  SCHEMA,
  startRankingService,
  type RankingDB,
} from '@fivestar/ranking';
import {
  caughtUp,
  closeAll,
  connectStream,
  eventCount,
  eventFactory,
  freeCity,
  freshSchema,
  publishNew,
  ruralBranch,
  testEnv,
} from './support';

const env = testEnv('ranking_items');
const { run, log } = env;

let CITY: string;
let K: string; // the county whose bulletin is checked
let K2: string; // a county of the same city with a round and an item of its own
let K3: string; // a county with branches but no round: not in the monthly run
const R = `i1-${run}`;
const R2 = `i2-${run}`;
const PERIOD = '2026-10';
const twp = (county: string, n: number) => `${county}${String(n).padStart(3, '0')}`;
const br = (township: string, n: number) => `${township}${String(n).padStart(3, '0')}`;

let db: Kysely<RankingDB>;
let nc: NatsConnection;
let svc: { stop(): Promise<void> } | undefined;

const { ev } = eventFactory({
  idPrefix: `bulletin-items-test/${run}`,
  roundId: R,
  branchId: null,
  area: () => K,
  t0: Date.parse('2026-10-10T00:00:00.000Z'),
  stepMs: 1000,
});

// The end of 30 September and of 9 October in Beijing.
const D1 = '2026-09-30T15:59:59.999Z';
const D2 = '2026-10-09T15:59:59.999Z';

const villageOf = (code: string) => ({ role: 'village_secretary' as const, jurisdiction: code });
const countyOf = (code: string) => ({ role: 'coordinator' as const, jurisdiction: code.slice(0, 6) });
const stepKey = (code: string, step: HumanStep) => `round/${R}/branch/${code}/${step}/1`;
const stepTitle = (code: string, step: HumanStep) => `${code.slice(-3)}村：${STEP_LABELS[step]}`;
const rectKey = (code: string, f: string, work: 'evidence' | 'verify') =>
  `round/${R}/branch/${code}/finding/${f}/${work}/1`;
const rectTitle = (work: 'evidence' | 'verify') => `整改${work === 'verify' ? '核验' : ''}——垃圾清运`;

const stepWork = (code: string, step: HumanStep, deadline: string) => ({
  step,
  attempt: 1,
  workKey: stepKey(code, step),
  title: stepTitle(code, step),
  deadline,
});
const stepOverdue = (code: string, step: HumanStep, deadline: string, roundId = R) =>
  ev(
    'branch.step_overdue',
    { ...stepWork(code, step, deadline), group: villageOf(code) },
    { branchId: code, roundId },
  );
const stepEscalated = (
  code: string,
  step: HumanStep,
  deadline: string,
  level: EscalationLevel,
  roundId = R,
) =>
  ev(
    'branch.step_escalated',
    { ...stepWork(code, step, deadline), group: countyOf(code), level },
    { branchId: code, roundId },
  );

const rectWork = (code: string, f: string, work: 'evidence' | 'verify', deadline: string) => ({
  findingId: f,
  workKey: rectKey(code, f, work),
  title: rectTitle(work),
  deadline,
});
const workItem = (code: string, f: string, work: 'evidence' | 'verify', deadline: string) => ({
  key: rectKey(code, f, work),
  kind: work === 'evidence' ? ('rectification_evidence' as const) : ('rectification_verify' as const),
  title: rectTitle(work),
  group: villageOf(code),
  deadline,
});
const rectOverdue = (code: string, f: string, work: 'evidence' | 'verify', deadline: string) =>
  ev(
    'rectification.overdue',
    { ...rectWork(code, f, work, deadline), group: villageOf(code) },
    { branchId: code },
  );
const rectEscalated = (
  code: string,
  f: string,
  work: 'evidence' | 'verify',
  deadline: string,
  level: EscalationLevel,
) =>
  ev(
    'rectification.escalated',
    { ...rectWork(code, f, work, deadline), group: countyOf(code), level },
    { branchId: code },
  );

const upsert = (code: string) =>
  ev('directory.branch_upserted', ruralBranch(code, code.slice(0, 9)), { roundId: null });
const roundStarted = (roundId: string, countyCode: string): FivestarEvent => ({
  ...ev('round.started', { title: `${countyCode} 2026`, year: 2026, countyCode, catalogs: [] }, { roundId }),
  jurisdiction: countyCode,
});

const bulletinEventCount = () => eventCount(nc, 'ranking.bulletin_published');

const itemRows = () =>
  db
    .selectFrom('supervised_items')
    .selectAll()
    .where('branch_code', 'like', `${CITY}%`)
    .orderBy('item_key')
    .execute();

// Branches of K: b1–b3, b5, b6 in township 001 and b4, b7–b9 in township 002.
let b: Record<`b${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`, string>;
let other: string; // K2's branch
/** The events whose times the lists show, kept as the script makes them. */
const seen: Partial<Record<'b1Overdue' | 'b1Red' | 'b3Overdue' | 'b3Yellow', FivestarEvent>> = {};
const keep = (name: keyof typeof seen, e: FivestarEvent) => (seen[name] = e);
const at = (name: keyof typeof seen) => seen[name]!.occurredAt;

beforeAll(async () => {
  db = await freshSchema<RankingDB>(env, SCHEMA, migrations);
  nc = await connectStream(env);
  svc = await startRankingService(env.serviceOptions);
  await caughtUp(nc, env.durable);
  CITY = await freeCity(db);
  [K, K2, K3] = [`${CITY}01`, `${CITY}02`, `${CITY}03`];
  const [t1, t2] = [twp(K, 1), twp(K, 2)];
  b = {
    b1: br(t1, 1),
    b2: br(t1, 2),
    b3: br(t2, 1),
    b4: br(t2, 2),
    b5: br(t1, 3),
    b6: br(t1, 4),
    b7: br(t2, 3),
    b8: br(t2, 4),
    b9: br(t2, 5),
  };
  other = br(twp(K2, 1), 1);

  const script: FivestarEvent[] = [
    ...Object.values(b).map(upsert),
    upsert(other),
    upsert(br(twp(K3, 1), 1)),
    roundStarted(R, K),
    roundStarted(R2, K2),
    // b1: the self-check climbs the whole ladder.
    keep('b1Overdue', stepOverdue(b.b1, 'SELF_CHECK', D1)),
    stepEscalated(b.b1, 'SELF_CHECK', D1, 'blue'),
    stepEscalated(b.b1, 'SELF_CHECK', D1, 'yellow'),
    keep('b1Red', stepEscalated(b.b1, 'SELF_CHECK', D1, 'red')),
    // b2: the township review is escalated, then signed.
    stepOverdue(b.b2, 'TOWNSHIP_REVIEW', D1),
    stepEscalated(b.b2, 'TOWNSHIP_REVIEW', D1, 'blue'),
    ev(
      'branch.step_signed',
      { step: 'TOWNSHIP_REVIEW', attempt: 1, closes: stepKey(b.b2, 'TOWNSHIP_REVIEW'), decision: 'approved' },
      { branchId: b.b2 },
    ),
    // b3: a rectification overdue with the village, handed to the township (still overdue), then yellow.
    ev(
      'rectification.opened',
      { findingId: 'F1', title: '垃圾清运', work: workItem(b.b3, 'F1', 'evidence', D1) },
      { branchId: b.b3 },
    ),
    keep('b3Overdue', rectOverdue(b.b3, 'F1', 'evidence', D1)),
    rectEscalated(b.b3, 'F1', 'evidence', D1, 'blue'),
    ev(
      'rectification.evidence_submitted',
      {
        findingId: 'F1',
        closes: rectKey(b.b3, 'F1', 'evidence'),
        description: '已清运',
        work: workItem(b.b3, 'F1', 'verify', D1),
      },
      { branchId: b.b3 },
    ),
    keep('b3Yellow', rectEscalated(b.b3, 'F1', 'verify', D1, 'yellow')),
    // b4: overdue, not escalated yet.
    stepOverdue(b.b4, 'COUNTY_PRE_REVIEW', D2),
    // b5: overdue self-check, then withdrawn by the round's policy.
    stepOverdue(b.b5, 'SELF_CHECK', D1),
    stepEscalated(b.b5, 'SELF_CHECK', D1, 'blue'),
    ev(
      'branch.withdrawn',
      { step: 'SELF_CHECK', attempt: 1, closes: stepKey(b.b5, 'SELF_CHECK'), reason: '逾期未提交自评' },
      { branchId: b.b5 },
    ),
    // b6: a rectification escalated, then closed out (销号).
    rectOverdue(b.b6, 'F1', 'verify', D1),
    rectEscalated(b.b6, 'F1', 'verify', D1, 'blue'),
    ev(
      'rectification.closed',
      { findingId: 'F1', closes: rectKey(b.b6, 'F1', 'verify') },
      { branchId: b.b6 },
    ),
    // b7: an extension is granted (supervision starts over); b8: refused (still overdue).
    stepOverdue(b.b7, 'ON_SITE_OBSERVATION', D1),
    ev(
      'work.extension_decided',
      {
        step: 'ON_SITE_OBSERVATION',
        attempt: 1,
        closes: `${stepKey(b.b7, 'ON_SITE_OBSERVATION')}/extension/1`,
        workKey: stepKey(b.b7, 'ON_SITE_OBSERVATION'),
        title: stepTitle(b.b7, 'ON_SITE_OBSERVATION'),
        approved: true,
        reasons: [],
        deadline: '2026-12-31T15:59:59.999Z',
        group: villageOf(b.b7),
      },
      { branchId: b.b7 },
    ),
    stepOverdue(b.b8, 'AWARD', D1),
    ev(
      'work.extension_decided',
      {
        step: 'AWARD',
        attempt: 1,
        closes: `${stepKey(b.b8, 'AWARD')}/extension/1`,
        workKey: stepKey(b.b8, 'AWARD'),
        title: stepTitle(b.b8, 'AWARD'),
        approved: false,
        reasons: ['理由不充分'],
        deadline: D1,
        group: villageOf(b.b8),
      },
      { branchId: b.b8 },
    ),
    // b9: a rectification overdue when its branch's cycle closes.
    rectOverdue(b.b9, 'F2', 'evidence', D1),
    ev('branch.closed', { step: 'CLOSED', level: 0 }, { branchId: b.b9 }),
    // K2's own item, in its own round.
    stepOverdue(other, 'SELF_CHECK', D1, R2),
    stepEscalated(other, 'SELF_CHECK', D1, 'red', R2),
  ];
  await publishNew(nc, script);
  await caughtUp(nc, env.durable);
});

afterAll(async () => {
  await closeAll(env, { svc, nc, db });
});

describe('overdue and escalated items in bulletins', () => {
  let first: MonthlyRunResult;
  let before: number;
  const monthlyRun = () => callEndpoint(nc, 'ranking', 'monthlyRun', { period: PERIOD }, 30_000);

  it('runs the month: a snapshot and a published bulletin for every county with a round', async () => {
    before = await bulletinEventCount();
    first = await monthlyRun();
    expect(first.period).toBe(PERIOD);
    const mine = (codes: string[]) => codes.filter((c) => c.startsWith(CITY));
    expect(mine(first.snapshots.map((s) => s.countyCode))).toEqual([K, K2]);
    expect(first.snapshots.find((s) => s.countyCode === K)).toMatchObject({ roundId: R, replaced: false });
    expect(first.bulletins.filter((x) => x.countyCode.startsWith(CITY))).toEqual([
      { countyCode: K, bulletinId: `bulletin/${K}/${PERIOD}`, duplicate: false },
      { countyCode: K2, bulletinId: `bulletin/${K2}/${PERIOD}`, duplicate: false },
    ]);
    expect(await bulletinEventCount()).toBe(before + first.bulletins.filter((x) => !x.duplicate).length);
  });

  it('lists exactly the overdue items of the county, escalated ones with their level', async () => {
    const bulletin: BulletinResult = await callEndpoint(nc, 'ranking', 'bulletin', {
      countyCode: K,
      period: PERIOD,
    });
    expect(
      bulletin.overdue.map((i) => [
        i.branchCode,
        i.kind,
        i.step,
        i.findingId,
        i.title,
        i.deadline,
        i.escalation?.level ?? null,
      ]),
    ).toEqual([
      [b.b1, 'step', 'SELF_CHECK', null, stepTitle(b.b1, 'SELF_CHECK'), D1, 'red'],
      [b.b3, 'rectification', null, 'F1', rectTitle('verify'), D1, 'yellow'],
      [b.b8, 'step', 'AWARD', null, stepTitle(b.b8, 'AWARD'), D1, null],
      [b.b4, 'step', 'COUNTY_PRE_REVIEW', null, stepTitle(b.b4, 'COUNTY_PRE_REVIEW'), D2, null],
    ]);
    expect(bulletin.overdue[0]).toMatchObject({
      branchName: '001村',
      townshipCode: twp(K, 1),
      townshipName: '乡镇001',
      roundId: R,
      overdueSince: at('b1Overdue'),
    });
    // The rectification stays one item across the hand-over: overdue since its first overdue event.
    expect(bulletin.overdue[1]!.overdueSince).toBe(at('b3Overdue'));
    // No API answers for the calendar on this run's NATS: the service counts with the bundled one.
    const calendar = CN_MAINLAND_CALENDAR;
    for (const i of bulletin.overdue) {
      expect({ daysOverdue: i.daysOverdue, daysUnit: i.daysUnit }).toEqual(
        overdueDays(calendar, Date.parse(i.deadline), Date.parse(bulletin.itemsAsOf)),
      );
      expect(i.daysOverdue).toBeGreaterThan(0);
    }
    expect(bulletin.escalated.map((i) => [i.branchCode, i.escalation])).toEqual([
      [b.b1, { level: 'red', since: at('b1Red') }],
      [b.b3, { level: 'yellow', since: at('b3Yellow') }],
    ]);

    const k2 = await callEndpoint(nc, 'ranking', 'bulletin', { countyCode: K2, period: PERIOD });
    expect(k2.overdue.map((i) => [i.branchCode, i.roundId, i.escalation?.level])).toEqual([
      [other, R2, 'red'],
    ]);
    expect(k2.escalated).toHaveLength(1);

    // The published bulletin keeps the lists as they stood when it was published.
    const stored = await db
      .selectFrom('bulletins')
      .select('body')
      .where('id', '=', `bulletin/${K}/${PERIOD}`)
      .executeTakeFirstOrThrow();
    expect(stored.body.overdue.map((i) => i.branchCode)).toEqual([b.b1, b.b3, b.b8, b.b4]);
    expect(stored.body.escalated.map((i) => i.branchCode)).toEqual([b.b1, b.b3]);
  });

  it('prints the lists in the HTML and xlsx documents', async () => {
    const bulletin = await callEndpoint(nc, 'ranking', 'bulletin', { countyCode: K, period: PERIOD });
    const days = (code: string) => daysText(bulletin.overdue.find((i) => i.branchCode === code)!);
    const doc = (format: 'html' | 'xlsx') =>
      callEndpoint(nc, 'ranking', 'bulletinDocument', { countyCode: K, period: PERIOD, format });

    const html = Buffer.from((await doc('html')).base64, 'base64').toString('utf8');
    expect(html).toContain('<h2>四、逾期事项</h2>');
    expect(html).toContain('逾期事项 4 项，其中督办事项 2 项。');
    const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    const b1 = ['乡镇001', '001村', '村自评', stepTitle(b.b1, 'SELF_CHECK')];
    const b3 = ['乡镇002', '001村', '限期整改', rectTitle('verify')];
    const b4 = ['乡镇002', '002村', '县级预审', stepTitle(b.b4, 'COUNTY_PRE_REVIEW')];
    expect(html).toContain(row([...b1, '2026-09-30', days(b.b1), '红色督办单']));
    expect(html).toContain(row([...b3, '2026-09-30', days(b.b3), '黄色督办单（挂牌督办）']));
    expect(html).toContain(row([...b4, '2026-10-09', days(b.b4), '—']));
    // 督办事项: the level and the Beijing day it was reached (the events occur on 10 October, 08:00).
    expect(html).toContain(row([...b1, '红色督办单', '2026-10-10', days(b.b1)]));
    expect(html).toContain(row([...b3, '黄色督办单（挂牌督办）', '2026-10-10', days(b.b3)]));
    // Signed, withdrawn and extended work is gone (the counts and the xlsx rows below are exact).
    expect(html).not.toContain(stepTitle(b.b2, 'TOWNSHIP_REVIEW'));
    expect(html).not.toContain(stepTitle(b.b5, 'SELF_CHECK'));
    expect(html).not.toContain(stepTitle(b.b7, 'ON_SITE_OBSERVATION'));

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from((await doc('xlsx')).base64, 'base64') as unknown as ArrayBuffer);
    const rows = (sheet: string) =>
      wb
        .getWorksheet(sheet)!
        .getSheetValues()
        .slice(3)
        .map((r) => (r as unknown[]).slice(1));
    expect(rows('逾期事项')).toEqual([
      [...b1, '2026-09-30', days(b.b1), '红色督办单'],
      [...b3, '2026-09-30', days(b.b3), '黄色督办单（挂牌督办）'],
      ['乡镇002', '004村', '授星', stepTitle(b.b8, 'AWARD'), '2026-09-30', days(b.b8), '—'],
      [...b4, '2026-10-09', days(b.b4), '—'],
    ]);
    expect(rows('督办事项')).toEqual([
      [...b1, '红色督办单', '2026-10-10', days(b.b1)],
      [...b3, '黄色督办单（挂牌督办）', '2026-10-10', days(b.b3)],
    ]);
  });

  it('runs the month again without a second snapshot or bulletin event', async () => {
    const snapshotTimes = () =>
      db.selectFrom('snapshots').select(['county_code', 'taken_at']).where('period', '=', PERIOD).execute();
    const takenBefore = await snapshotTimes();
    const again = await monthlyRun();
    expect(again.snapshots).toEqual([]);
    expect(again.bulletins).toEqual(first.bulletins.map((x) => ({ ...x, duplicate: true })));
    expect(await snapshotTimes()).toEqual(takenBefore);
    expect(await bulletinEventCount()).toBe(before + first.bulletins.filter((x) => !x.duplicate).length);
    const published = await db
      .selectFrom('bulletins')
      .select('county_code')
      .where('period', '=', PERIOD)
      .where('county_code', 'like', `${CITY}%`)
      .orderBy('county_code')
      .execute();
    expect(published.map((r) => r.county_code)).toEqual([K, K2]);
  });

  it('rebuilds the items from the stream to exactly the live rows', async () => {
    await svc!.stop();
    svc = undefined;
    const live = await itemRows();
    expect(live.map((r) => r.branch_code).sort()).toEqual([b.b1, b.b3, b.b4, b.b8, other].sort());
    await rebuildRanking(db, nc, log);
    expect(await itemRows()).toEqual(live);
    svc = await startRankingService(env.serviceOptions);
  });

  it('takes work off the lists when a loaded calendar year moves its deadline ahead, else re-dates it', async () => {
    // K3 has no round in the monthly run: its items change no bulletin checked above.
    const [ahead, behind] = [br(twp(K3, 1), 2), br(twp(K3, 1), 3)];
    const replanned = (code: string, deadline: string, previousDeadline: string) =>
      ev(
        'work.replanned',
        {
          ...stepWork(code, 'SELF_CHECK', deadline),
          group: villageOf(code),
          previousDeadline,
          provisional: false,
        },
        { branchId: code },
      );
    await publishNew(nc, [
      stepOverdue(ahead, 'SELF_CHECK', D1),
      stepOverdue(behind, 'SELF_CHECK', D1),
      // The events occur on 10 October: one new deadline lies ahead of them, the other is still past.
      replanned(ahead, '2026-12-31T15:59:59.999Z', D1),
      replanned(behind, D2, D1),
    ]);
    await caughtUp(nc, env.durable);
    const rows = (await itemRows()).filter((r) => [ahead, behind].includes(r.branch_code));
    expect(rows.map((r) => [r.branch_code, r.deadline.toISOString()])).toEqual([[behind, D2]]);
  });
});
