import type { FivestarEvent } from '@fivestar/contracts';
import type { Kysely } from 'kysely';
import type { TasksDb } from './schema';

/** Keeps `rounds`: a round is open from `round.started` until `round.closed` (either may come first). */
export async function applyToRounds(trx: Kysely<TasksDb>, event: FivestarEvent): Promise<void> {
  if (event.roundId === null) return;
  if (event.type === 'round.started')
    await trx
      .insertInto('rounds')
      .values({ round_id: event.roundId, county_code: event.data.countyCode, closed_at: null })
      .onConflict((oc) => oc.column('round_id').doUpdateSet({ county_code: event.data.countyCode }))
      .execute();
  if (event.type === 'round.closed') {
    const closedAt = new Date(event.occurredAt);
    await trx
      .insertInto('rounds')
      .values({ round_id: event.roundId, county_code: event.data.countyCode, closed_at: closedAt })
      .onConflict((oc) => oc.column('round_id').doUpdateSet({ closed_at: closedAt }))
      .execute();
  }
}
