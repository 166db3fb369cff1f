import {
  beijingDate,
  ESCALATION_LABELS,
  STEP_LABELS,
  type Actor,
  type Aggregate,
  type BulletinBranch,
  type BulletinItem,
  type BulletinResult,
  type BulletinTownship,
  RankingResult,
  type WorkCalendar,
} from '@fivestar/contracts';
import {
  publishEvent,
  RequestError,
  type CalendarSource,
  type JetStreamClient,
  type ParsedRequestOf,
  type ResultOf,
} from '@fivestar/platform';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { RankingDB } from './db';
import {
  documentOf,
  figureCells,
  FIGURE_HEADERS,
  heading,
  htmlPage,
  htmlTable,
  levelTable,
  paragraph,
  starTable,
  xlsxBook,
  type Table,
} from './documents';
import { areaItems } from './items';
import { levelMovement, rankMovement } from './periods';
import { standings } from './queries';

/** Takes (or re-takes: replaces) the county's snapshot of a month: the standings answer as it is now. */
export async function takeSnapshot(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'takeSnapshot'>,
  now: () => Date = () => new Date(),
): Promise<ResultOf<'ranking', 'takeSnapshot'>> {
  const body = await standings(db, { countyCode: req.countyCode, roundId: req.roundId });
  const roundId = body.round?.id ?? '';
  const takenAt = now().toISOString();
  const existing = await db
    .selectFrom('snapshots')
    .select('period')
    .where('county_code', '=', req.countyCode)
    .where('round_id', '=', roundId)
    .where('period', '=', req.period)
    .executeTakeFirst();
  await db
    .insertInto('snapshots')
    .values({
      county_code: req.countyCode,
      round_id: roundId,
      period: req.period,
      taken_at: takenAt,
      body: JSON.stringify(body),
    })
    .onConflict((oc) =>
      oc.columns(['county_code', 'round_id', 'period']).doUpdateSet((eb) => ({
        taken_at: eb.ref('excluded.taken_at'),
        body: eb.ref('excluded.body'),
      })),
    )
    .execute();
  return {
    countyCode: req.countyCode,
    roundId: roundId || null,
    period: req.period,
    takenAt,
    replaced: Boolean(existing),
  };
}

interface SnapshotRow {
  round_id: string;
  period: string;
  taken_at: Date;
  body: RankingResult;
}

/**
 * The county's snapshot of `period` (latest taken if several rounds), or with `before` the latest of a month
 * before it whose round has the same scope (`before.townshipCodes`, null: the whole county, as is a month
 * without a round): a round of other townships ranks other branches, so its month is never the previous.
 */
async function snapshotOf(
  db: Kysely<RankingDB>,
  countyCode: string,
  period: string,
  before?: { townshipCodes: string[] | null },
): Promise<SnapshotRow | null> {
  let q = db
    .selectFrom('snapshots as s')
    .leftJoin('rounds as r', 'r.round_id', 's.round_id')
    .select(['s.round_id', 's.period', 's.taken_at', 's.body'])
    .where('s.county_code', '=', countyCode)
    .where('s.period', before ? '<' : '=', period);
  if (before)
    q = q.where(sql<boolean>`r.township_codes IS NOT DISTINCT FROM ${before.townshipCodes}::text[]`);
  const row = await q.orderBy('s.period', 'desc').orderBy('s.taken_at', 'desc').limit(1).executeTakeFirst();
  // Parsed: a snapshot taken before per-star tallies were kept reads with none.
  return row ? { ...row, body: RankingResult.parse(row.body) } : null;
}

function township(a: Aggregate, previous: Aggregate | undefined): BulletinTownship {
  return {
    code: a.code,
    name: a.name,
    branches: a.branches,
    levelCounts: a.levelCounts,
    totalStars: a.totalStars,
    starCounts: a.starCounts,
    averageStars: a.averageStars,
    threeStarsOrMoreShare: a.threeStarsOrMoreShare,
    rank: a.rank,
    previousRank: previous?.rank ?? null,
    rankMovement: previous ? rankMovement(a.rank, previous.rank) : null,
    previousTotalStars: previous?.totalStars ?? null,
  };
}

