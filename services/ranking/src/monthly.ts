import type { JetStreamClient, ParsedRequestOf, ResultOf } from '@fivestar/platform';
import type { Kysely } from 'kysely';
import { publishBulletin, takeSnapshot, type BulletinClock } from './bulletin';
import type { RankingDB } from './db';

/**
 * The monthly run (一月一排名; a schedule calls it on the 1st for the month before): for every county with
 * a round, the month's snapshot of its default round (open or closed, as takeSnapshot picks it), then its
 * bulletin published. Idempotent: a county whose bulletin of the month is published already keeps its
 * snapshot (the one the bulletin was built from) and its bulletin is not published again, so a retried
 * or repeated run adds nothing; a run that failed half-way finishes the counties it had not done.
 */
export async function monthlyRun(
  db: Kysely<RankingDB>,
  js: JetStreamClient,
  req: ParsedRequestOf<'ranking', 'monthlyRun'>,
  clock: BulletinClock,
): Promise<ResultOf<'ranking', 'monthlyRun'>> {
  const { period } = req;
  const counties = await db
    .selectFrom('rounds')
    .select('county_code')
    .distinct()
    .orderBy('county_code')
    .execute();
  const published = new Set(
    (await db.selectFrom('bulletins').select('county_code').where('period', '=', period).execute()).map(
      (r) => r.county_code,
    ),
  );
  const result: ResultOf<'ranking', 'monthlyRun'> = { period, snapshots: [], bulletins: [] };
  for (const { county_code: countyCode } of counties) {
    if (!published.has(countyCode))
      result.snapshots.push(await takeSnapshot(db, { countyCode, period }, clock.now));
    const b = await publishBulletin(db, js, { countyCode, period, actor: null }, clock);
    result.bulletins.push({ countyCode, bulletinId: b.bulletinId, duplicate: b.duplicate });
  }
  return result;
}
