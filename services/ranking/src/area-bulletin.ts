import { AREA_CHILD_LABELS, AreaRankingResult, type AreaBulletinResult } from '@fivestar/contracts';
import { RequestError, type JetStreamClient, type ParsedRequestOf, type ResultOf } from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import { areaRanking, areaTables, levelOf, summary } from './areas';
import {
  bulletinId,
  bulletinTitle,
  day,
  escalatedTable,
  publishOnce,
  rankedCells,
  type BulletinClock,
} from './bulletin';
import type { RankingDB } from './db';
import {
  documentOf,
  figureCells,
  FIGURE_HEADERS,
  heading,
  htmlPage,
  htmlTable,
  paragraph,
  xlsxBook,
} from './documents';
import { areaItems } from './items';
import { rankMovement } from './periods';

/**
 * Monthly bulletins of a city or the province (一月一排名 above the county): the area ranking as taken for
 * a month, compared with the latest earlier month of the same scope (year and campaign).
 */

/** Takes (or re-takes: replaces) the area's snapshot of a month: its ranking as it is now. */
export async function takeAreaSnapshot(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'takeAreaSnapshot'>,
  now: () => Date = () => new Date(),
): Promise<ResultOf<'ranking', 'takeAreaSnapshot'>> {
  const year = req.year ?? Number(req.period.slice(0, 4));
  const body = await areaRanking(db, { code: req.code, year, campaignId: req.campaignId });
  const takenAt = now().toISOString();
  const replaced = await db
    .selectFrom('area_snapshots')
    .select('period')
    .where('area_code', '=', req.code)
    .where('period', '=', req.period)
    .executeTakeFirst();
  await db
    .insertInto('area_snapshots')
    .values({
      area_code: req.code,
      period: req.period,
      year,
      campaign_id: body.campaignId,
      taken_at: takenAt,
      body: JSON.stringify(body),
    })
    .onConflict((oc) =>
      oc.columns(['area_code', 'period']).doUpdateSet((eb) => ({
        year: eb.ref('excluded.year'),
        campaign_id: eb.ref('excluded.campaign_id'),
        taken_at: eb.ref('excluded.taken_at'),
        body: eb.ref('excluded.body'),
      })),
    )
    .execute();
  return {
    code: req.code,
    period: req.period,
    year,
    campaignId: body.campaignId,
    takenAt,
    replaced: Boolean(replaced),
  };
}

/**
 * The area's snapshot of `period`, or with `before` the latest of an earlier month of the same year and
 * campaign: a month ranked over other rounds is never the previous one.
 */
async function snapshotOf(
  db: Kysely<RankingDB>,
  code: string,
  period: string,
  before?: { year: number; campaignId: string | null },
) {
  let q = db
    .selectFrom('area_snapshots')
    .select(['period', 'taken_at', 'body'])
    .where('area_code', '=', code)
    .where('period', before ? '<' : '=', period);
  if (before)
    q = q
      .where('year', '=', before.year)
      .where(sql<boolean>`campaign_id IS NOT DISTINCT FROM ${before.campaignId}::text`);
  const row = await q.orderBy('period', 'desc').limit(1).executeTakeFirst();
  return row ? { ...row, body: AreaRankingResult.parse(row.body) } : null;
}

/**
 * The bulletin of a month: the month's snapshot with rank arrows against the previous one, each child's
 * overdue and escalated items counted and the escalated ones listed, as they stand when it is built.
 */
