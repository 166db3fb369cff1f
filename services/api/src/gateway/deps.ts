import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger, NatsConnection } from '@fivestar/platform';
import type { TokenIssuer } from '../identity/access-token';
import type { EvidenceStore } from '../evidence';
import type { IdentitySettings } from '../identity/settings';
import type { EdgeSettings } from './limits';
import type { ApiDatabase } from '../schema';

export interface ApiDeps {
  db: Kysely<ApiDatabase>;
  nc: NatsConnection;
  temporal: Client;
  taskQueue: string;
  tokens: TokenIssuer;
  /** Token lifetimes and the login lockout. */
  identity: IdentitySettings;
  log: Logger;
  /** Where evidence files (佐证材料) are kept: content-addressed, local disk by default. */
  evidence: EvidenceStore;
  /** Rate limits and CORS origins; each left out takes its default (DEFAULT_EDGE: CORS closed). */
  edge?: Partial<EdgeSettings>;
  /** The web console's build to serve at / (gateway/console.ts); none: API only. */
  consoleDir?: string;
  /** No request waits longer for an answer (FIVESTAR_REQUEST_BOUND_MS; docs/api.md, 时限). */
  requestBoundMs: number;
  /** Now, in epoch ms: a round's schedule is checked against the calendar from it (tests pin it). */
  clock: () => number;
}
