import type { AuditEntry, AuditVerifyResult } from '@fivestar/contracts';
import { entryHash, GENESIS_HASH } from './chain';
import { fromRow, type AuditDb } from './store';

type Failure = Extract<AuditVerifyResult, { ok: false }>;

/** The first thing wrong with `entry` as the successor of (`seq`, `hash`), or null. */
function checkLink(
  entry: AuditEntry,
  prev: { seq: number; hash: string },
): Omit<Failure, 'ok' | 'count'> | null {
  const expected = prev.seq + 1;
  if (entry.seq !== expected)
    return {
      seq: expected,
      kind: 'missing',
      problem: `第 ${expected} 条缺失（其后是第 ${entry.seq} 条）`,
    };
  if (entry.prevHash !== prev.hash)
    return {
      seq: entry.seq,
      kind: 'unlinked',
      problem: `第 ${entry.seq} 条记录的前一哈希与第 ${prev.seq} 条不符`,
    };
  const { hash, ...rest } = entry;
  if (entryHash(rest) !== hash)
    return { seq: entry.seq, kind: 'altered', problem: `第 ${entry.seq} 条内容被改动（哈希不符）` };
  return null;
}

/**
 * Walks the whole chain from seq 1: every entry present, linked to its predecessor and hashing to what
 * it stores; then the head checkpoint must name the last entry (else the tail was cut off).
 */
export async function verifyChain(db: AuditDb, pageSize = 1000): Promise<AuditVerifyResult> {
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', String(prev.seq))
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const entry of rows.map(fromRow)) {
      const bad = checkLink(entry, prev);
      if (bad) return { ok: false, count: prev.seq, ...bad };
      prev = { seq: entry.seq, hash: entry.hash };
    }
    if (rows.length < pageSize) break;
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
  const headSeq = Number(head.seq);
  if (headSeq > prev.seq)
    return {
      ok: false,
      count: prev.seq,
      seq: prev.seq + 1,
      kind: 'tail-missing',
      problem: `第 ${prev.seq + 1}–${headSeq} 条缺失（链头记录到第 ${headSeq} 条）`,
    };
  if (headSeq !== prev.seq || head.hash !== prev.hash)
    return {
      ok: false,
      count: prev.seq,
      seq: prev.seq,
      kind: 'head-mismatch',
      problem: `链头（第 ${headSeq} 条）与日志最后一条（第 ${prev.seq} 条）不符`,
    };
  return { ok: true, count: prev.seq, headHash: prev.hash };
}

/** One line for the command line: `OK …` or `FAILED …`. */
export function formatVerify(r: AuditVerifyResult): string {
  return r.ok
    ? `OK 审计日志完整：共 ${r.count} 条，链头哈希 ${r.headHash}`
    : `FAILED 第 ${r.seq} 条：${r.problem}（此前 ${r.count} 条完好）`;
}
