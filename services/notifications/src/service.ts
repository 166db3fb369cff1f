import {
  rebuildFromStream,
  startReadModelService,
  type Logger,
  type NatsConnection,
  type ReadModelOptions,
  type Stoppable,
} from '@fivestar/platform';
import { sql, type Kysely } from 'kysely';
import { SCHEMA, type NotificationsDB, type NotificationsTables } from './db';
import { handleEvent, truncateModel } from './handlers';
import { inbox, markRead } from './queries';

/** Runs the durable event consumer and the `inbox` / `markRead` endpoints until `stop()`. */
export function startNotificationsService(opts: ReadModelOptions): Promise<Stoppable> {
  return startReadModelService<NotificationsTables, 'notifications'>(
    {
      service: 'notifications',
      schema: SCHEMA,
      handle: handleEvent,
      endpoints: (db) => ({ inbox: (req) => inbox(db, req), markRead: (req) => markRead(db, req) }),
    },
    opts,
  );
}

/**
 * Rebuilds the model from the stream (stop the service first). Read marks are a person's action, not
 * an event, so they are carried over by (event_id, user_id); notice ids are renumbered.
 */
export async function rebuildNotifications(
  db: Kysely<NotificationsDB>,
  nc: NatsConnection,
  log: Logger,
): Promise<{ applied: number }> {
  const reads = await db
    .selectFrom('notices')
    .select(['event_id', 'user_id', 'read_at'])
    .where('read_at', 'is not', null)
    .execute();
  const result = await rebuildFromStream<NotificationsTables>({
    nc,
    db,
    handle: handleEvent,
    truncate: truncateModel,
    log,
  });
  for (let i = 0; i < reads.length; i += 5000) {
    const chunk = reads.slice(i, i + 5000);
    await sql`
      UPDATE notices n SET read_at = r.read_at
      FROM unnest(${chunk.map((r) => r.event_id)}::text[], ${chunk.map((r) => r.user_id)}::text[],
                  ${chunk.map((r) => r.read_at)}::timestamptz[]) AS r(event_id, user_id, read_at)
      WHERE n.event_id = r.event_id AND n.user_id = r.user_id`.execute(db);
  }
  return result;
}
