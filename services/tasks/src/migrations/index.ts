import type { Migration } from 'kysely';
import { init } from './0001_init';

/** Listed in code, in order; names sort lexically (kysely's requirement). */
export const migrations: Record<string, Migration> = {
  '0001_init': init,
};
