import type { Notice, Viewer } from '@fivestar/contracts';
import type { ParsedRequestOf, ResultOf } from '@fivestar/platform';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { NoticesTable, NotificationsDB } from './db';
import { eventFields, isoOrNull } from './rows';

function toNotice(row: Selectable<NoticesTable>): Notice {
  return {
    ...eventFields(row),
    body: row.body,
    roundId: row.round_id,
    branchId: row.branch_id,
    workKey: row.work_key,
    escalationLevel: row.escalation_level,
    readAt: isoOrNull(row.read_at),
    archivedAt: isoOrNull(row.archived_at),
  };
}

/** The viewer's own inbox (or, with `archived`, archive), newest first, with the inbox's unread count. */
export async function inbox(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'inbox'>,
): Promise<ResultOf<'notifications', 'inbox'>> {
  const userId = req.viewer.userId;
  let items = db
    .selectFrom('notices')
    .selectAll()
    .where('user_id', '=', userId)
    .where('archived_at', req.archived ? 'is not' : 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(req.limit);
  if (req.unreadOnly) items = items.where('read_at', 'is', null);
  const [rows, unread] = await Promise.all([
    items.execute(),
    db
      .selectFrom('notices')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .where('archived_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { unread: Number(unread.n), items: rows.map(toNotice) };
}

/** Marks the given notices read — only those that belong to the viewer; returns how many changed. */
export function markRead(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'markRead'>,
): Promise<ResultOf<'notifications', 'markRead'>> {
  return stamp(db, req, 'read_at');
}

/** Archives the given notices (out of the inbox and its unread count) — the viewer's own only. */
export function archive(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'archive'>,
): Promise<ResultOf<'notifications', 'archive'>> {
  return stamp(db, req, 'archived_at');
}

/** Sets `column` to now on the viewer's notices among `ids` where it is not set yet. */
async function stamp(
  db: Kysely<NotificationsDB>,
  req: { viewer: Viewer; ids: string[] },
  column: 'read_at' | 'archived_at',
): Promise<{ updated: number }> {
  // Ids are bigserial; anything else cannot name a notice (and must not make the cast fail).
  const ids = req.ids.filter((id) => /^\d{1,18}$/.test(id));
  if (ids.length === 0) return { updated: 0 };
  const result = await db
    .updateTable('notices')
    // Reading and archiving are a person's actions, not events: wall-clock time is right here.
    .set({ [column]: sql<string>`now()` })
    .where('user_id', '=', req.viewer.userId)
    .where('id', 'in', ids)
    .where(column, 'is', null)
    .executeTakeFirst();
  return { updated: Number(result.numUpdatedRows) };
}
