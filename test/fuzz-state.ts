/**
 * The fuzz test's view of "the system's state" (docs/security.md, 模糊测试): a hash per table of the
 * api, tasks, notifications and ranking schemas, and the target branch's workflow state as the API
 * answers it; and settling, i.e. waiting until what an accepted command set going has come to rest.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import { EVENT_STREAM } from '@fivestar/contracts';
import { connectNats, createDb, type NatsConnection } from '@fivestar/platform';

export const FINGERPRINT_SCHEMAS = ['api', 'tasks', 'notifications', 'ranking'];

/**
 * Tables left out of the fingerprint, and why: each changes on requests that are rightly refused.
 * Everything else (consumer bookkeeping included: a refused command must publish no event) is compared.
 */
export const TECHNICAL_TABLES: Record<string, string> = {
  'api.audit_log': 'every command is audited, refusals included (docs/audit.md)',
  'api.audit_head': 'the head of the audit hash chain moves with every entry',
  'api.login_failures': 'a refused login counts towards the lockout, by design',
  'api.sessions': 'the fuzz callers sign in; a reused refresh token revokes its family (refused, by design)',
  'api.refresh_tokens': 'issued and spent with the sessions above',
  '*.kysely_migration': 'migration bookkeeping',
  '*.kysely_migration_lock': 'migration bookkeeping',
};

const excluded = (schema: string, table: string) =>
  `${schema}.${table}` in TECHNICAL_TABLES || `*.${table}` in TECHNICAL_TABLES;

/** Table (or `workflow:…`) → hash. */
export type Fingerprint = Record<string, string>;

export function fingerprintDiff(before: Fingerprint, after: Fingerprint): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

export interface StateProbeOptions {
  databaseUrl: string;
  natsUrl: string;
  /** The read models' durable consumers, which must have applied everything published. */
  durables: string[];
  temporal: Client;
  taskQueue: string;
  /** Workflows of the fixture; any other running on the task queue was started by an accepted fuzz input. */
  keepWorkflow: (workflowId: string) => boolean;
  /** The target branch as the API's branch GET answers it. */
  branchState: () => Promise<unknown>;
}

export interface StateProbe {
  /** Once the consumers have caught up: the tables' hashes and the branch's workflow state. */
  fingerprint(): Promise<Fingerprint>;
  /**
   * Waits until the system is at rest (consumers caught up, no delivery pending, workflows started by
   * fuzz input terminated, the fingerprint unchanged for 200 ms, 1.5 s after a new round) and answers it.
   */
  settle(): Promise<Fingerprint>;
  close(): Promise<void>;
}

export async function stateProbe(opts: StateProbeOptions): Promise<StateProbe> {
  const db = createDb<unknown>(opts.databaseUrl, 'public', 2) as Kysely<any>;
  const nc: NatsConnection = await connectNats(opts.natsUrl, 'fuzz-state');
  const jsm = await jetstreamManager(nc);

  /** Whether every consumer has applied everything published, and no delivery waits. */
  async function atRest(): Promise<boolean> {
    const [infos, { rows }] = await Promise.all([
      Promise.all(opts.durables.map((d) => jsm.consumers.info(EVENT_STREAM, d))),
      sql<{ n: number }>`
        select count(*)::int as n from notifications.deliveries where status in ('pending', 'failed')
      `.execute(db),
    ]);
    return infos.every((i) => i.num_pending === 0 && i.num_ack_pending === 0) && rows[0]!.n === 0;
  }

  async function tableHashes(): Promise<Fingerprint> {
    const { rows: tables } = await sql<{ schema: string; name: string }>`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema in (${sql.join(FINGERPRINT_SCHEMAS)})
      order by 1, 2
    `.execute(db);
    const kept = tables.filter((t) => !excluded(t.schema, t.name));
    // One round trip: each table's rows hashed in a fixed order.
    const parts = kept.map(
      (t) => sql`select ${`${t.schema}.${t.name}`}::text as name,
        (select md5(coalesce(string_agg(md5(r::text), '' order by md5(r::text)), ''))
         from ${sql.table(`${t.schema}.${t.name}`)} r) as hash`,
    );
    const { rows } = await sql<{ name: string; hash: string }>`${sql.join(parts, sql` union all `)}`.execute(
      db,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.hash]));
  }

  async function branchHash(): Promise<string> {
    return createHash('sha256')
      .update(JSON.stringify(await opts.branchState()))
      .digest('hex');
  }

  async function fingerprint(deadline = Date.now() + 30_000): Promise<Fingerprint> {
    for (;;) {
      // All three at once; taken again until they were taken at rest.
      const [rest, tables, branch] = await Promise.all([atRest(), tableHashes(), branchHash()]);
      if (rest) return { ...tables, 'workflow:branch': branch };
      if (Date.now() > deadline)
        throw new Error(`the system did not come to rest: ${opts.durables.join(', ')}`);
      await sleep(50);
    }
  }

  async function terminateStrays(): Promise<void> {
    const query = `TaskQueue = '${opts.taskQueue}' AND ExecutionStatus = 'Running'`;
    for await (const wf of opts.temporal.workflow.list({ query })) {
      if (opts.keepWorkflow(wf.workflowId)) continue;
      await opts.temporal.workflow
        .getHandle(wf.workflowId, wf.runId)
        .terminate('started by fuzz input')
        .catch(() => undefined);
    }
  }

  /** The last state settle() answered. */
  let settled: Fingerprint | undefined;

  return {
    fingerprint: () => fingerprint(),
    async settle() {
      const deadline = Date.now() + 60_000;
      let last = await fingerprint(deadline);
      // A new round starts its branch workflows, and their events, a while after the answer (and Temporal's
      // visibility lists them later still): after one, the state must hold still for longer.
      const quietMs = !settled || last['api.rounds'] !== settled['api.rounds'] ? 1500 : 200;
      let quietSince = Date.now();
      for (;;) {
        await terminateStrays();
        await sleep(200);
        const now = await fingerprint(deadline);
        if (fingerprintDiff(last, now).length > 0) {
          last = now;
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= quietMs) {
          settled = now;
          return now;
        }
        if (Date.now() > deadline)
          throw new Error('the state kept changing: the system did not come to rest');
      }
    },
    async close() {
      await nc.close();
      await db.destroy();
    },
  };
}
