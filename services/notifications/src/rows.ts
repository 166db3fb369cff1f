import type { Selectable } from 'kysely';
import type { DeliveriesTable, NoticesTable } from './db';

/** A nullable timestamp column as ISO text (null stays null). */
export const isoOrNull = (at: Date | null): string | null => (at ? at.toISOString() : null);

/** What a notice and a webhook delivery each say of the event they were made for, from their row. */
export function eventFields(row: Selectable<NoticesTable> | Selectable<DeliveriesTable>) {
  return {
    id: row.id,
    eventId: row.event_id,
    kind: row.kind,
    title: row.title,
    createdAt: row.created_at.toISOString(),
  };
}