export const bulletinTitle = (countyName: string, period: string): string => {
  const [year, month] = period.split('-');
  return `${countyName}${year}年${Number(month)}月五星支部创建排名通报`;
};

/**
 * What building a bulletin reads besides the database: the time and the working-day calendar in force
 * (tests pin both).
 */
export interface BulletinClock {
  now(): Date;
  calendar(): WorkCalendar | Promise<WorkCalendar>;
}

/**
 * The wall clock and the calendar the API keeps: asked for per bulletin (a copy younger than the
 * source's interval serves), the last copy when the API does not answer (the bundled data before any).
 */
export function liveClock(calendars: Pick<CalendarSource, 'get' | 'current'>): BulletinClock {
  return {
    now: () => new Date(),
    calendar: () =>
      calendars.get().then(
        (copy) => copy.calendar,
        () => calendars.current(),
      ),
  };
}

/**
 * The bulletin of a month: the month's snapshot with rank and level arrows against the previous one,
 * and the county's overdue and escalated items as they stand when it is built.
 */
export async function bulletin(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'bulletin'>,
  clock: BulletinClock,
): Promise<ResultOf<'ranking', 'bulletin'>> {
  const current = await snapshotOf(db, req.countyCode, req.period);
  if (!current) throw new RequestError('not_found', `县 ${req.countyCode} 没有 ${req.period} 的月度排名快照`);
  const scope = await db
    .selectFrom('rounds')
    .select('township_codes')
    .where('round_id', '=', current.round_id)
    .executeTakeFirst();
  const previous = await snapshotOf(db, req.countyCode, req.period, {
    townshipCodes: scope?.township_codes ?? null,
  });
  const now = current.body;
  const before = previous?.body ?? null;
  const prevTownships = new Map(before?.townships.map((t) => [t.code, t]) ?? []);
  const prevBranches = new Map(before?.branches.map((b) => [b.code, b]) ?? []);
  const branches: BulletinBranch[] = now.branches.map((b) => {
    const p = prevBranches.get(b.code);
    return {
      code: b.code,
      name: b.name,
      townshipCode: b.townshipCode,
      level: b.level,
      rank: b.rank,
      previousLevel: p?.level ?? null,
      previousRank: p?.rank ?? null,
      levelMovement: levelMovement(b.level, p?.level ?? null),
      rankMovement: p ? rankMovement(b.rank, p.rank) : null,
    };
  });
  const asOf = clock.now();
  const items = await areaItems(db, req.countyCode, asOf, await clock.calendar());
  return {
    countyCode: req.countyCode,
    countyName: now.county.name,
    period: req.period,
    previousPeriod: previous?.period ?? null,
    roundId: current.round_id || null,
    title: bulletinTitle(now.county.name || req.countyCode, req.period),
    takenAt: current.taken_at.toISOString(),
    stars: now.stars,
    county: township(now.county, before?.county),
    townships: now.townships.map((t) => township(t, prevTownships.get(t.code))),
    branches,
    itemsAsOf: asOf.toISOString(),
    ...items,
  };
}

const ARROWS = { up: '↑', down: '↓', same: '—', new: '新' } as const;
/** ↑2 / ↓1 / — of a rank against the previous one ('' without one). */
export function rankArrow(rank: number, previous: number | null): string {
  if (previous === null) return '';
  if (rank < previous) return `↑${previous - rank}`;
  if (rank > previous) return `↓${rank - previous}`;
  return ARROWS.same;
}
export const levelArrow = (m: BulletinBranch['levelMovement']): string => ARROWS[m];

const TOWNSHIP_HEADERS = ['排名', '升降', '乡镇', ...FIGURE_HEADERS];
const BRANCH_HEADERS = ['排名', '升降', '支部', '乡镇', '星级', '星级变化'];
const OVERDUE_HEADERS = ['乡镇', '支部', '环节', '事项', '截止日期', '逾期天数', '督办级别'];
const ESCALATED_HEADERS = ['乡镇', '支部', '环节', '事项', '督办级别', '督办起始', '逾期天数'];

