import type { z } from 'zod';
import { fromZod } from './problem';

/** Parses one part of a request (`body`, `query`, `path`) or throws a 400 naming the fields. */
export function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'path',
): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(r.error, where);
  return r.data;
}
