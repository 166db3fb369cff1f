import type { Kysely } from 'kysely';
import { within, type Actor, type PlaceRenamed } from '@fivestar/contracts';
import type { JetStreamClient } from '@fivestar/platform';
import { refuse } from '../refusal';
import type { ApiDatabase } from '../schema';
import { publishChanges } from './events';
import { renamePlace } from './store';

/**
 * Renames a township or branch (区划调整: a village renamed) for `actor`: recorded in the history and
 * announced to the services. The code stays, so rounds, standings and tasks keep their branch.
 */
export async function renamePlaceAnnounced(
  deps: { db: Kysely<ApiDatabase>; js: JetStreamClient },
  actor: Actor,
  place: { countyCode: string; level: 'township' | 'branch'; code: string },
  name: string,
): Promise<PlaceRenamed> {
  if (!within(actor.jurisdiction, place.countyCode)) throw refuse('forbidden', '只能调整本辖区的目录');
  // A code outside the county is not one of its places (codes nest).
  if (!place.code.startsWith(place.countyCode))
    throw refuse('not_found', `${place.code} 不在县 ${place.countyCode} 的目录中`);
  const change = await renamePlace(deps.db, place, name, actor.userId);
  const published = change ? await publishChanges(deps.db, deps.js, place.countyCode, [change]) : 0;
  return { code: place.code, name, change, published };
}
