import type { ExtraChannel, NoticeKind } from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf, type ResultOf } from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import type { NotificationsDB } from './db';
import { dayBounds, digestMessage, type DigestItem } from './digest';

interface DigestRow {
  user_id: string;
  channel: ExtraChannel;
  address: string;
  kind: NoticeKind;
  title: string;
}

/**
 * Records the digest of `day` for every active user who put kinds in digest mode: one message per user
 * and channel, summing up that day's notices of the kinds they chose for that channel. A (user, day,
 * channel) that already has its message is skipped, so calling again (or for a past day) sends nothing
 * twice; the delivery worker sends the rows. A day not over yet is refused: its digest would miss the
 * rest of the day, and could not be sent again.
 */
export async function sendDigests(
  db: Kysely<NotificationsDB>,
  req: ParsedRequestOf<'notifications', 'sendDigests'>,
): Promise<ResultOf<'notifications', 'sendDigests'>> {
  const { day } = req;
  const { from, to } = dayBounds(day);
  if (Date.parse(to) > Date.now()) throw new RequestError('conflict', `${day} 尚未结束，次日再发送摘要`);
  const key = `digest/${day}`;
  const { rows } = await sql<DigestRow>`
    WITH chosen AS (
      SELECT p.user_id, k.key AS kind, ch.channel,
             CASE ch.channel WHEN 'email' THEN p.email ELSE p.mobile END AS address
      FROM preferences p
      JOIN recipients r ON r.user_id = p.user_id AND r.active
      CROSS JOIN LATERAL jsonb_each(p.kinds) AS k(key, value)
      CROSS JOIN LATERAL jsonb_array_elements_text(k.value -> 'channels') AS ch(channel)
      WHERE k.value ->> 'mode' = 'digest')
    SELECT c.user_id, c.channel, c.address, n.kind, n.title
    FROM chosen c
    JOIN notices n ON n.user_id = c.user_id AND n.kind = c.kind
    WHERE n.created_at >= ${from}::timestamptz AND n.created_at < ${to}::timestamptz
      AND c.address IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM deliveries d
                      WHERE d.event_id = ${key} AND d.user_id = c.user_id AND d.channel = c.channel)
    ORDER BY c.user_id, c.channel, n.created_at, n.id`.execute(db);

  const messages = new Map<string, { row: DigestRow; items: DigestItem[] }>();
  for (const row of rows) {
    const id = `${row.user_id}\n${row.channel}`;
    const m = messages.get(id) ?? { row, items: [] };
    m.items.push({ kind: row.kind, title: row.title });
    messages.set(id, m);
  }
  const values = [...messages.values()].map(({ row, items }) => ({
    event_id: key,
    channel: row.channel,
    user_id: row.user_id,
    address: row.address,
    kind: null,
    ...digestMessage(day, items),
    next_attempt_at: new Date().toISOString(),
  }));
  const users = new Set<string>();
  let recorded = 0;
  // In chunks: one statement's parameters are limited.
  for (let i = 0; i < values.length; i += 1000) {
    const inserted = await db
      .insertInto('deliveries')
      .values(values.slice(i, i + 1000))
      // A concurrent call may have recorded some of them meanwhile: the key keeps one each.
      .onConflict((oc) => oc.columns(['event_id', 'user_id', 'channel']).doNothing())
      .returning('user_id')
      .execute();
    for (const r of inserted) users.add(r.user_id!);
    recorded += inserted.length;
  }
  return { day, users: users.size, messages: recorded };
}
