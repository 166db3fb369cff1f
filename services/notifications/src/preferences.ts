import type { NotificationPreferences } from '@fivestar/contracts';
import type { ParsedRequestOf, ResultOf } from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import type { NotificationsDB } from './db';

/** What a user without preferences has: the inbox alone. */
const DEFAULT_PREFERENCES: NotificationPreferences = { email: null, mobile: null, kinds: {} };

/** The viewer's own preferences (the default when they never set any). */
export async function preferences(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'preferences'>,
): Promise<ResultOf<'notifications', 'preferences'>> {
  const row = await db
    .selectFrom('preferences')
    .select(['email', 'mobile', 'kinds'])
    .where('user_id', '=', req.viewer.userId)
    .executeTakeFirst();
  return row ?? DEFAULT_PREFERENCES;
}

/** Replaces the viewer's own preferences whole; they apply to events handled from then on. */
export async function setPreferences(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'setPreferences'>,
): Promise<ResultOf<'notifications', 'setPreferences'>> {
  const { viewer, email, mobile, kinds } = req;
  const row = await db
    .insertInto('preferences')
    .values({ user_id: viewer.userId, email, mobile, kinds: JSON.stringify(kinds) })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({
        email: eb.ref('excluded.email'),
        mobile: eb.ref('excluded.mobile'),
        kinds: eb.ref('excluded.kinds'),
        updated_at: sql<string>`now()`,
      })),
    )
    .returning(['email', 'mobile', 'kinds'])
    .executeTakeFirstOrThrow();
  return row;
}
