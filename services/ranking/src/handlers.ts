import type { FivestarEvent } from '@fivestar/contracts';
import type { Transaction } from 'kysely';
import type { RankingDB } from './db';

/** Applies one event to the ranking model (inside applyOnce's transaction). */
export async function handleEvent(trx: Transaction<RankingDB>, event: FivestarEvent): Promise<void> {
  switch (event.type) {
    case 'directory.branch_upserted': {
      const { branch, townshipName, countyName } = event.data;
      await trx
        .insertInto('branches')
        .values({
          code: branch.code,
          name: branch.name,
          type: branch.type,
          township_code: branch.townshipCode,
          township_name: townshipName,
          county_code: branch.countyCode,
          county_name: countyName,
          updated_at: event.occurredAt,
        })
        .onConflict((oc) =>
          oc
            .column('code')
            .doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              type: eb.ref('excluded.type'),
              township_code: eb.ref('excluded.township_code'),
              township_name: eb.ref('excluded.township_name'),
              county_code: eb.ref('excluded.county_code'),
              county_name: eb.ref('excluded.county_name'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where('branches.updated_at', '<=', (eb) => eb.ref('excluded.updated_at')),
        )
        .execute();
      return;
    }
    case 'branch.awarded': {
      // An award outside a round or without a branch cannot be placed in any standing.
      if (!event.roundId || !event.branchId) return;
      await trx
        .insertInto('standings')
        .values({
          round_id: event.roundId,
          branch_code: event.branchId,
          level: event.data.level,
          stars: event.data.stars.map((s) => s.code),
          awarded_at: event.occurredAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['round_id', 'branch_code'])
            .doUpdateSet((eb) => ({
              level: eb.ref('excluded.level'),
              stars: eb.ref('excluded.stars'),
              awarded_at: eb.ref('excluded.awarded_at'),
            }))
            // The latest award wins, whatever order the events arrive in (ties: later in stream).
            .where('standings.awarded_at', '<=', (eb) => eb.ref('excluded.awarded_at')),
        )
        .execute();
      return;
    }
    default:
      return;
  }
}

/** Empties the event-derived tables before a rebuild (the processed-event ledger is emptied by platform). */
export async function truncateModel(trx: Transaction<RankingDB>): Promise<void> {
  await trx.deleteFrom('standings').execute();
  await trx.deleteFrom('branches').execute();
}
