import { sql, type ColumnType, type Kysely, type Selectable } from 'kysely';
import type { AuditEntry, AuditListedEntry, AuditPage } from '@fivestar/contracts';
import type { ApiDatabase } from '../schema';
import { entryHash, storableEntry } from './chain';

/** The role audit appends run as: INSERT and SELECT on the log, nothing else (migration 0004). */
export const AUDIT_WRITER = 'fivestar_audit_writer';

/** bigint and timestamptz as node-pg reads them (string, Date) and as we write them. */
// A type alias, not an interface: kysely's withTables needs an index-signature-compatible type.
export type AuditTables = {
  audit_log: {
    seq: ColumnType<string, number, never>;
    at: ColumnType<Date, string, never>;
    request_id: string;
    client_ip: string | null;
    actor: string | null;
    role: string | null;
    jurisdiction: string | null;
    action: string;
    target: string | null;
    round_id: string | null;
    branch_id: string | null;
    scope: string | null;
    payload_digest: string | null;
    /** null on an opening (migration 0008). */
    status: number | null;
    problem: string | null;
    /** The opening an outcome entry completes (migration 0008). */
    outcome_of: ColumnType<string | null, number | null, never>;
    prev_hash: string;
    hash: string;
  };
  /** One row: the last appended seq and hash, the checkpoint that reveals a deleted tail. */
  audit_head: { id: boolean; seq: ColumnType<string, never, number>; hash: string };
};

export type AuditDb = Kysely<ApiDatabase & AuditTables>;

/** The API's pool, seeing the audit tables too (they are typed here, beside the code that owns them). */
export const auditDb = (db: Kysely<ApiDatabase>): AuditDb => db.withTables<AuditTables>();

/** What the request tells; the chain adds seq, time and hashes. */
export type AuditDraft = Omit<AuditEntry, 'seq' | 'at' | 'prevHash' | 'hash'>;

export function fromRow(r: Selectable<AuditTables['audit_log']>): AuditEntry {
  return {
    seq: Number(r.seq),
    at: r.at.toISOString(),
    requestId: r.request_id,
    clientIp: r.client_ip,
    actor: r.actor,
    role: r.role,
    jurisdiction: r.jurisdiction,
    action: r.action,
    target: r.target,
    roundId: r.round_id,
    branchId: r.branch_id,
    scope: r.scope,
    payloadDigest: r.payload_digest,
    status: r.status,
    problem: r.problem,
    outcomeOf: r.outcome_of === null ? null : Number(r.outcome_of),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Appends one entry in one small transaction, as the writer role. Locking the head row serialises
 * concurrent appends, so the chain stays linear and seq gap-free. Its strings are made storable first
 * (lone surrogates and U+0000 → U+FFFD), so what is hashed is what PostgreSQL keeps.
 */
export async function appendEntry(db: AuditDb, draft: AuditDraft): Promise<AuditEntry> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ROLE ${sql.id(AUDIT_WRITER)}`.execute(trx);
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .forUpdate()
      .executeTakeFirstOrThrow();
    const unhashed = {
      ...storableEntry(draft),
      seq: Number(head.seq) + 1,
      at: new Date().toISOString(),
      prevHash: head.hash,
    };
    const entry: AuditEntry = { ...unhashed, hash: entryHash(unhashed) };
    await trx
      .insertInto('audit_log')
      .values({
        seq: entry.seq,
        at: entry.at,
        request_id: entry.requestId,
        client_ip: entry.clientIp,
        actor: entry.actor,
        role: entry.role,
        jurisdiction: entry.jurisdiction,
        action: entry.action,
        target: entry.target,
        round_id: entry.roundId,
        branch_id: entry.branchId,
        scope: entry.scope,
        payload_digest: entry.payloadDigest,
        status: entry.status,
        problem: entry.problem,
        outcome_of: entry.outcomeOf,
        prev_hash: entry.prevHash,
        hash: entry.hash,
      })
      .execute();
    await trx.updateTable('audit_head').set({ seq: entry.seq, hash: entry.hash }).execute();
    return entry;
  });
}

/** Who reads and what: the reader's jurisdiction (admins also see anonymous entries) and the filters. */
export interface AuditFilter {
  jurisdiction: string;
  withUnscoped: boolean;
  branchId?: string;
  actor?: string;
  roundId?: string;
  from?: string;
  to?: string;
}

function filtered(db: AuditDb, f: AuditFilter) {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        // Jurisdictions are digits only: no LIKE wildcard can come from them.
        eb('scope', 'like', `${f.jurisdiction}%`),
        ...(f.withUnscoped ? [eb('scope', 'is', null)] : []),
      ]),
    );
  if (f.branchId) q = q.where('branch_id', '=', f.branchId);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.roundId) q = q.where('round_id', '=', f.roundId);
  if (f.from) q = q.where('at', '>=', new Date(f.from));
  if (f.to) q = q.where('at', '<', new Date(f.to));
  return q;
}

/** The entries as listed: each opening says whether an outcome entry names it (`pending`: 未完成). */
async function listed(db: AuditDb, entries: AuditEntry[]): Promise<AuditListedEntry[]> {
  const openings = entries.filter((e) => e.status === null && e.outcomeOf === null).map((e) => e.seq);
  const completed = new Set<number>();
  if (openings.length)
    for (const r of await db
      .selectFrom('audit_log')
      .select('outcome_of')
      .where('outcome_of', 'in', openings.map(String))
      .execute())
      completed.add(Number(r.outcome_of));
  return entries.map((e) =>
    e.status === null && e.outcomeOf === null ? { ...e, pending: !completed.has(e.seq) } : e,
  );
}

/** A page, newest first; `nextCursor` while more may follow. */
export async function auditPage(
  db: AuditDb,
  f: AuditFilter,
  limit: number,
  cursor?: string,
): Promise<AuditPage> {
  let q = filtered(db, f);
  if (cursor) q = q.where('seq', '<', cursor);
  const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
  const items = await listed(db, rows.map(fromRow));
  return { items, nextCursor: items.length === limit ? String(items[items.length - 1]!.seq) : null };
}

/** Every matching entry, oldest first, a page at a time (exports stream them). */
export async function* auditEntries(
  db: AuditDb,
  f: AuditFilter,
  pageSize = 500,
): AsyncGenerator<AuditEntry[]> {
  let after = 0;
  for (;;) {
    const rows = await filtered(db, f)
      .where('seq', '>', String(after))
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (!rows.length) return;
    const page = rows.map(fromRow);
    yield page;
    after = page[page.length - 1]!.seq;
  }
}
