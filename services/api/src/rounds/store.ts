import type { Insertable, Kysely } from 'kysely';
import type { ApiDatabase } from '../schema';

type Db = Kysely<ApiDatabase>;

export async function findRound(db: Db, roundId: string) {
  return db.selectFrom('rounds').selectAll().where('round_id', '=', roundId).executeTakeFirst();
}

/** The rounds of the counties inside an area (a county, a city, the province), newest first. */
export async function areaRounds(db: Db, areaCode: string) {
  return db
    .selectFrom('rounds')
    .select(['round_id', 'title', 'year', 'county_code', 'township_codes', 'started_at', 'campaign_id'])
    .where('county_code', 'like', `${areaCode}%`)
    .orderBy('started_at', 'desc')
    .orderBy('round_id')
    .execute();
}

/** Records a started round; a retried start of one already recorded changes nothing. */
export async function recordRound(db: Db, row: Insertable<ApiDatabase['rounds']>): Promise<void> {
  await db
    .insertInto('rounds')
    .values(row)
    .onConflict((oc) => oc.column('round_id').doNothing())
    .execute();
}
