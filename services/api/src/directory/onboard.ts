import type { Kysely } from 'kysely';
import {
  scopeOf,
  within,
  type Actor,
  type AreaOnboarded,
  type OnboardAreaRequest,
} from '@fivestar/contracts';
import { jetstreamClient, type NatsConnection } from '@fivestar/platform';
import { insertUser, toInfo } from '../identity/users';
import { refuse } from '../refusal';
import type { ApiDatabase } from '../schema';
import { publishChanges, publishUser } from './events';
import { PLACE_TABLES, recordRenames } from './store';

/**
 * Onboards (开通) a city or county for `actor`, an administrator of a level above it: the place is added to
 * the directory (or renamed, with the history kept), and its first administrator created. The place and
 * its administrator go in together: a taken username leaves the directory as it was.
 */
export async function onboardArea(
  deps: { db: Kysely<ApiDatabase>; nc: NatsConnection },
  actor: Actor,
  body: OnboardAreaRequest,
): Promise<AreaOnboarded> {
  const level = scopeOf(body.code) as 'city' | 'county';
  if (!within(actor.jurisdiction, body.code) || actor.jurisdiction.length >= body.code.length)
    throw refuse('forbidden', '只能开通本辖区内下级的市、县');
  const upper = body.code.slice(0, level === 'city' ? 2 : 4);
  const table = PLACE_TABLES[level];
  const { stored, changes, admin } = await deps.db.transaction().execute(async (trx) => {
    const parent = await trx
      .selectFrom(level === 'city' ? 'provinces' : 'cities')
      .select('code')
      .where('code', '=', upper)
      .executeTakeFirst();
    if (!parent) throw refuse('not_found', `上级 ${upper} 不在目录中，请先开通或导入`);
    const current = await trx
      .selectFrom(table)
      .select('name')
      .where('code', '=', body.code)
      .forUpdate()
      .executeTakeFirst();
    if (!current) await trx.insertInto(table).values({ code: body.code, name: body.name }).execute();
    else if (current.name !== body.name)
      await trx.updateTable(table).set({ name: body.name }).where('code', '=', body.code).execute();
    const renamed =
      current && current.name !== body.name
        ? [{ level, code: body.code, from: current.name, to: body.name }]
        : [];
    const recorded = await recordRenames(trx, renamed, actor.userId);
    const created = await insertUser(trx, actor, { ...body.admin, role: 'admin', jurisdiction: body.code });
    return { stored: !!current, changes: recorded, admin: created };
  });
  // Announced once committed: a taken username rolls the place back with nothing said.
  const js = jetstreamClient(deps.nc);
  await publishUser(js, admin, new Date().toISOString());
  await publishChanges(deps.db, js, body.code, changes);
  return { level, code: body.code, name: body.name, created: !stored, admin: toInfo(admin) };
}