/** The rank, its arrow against the previous one and the name: what a ranked area's row starts with. */
export const rankedCells = (a: { rank: number; previousRank: number | null; name: string }): string[] => [
  String(a.rank),
  rankArrow(a.rank, a.previousRank),
  a.name,
];

function townshipRows(b: BulletinResult): string[][] {
  return b.townships.map((t) => [...rankedCells(t), ...figureCells(t)]);
}

/** The townships, then the county as 全县. */
const withCounty = (b: BulletinResult) => [...b.townships, { ...b.county, name: '全县' }];

function branchRows(b: BulletinResult): string[][] {
  const names = new Map(b.townships.map((t) => [t.code, t.name]));
  return b.branches.map((br) => [
    String(br.rank),
    rankArrow(br.rank, br.previousRank),
    br.name,
    names.get(br.townshipCode) ?? br.townshipCode,
    String(br.level),
    levelArrow(br.levelMovement),
  ]);
}

/** An instant as its Beijing date (bulletins are read in China). */
export const day = (iso: string): string => beijingDate(Date.parse(iso));

/** "3 个工作日", or "3 个自然日" when the calendar could not count working days. */
export const daysText = (i: BulletinItem): string =>
  `${i.daysOverdue} 个${i.daysUnit === 'working' ? '工作日' : '自然日'}`;

/** Township, branch, step (or 限期整改) and the work's title: what every item row starts with. */
function itemCells(i: BulletinItem): string[] {
  return [i.townshipName, i.branchName, STEP_LABELS[i.step ?? 'RECTIFICATION'], i.title];
}

function overdueRows(b: BulletinResult): string[][] {
  return b.overdue.map((i) => [
    ...itemCells(i),
    day(i.deadline),
    daysText(i),
    i.escalation ? ESCALATION_LABELS[i.escalation.level] : '—',
  ]);
}

/** 督办事项: the escalated items' table (county and area bulletins). */
export const escalatedTable = (items: readonly BulletinItem[]): Table => ({
  sheet: '督办事项',
  headers: ESCALATED_HEADERS,
  rows: items.map((i) => [
    ...itemCells(i),
    ESCALATION_LABELS[i.escalation!.level],
    day(i.escalation!.since),
    daysText(i),
  ]),
});

/** The bulletin's tables, in the order of its sections. */
function bulletinTables(b: BulletinResult) {
  return {
    townships: { sheet: '乡镇排名', headers: TOWNSHIP_HEADERS, rows: townshipRows(b) },
    levels: levelTable('星级分布', '乡镇', withCounty(b)),
    stars: starTable('各星创建情况', '乡镇', b.stars, withCounty(b)),
    branches: { sheet: '支部星级', headers: BRANCH_HEADERS, rows: branchRows(b) },
    overdue: { sheet: '逾期事项', headers: OVERDUE_HEADERS, rows: overdueRows(b) },
    escalated: escalatedTable(b.escalated),
  };
}

/** The printable HTML bulletin (Chinese). */
export function bulletinHtml(b: BulletinResult): string {
  const c = b.county;
  const compared = b.previousPeriod ? `升降对比 ${b.previousPeriod} 月度排名。` : '本月为首次排名。';
  const t = bulletinTables(b);
  return htmlPage(b.title, [
    paragraph(
      `截至 ${b.period}，全县共 ${c.branches} 个支部，累计创星 ${c.totalStars} 颗，创建得分 ${c.averageStars}，三星以上占比 ${c.threeStarsOrMoreShare}%。${compared}`,
    ),
    heading('一、乡镇排名'),
    htmlTable(t.townships),
    heading('二、星级分布'),
    htmlTable(t.levels),
    paragraph('各星创建情况（获得该星的支部数）：'),
    htmlTable(t.stars),
    heading('三、支部星级'),
    htmlTable(t.branches),
    heading('四、逾期事项'),
    paragraph(
      `截至 ${day(b.itemsAsOf)}，逾期事项 ${b.overdue.length} 项，其中督办事项 ${b.escalated.length} 项。`,
    ),
    htmlTable(t.overdue),
    heading('五、督办事项'),
    htmlTable(t.escalated),
  ]);
}

