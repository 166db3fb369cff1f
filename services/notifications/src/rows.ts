/** A nullable timestamp column as ISO text (null stays null). */
export const isoOrNull = (at: Date | null): string | null => (at ? at.toISOString() : null);

/** What a notice and a delivery each say of the event they were made for, from their row. */
export function eventFields<K>(row: {
  id: string;
  event_id: string;
  kind: K;
  title: string;
  created_at: Date;
}) {
  return {
    id: row.id,
    eventId: row.event_id,
    kind: row.kind,
    title: row.title,
    createdAt: row.created_at.toISOString(),
  };
}
