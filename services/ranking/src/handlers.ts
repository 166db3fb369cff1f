import type { EventOf, FivestarEvent, RankingStar } from '@fivestar/contracts';
import type { Logger } from '@fivestar/platform';
import { sql, type Insertable, type Transaction } from 'kysely';
import type { RankingDB, RoundsTable } from './db';
import { applySupervision } from './supervision';

type StandingEvent = EventOf<'branch.awarded'> | EventOf<'branch.star_revoked'> | EventOf<'branch.withdrawn'>;

/**
 * Sets a branch's standing in the event's round. The event that occurred last wins, whatever order the
 * events arrive in (ties: later in the stream). Once the round is closed its standings are frozen: an
 * event applied after the close (in stream order, so a rebuild decides the same) is ignored.
 */
async function place(
  trx: Transaction<RankingDB>,
  event: StandingEvent,
  log: Logger,
  standing: { level: number; stars: string[]; withdrawn: boolean },
): Promise<void> {
  // An event outside a round or without a branch cannot be placed in any standing.
  if (!event.roundId || !event.branchId) return;
  const round = await trx
    .selectFrom('rounds')
    .select('closed_at')
    .where('round_id', '=', event.roundId)
    // Serialises with a concurrent close of the round: either this lands first, or it sees the close.
    .forShare()
    .executeTakeFirst();
  if (round?.closed_at) {
    log.info(
      {
        eventId: event.id,
        type: event.type,
        roundId: event.roundId,
        branchId: event.branchId,
        closedAt: round.closed_at.toISOString(),
      },
      'event ignored: the round is closed and its standings are frozen',
    );
    return;
  }
  await trx
    .insertInto('standings')
    .values({
      round_id: event.roundId,
      branch_code: event.branchId,
      ...standing,
      changed_at: event.occurredAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['round_id', 'branch_code'])
        .doUpdateSet((eb) => ({
          level: eb.ref('excluded.level'),
          stars: eb.ref('excluded.stars'),
          withdrawn: eb.ref('excluded.withdrawn'),
          changed_at: eb.ref('excluded.changed_at'),
        }))
        .where('standings.changed_at', '<=', (eb) => eb.ref('excluded.changed_at')),
    )
    .execute();
}

/** The `rounds` row a round event inserts for a round not known yet: what it tells, and when. */
const roundRow = (
  roundId: string,
  round: EventOf<'round.closed'>['data'] &
    Partial<Pick<EventOf<'round.started'>['data'], 'townshipCodes' | 'catalogs' | 'campaignId'>>,
  title: string | null,
  at: { started_at: string } | { closed_at: string },
): Insertable<RoundsTable> => ({
  round_id: roundId,
  county_code: round.countyCode,
  year: round.year,
  title,
  // Sorted, so that two rounds of the same townships have equal scopes.
  township_codes: round.townshipCodes ? [...round.townshipCodes].sort() : null,
  stars: round.catalogs ? JSON.stringify(catalogStars(round.catalogs)) : null,
  campaign_id: round.campaignId ?? null,
  ...at,
});

/** The stars of a round's catalogs, each code once (the first catalog naming it wins), in their order. */
function catalogStars(catalogs: EventOf<'round.started'>['data']['catalogs']): RankingStar[] {
  const stars = new Map<string, string>();
  for (const s of catalogs.flatMap((c) => c.stars ?? [])) if (!stars.has(s.code)) stars.set(s.code, s.name);
  return [...stars].map(([code, name]) => ({ code, name }));
}

/** Applies one event to the ranking model (inside applyOnce's transaction). */
export async function handleEvent(
  trx: Transaction<RankingDB>,
  event: FivestarEvent,
  log: Logger,
): Promise<void> {
  await applySupervision(trx, event);
  switch (event.type) {
    case 'directory.branch_upserted': {
      const { branch, townshipName, countyName, cityName, provinceName } = event.data;
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
          city_name: cityName ?? null,
          province_name: provinceName ?? null,
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
              city_name: eb.ref('excluded.city_name'),
              province_name: eb.ref('excluded.province_name'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where('branches.updated_at', '<=', (eb) => eb.ref('excluded.updated_at')),
        )
        .execute();
      return;
    }
    case 'round.started': {
      if (!event.roundId) return;
      await trx
        .insertInto('rounds')
        .values(roundRow(event.roundId, event.data, event.data.title, { started_at: event.occurredAt }))
        .onConflict((oc) =>
          oc
            .column('round_id')
            .doUpdateSet((eb) => ({
              county_code: eb.ref('excluded.county_code'),
              year: eb.ref('excluded.year'),
              title: eb.ref('excluded.title'),
              township_codes: eb.ref('excluded.township_codes'),
              stars: eb.ref('excluded.stars'),
              campaign_id: eb.ref('excluded.campaign_id'),
              started_at: eb.ref('excluded.started_at'),
            }))
            // Known only from its close so far, or started again later: the start seen last wins.
            .where((eb) =>
              eb.or([
                eb('rounds.started_at', 'is', null),
                eb('rounds.started_at', '<=', eb.ref('excluded.started_at')),
              ]),
            ),
        )
        .execute();
      return;
    }
    case 'round.closed': {
      if (!event.roundId) return;
      // The first close freezes the round; a second one changes nothing.
      await trx
        .insertInto('rounds')
        .values(roundRow(event.roundId, event.data, null, { closed_at: event.occurredAt }))
        .onConflict((oc) =>
          oc
            .column('round_id')
            .doUpdateSet({ closed_at: sql`coalesce(rounds.closed_at, excluded.closed_at)` }),
        )
        .execute();
      log.info({ eventId: event.id, roundId: event.roundId }, 'round closed: its standings are frozen');
      return;
    }
    case 'branch.awarded':
      return place(trx, event, log, {
        level: event.data.level,
        stars: event.data.stars.map((s) => s.code),
        withdrawn: false,
      });
    case 'branch.star_revoked':
      // The event carries what is left: the lowered level and the remaining stars.
      return place(trx, event, log, {
        level: event.data.level,
        stars: event.data.stars.map((s) => s.code),
        withdrawn: false,
      });
    case 'branch.withdrawn':
      return place(trx, event, log, { level: 0, stars: [], withdrawn: true });
    default:
      return;
  }
}

/** Empties the event-derived tables before a rebuild (the processed-event ledger is emptied by platform). */
export async function truncateModel(trx: Transaction<RankingDB>): Promise<void> {
  await trx.deleteFrom('supervised_items').execute();
  await trx.deleteFrom('standings').execute();
  await trx.deleteFrom('rounds').execute();
  await trx.deleteFrom('branches').execute();
}
