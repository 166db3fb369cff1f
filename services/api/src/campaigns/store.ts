import { sql, type Kysely, type Selectable } from 'kysely';
import type { CampaignSettings } from '@fivestar/contracts';
import type { ApiDatabase } from '../schema';

type Db = Kysely<ApiDatabase>;
export type CampaignRow = Selectable<ApiDatabase['campaigns']>;

export async function findCampaign(db: Db, campaignId: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
}

/** Records an opened campaign; false when the province has one for the year already. */
export async function insertCampaign(
  db: Db,
  row: {
    campaignId: string;
    provinceCode: string;
    year: number;
    title: string;
    settings: CampaignSettings;
    openedBy: string;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('campaigns')
    .values({
      campaign_id: row.campaignId,
      province_code: row.provinceCode,
      year: row.year,
      title: row.title,
      settings: JSON.stringify(row.settings),
      opened_by: row.openedBy,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('campaign_id')
    .executeTakeFirst();
  return !!inserted;
}

/** The campaigns of the provinces on `jurisdiction`'s path, newest year first. */
export async function campaignsFor(db: Db, jurisdiction: string): Promise<CampaignRow[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('province_code', '=', jurisdiction.slice(0, 2))
    .orderBy('year', 'desc')
    .execute();
}

/** The counties of a province (own-level rows of cities and the province, 市直/省直, run rounds too). */
export async function provinceCounties(db: Db, provinceCode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('counties')
    .select('code')
    .where(sql<boolean>`starts_with(code, ${provinceCode}::text)`)
    .orderBy('code')
    .execute();
  return rows.map((r) => r.code);
}

/** The round each county has under the campaign (its first, should it have several). */
export async function campaignRounds(db: Db, campaignId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('rounds')
    .select(['county_code', 'round_id'])
    .where('campaign_id', '=', campaignId)
    .orderBy('started_at')
    .execute();
  const byCounty = new Map<string, string>();
  for (const r of rows) if (!byCounty.has(r.county_code)) byCounty.set(r.county_code, r.round_id);
  return byCounty;
}
