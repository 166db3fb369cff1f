import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger, NatsConnection } from '@fivestar/platform';
import type { TokenIssuer } from './auth';
import type { ApiDatabase } from './schema';

export interface ApiDeps {
  db: Kysely<ApiDatabase>;
  nc: NatsConnection;
  temporal: Client;
  taskQueue: string;
  tokens: TokenIssuer;
  log: Logger;
}