/** The xlsx bulletin: the same tables, one sheet each. */
export function bulletinXlsx(b: BulletinResult): Promise<Buffer> {
  return xlsxBook(b.title, Object.values(bulletinTables(b)));
}

export async function bulletinDocument(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'bulletinDocument'>,
  clock: BulletinClock,
): Promise<ResultOf<'ranking', 'bulletinDocument'>> {
  const b = await bulletin(db, req, clock);
  return documentOf(
    `bulletin-${b.countyCode}-${b.period}`,
    req.format,
    () => bulletinHtml(b),
    () => bulletinXlsx(b),
  );
}

export const bulletinId = (code: string, period: string): string => `bulletin/${code}/${period}`;

/** How a bulletin of some level is published: where it is kept, how it is built and stored. */
export interface Publication<B extends { title: string }> {
  table: 'bulletins' | 'area_bulletins';
  build(trx: Transaction<RankingDB>): Promise<B>;
  roundId(b: B): string | null;
  /** Inserts the bulletin unless its id is there; false when it was (a concurrent publication). */
  store(trx: Transaction<RankingDB>, b: B, publishedAt: string): Promise<boolean>;
}

/**
 * Stores the bulletin of `code` (a county, a city or the province) and publishes
 * `ranking.bulletin_published` (id `bulletin/<code>/<period>`). Publishing again changes nothing: the
 * stored bulletin is kept and no second event is published.
 */
export async function publishOnce<B extends { title: string }>(
  db: Kysely<RankingDB>,
  js: JetStreamClient,
  req: { code: string; period: string; actor: Actor | null },
  clock: BulletinClock,
  how: Publication<B>,
): Promise<ResultOf<'ranking', 'publishBulletin'>> {
  const id = bulletinId(req.code, req.period);
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom(how.table)
      .select(['published_at', 'event_id'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (existing)
      return {
        bulletinId: id,
        eventId: existing.event_id,
        publishedAt: existing.published_at.toISOString(),
        duplicate: true,
      };
    const b = await how.build(trx);
    const publishedAt = clock.now().toISOString();
    if (!(await how.store(trx, b, publishedAt)))
      throw new RequestError('conflict', `通报 ${id} 正在发布，请稍后重试`);
    const roundId = how.roundId(b);
    // Published before the commit: a failed commit is retried and the stream drops the repeat by id.
    const ack = await publishEvent(js, {
      id,
      type: 'ranking.bulletin_published',
      version: 1,
      occurredAt: publishedAt,
      roundId,
      branchId: null,
      jurisdiction: req.code,
      actor: req.actor,
      data: {
        bulletinId: id,
        countyCode: req.code,
        roundId,
        period: req.period,
        title: b.title,
        url: `/api/bulletins/${req.code}/${req.period}?format=html`,
      },
    });
    return { bulletinId: id, eventId: id, publishedAt, duplicate: ack.duplicate };
  });
}

/** Publishes the county's bulletin of the month (once; see publishOnce). */
export function publishBulletin(
  db: Kysely<RankingDB>,
  js: JetStreamClient,
  req: ParsedRequestOf<'ranking', 'publishBulletin'>,
  clock: BulletinClock,
): Promise<ResultOf<'ranking', 'publishBulletin'>> {
  const id = bulletinId(req.countyCode, req.period);
  return publishOnce(db, js, { code: req.countyCode, period: req.period, actor: req.actor }, clock, {
    table: 'bulletins',
    build: (trx) => bulletin(trx, req, clock),
    roundId: (b) => b.roundId,
    store: async (trx, b, publishedAt) =>
      Boolean(
        await trx
          .insertInto('bulletins')
          .values({
            id,
            county_code: req.countyCode,
            period: req.period,
            round_id: b.roundId,
            title: b.title,
            published_at: publishedAt,
            event_id: id,
            body: JSON.stringify(b),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst(),
      ),
  });
}
