import { z } from 'zod';

/**
 * Position after the last row of a page, in the listing order (rank, deadline, key). `asOf` pins the
 * instant that decides "overdue" (rank 0) for the whole walk, so a task crossing its deadline between
 * two pages does not jump between groups and get skipped or repeated.
 */
export const Cursor = z.object({
  asOf: z.iso.datetime(),
  rank: z.union([z.literal(0), z.literal(1)]),
  deadline: z.iso.datetime(),
  key: z.string().min(1),
});
export type Cursor = z.infer<typeof Cursor>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

/** Returns null for anything that is not a cursor this service issued (the caller answers `invalid`). */
export function decodeCursor(s: string): Cursor | null {
  try {
    const parsed = Cursor.safeParse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
