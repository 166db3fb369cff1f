import type { Migration } from 'kysely';
import { init } from './0001_init';
import { urges } from './0002_urges';

/** Listed in code, in order; names sort lexically (kysely's requirement). */
export const migrations: Record<string, Migration> = {
  '0001_init': init,
  '0002_urges': urges,
};