export async function areaBulletin(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'areaBulletin'>,
  clock: BulletinClock,
): Promise<ResultOf<'ranking', 'areaBulletin'>> {
  const current = await snapshotOf(db, req.code, req.period);
  if (!current) throw new RequestError('not_found', `${req.code} 没有 ${req.period} 的月度排名快照`);
  const now = current.body;
  const previous = await snapshotOf(db, req.code, req.period, now);
  const before = new Map(previous?.body.children.map((c) => [c.code, c]) ?? []);
  const asOf = clock.now();
  const { overdue, escalated } = await areaItems(db, req.code, asOf, await clock.calendar());
  // Codes nest: a child's items are those whose branch code starts with the child's code.
  const childLength = levelOf(req.code) === 'province' ? 4 : 6;
  const count = (items: typeof overdue, child: string) =>
    items.filter((i) => i.branchCode.slice(0, childLength) === child).length;
  return {
    code: now.code,
    name: now.name,
    level: now.level,
    period: req.period,
    previousPeriod: previous?.period ?? null,
    year: now.year,
    campaignId: now.campaignId,
    title: bulletinTitle(now.name, req.period),
    takenAt: current.taken_at.toISOString(),
    stars: now.stars,
    area: { ...now.area, previousTotalStars: previous?.body.area.totalStars ?? null },
    children: now.children.map((c) => {
      const p = before.get(c.code);
      return {
        ...c,
        previousRank: p?.rank ?? null,
        rankMovement: p ? rankMovement(c.rank, p.rank) : null,
        previousTotalStars: p?.totalStars ?? null,
        overdue: count(overdue, c.code),
        escalated: count(escalated, c.code),
      };
    }),
    sources: now.sources,
    itemsAsOf: asOf.toISOString(),
    escalated,
  };
}

function bulletinTables(b: AreaBulletinResult) {
  const label = AREA_CHILD_LABELS[b.level];
  return {
    ranking: {
      sheet: `${label}排名`,
      headers: ['排名', '升降', label, ...FIGURE_HEADERS, '逾期事项', '督办事项'],
      rows: b.children.map((c) => [
        ...rankedCells(c),
        ...figureCells(c),
        String(c.overdue),
        String(c.escalated),
      ]),
    },
    ...areaTables(b),
    escalated: escalatedTable(b.escalated),
  };
}

/** The printable HTML bulletin of a city or the province (Chinese). */
export function areaBulletinHtml(b: AreaBulletinResult): string {
  const t = bulletinTables(b);
  const compared = b.previousPeriod ? `升降对比 ${b.previousPeriod} 月度排名。` : '本月为首次排名。';
  const overdue = b.children.reduce((n, c) => n + c.overdue, 0);
  return htmlPage(b.title, [
    paragraph(summary(b, `截至 ${b.period}`) + compared),
    heading(`一、${AREA_CHILD_LABELS[b.level]}排名`),
    htmlTable(t.ranking),
    heading('二、星级分布'),
    htmlTable(t.levels),
    paragraph('各星创建情况（获得该星的支部数）：'),
    htmlTable(t.stars),
    heading('三、分类型情况'),
    htmlTable(t.types),
    heading('四、督办事项'),
    paragraph(`截至 ${day(b.itemsAsOf)}，逾期事项 ${overdue} 项，其中督办事项 ${b.escalated.length} 项。`),
    htmlTable(t.escalated),
    heading('五、数据来源'),
    htmlTable(t.sources),
  ]);
}

export async function areaBulletinDocument(
  db: Kysely<RankingDB>,
  req: ParsedRequestOf<'ranking', 'areaBulletinDocument'>,
  clock: BulletinClock,
): Promise<ResultOf<'ranking', 'areaBulletinDocument'>> {
  const b = await areaBulletin(db, req, clock);
  return documentOf(
    `bulletin-${b.code}-${b.period}`,
    req.format,
    () => areaBulletinHtml(b),
    () => xlsxBook(b.title, Object.values(bulletinTables(b))),
  );
}

/** Publishes the area's bulletin of the month (once; see publishOnce). */
export function publishAreaBulletin(
  db: Kysely<RankingDB>,
  js: JetStreamClient,
  req: ParsedRequestOf<'ranking', 'publishAreaBulletin'>,
  clock: BulletinClock,
): Promise<ResultOf<'ranking', 'publishAreaBulletin'>> {
  const id = bulletinId(req.code, req.period);
  return publishOnce(db, js, req, clock, {
    table: 'area_bulletins',
    build: (trx) => areaBulletin(trx, req, clock),
    roundId: () => null,
    store: async (trx, b, publishedAt) =>
      Boolean(
        await trx
          .insertInto('area_bulletins')
          .values({
            id,
            area_code: req.code,
            period: req.period,
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
