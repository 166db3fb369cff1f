import type { AuditEntry, AuditProblem, AuditVerifyResult } from '@fivestar/contracts';
import { entryHash, GENESIS_HASH } from './chain';
import { fromRow, type AuditDb } from './store';

/** How many problems an answer lists (all are counted): a log rewritten wholesale must not make it huge. */
export const MAX_LISTED_PROBLEMS = 1000;

/**
 * An entry that does not hash to what it stores. Entries written before strings were made storable, with a
 * lone surrogate (stored as U+FFFD), are among them: the hint says so (docs/audit.md, Canonical encoding).
 */
function altered(entry: AuditEntry): AuditProblem {
  const legacy = Object.values(entry).some((v) => typeof v === 'string' && v.includes('\uFFFD'));
  return {
    seq: entry.seq,
    kind: 'altered',
    problem:
      `第 ${entry.seq} 条内容被改动（哈希不符）` +
      (legacy ? '；该条含 U+FFFD：若写于迁移 0009 之前，也可能是当时未规范的孤立代理字符所致' : ''),
  };
}

/**
 * What is wrong with `entry` as the successor of (`seq`, `hash`): a gap before it, a link not to its
 * predecessor's stored hash, a hash that does not match. One problem per entry, except that the entry
 * after a gap (no predecessor to link to) still has its own hash checked.
 */
function checkEntry(entry: AuditEntry, prev: { seq: number; hash: string }): AuditProblem[] {
  const found: AuditProblem[] = [];
  const expected = prev.seq + 1;
  if (entry.seq !== expected) {
    const last = entry.seq - 1;
    found.push({
      seq: expected,
      kind: 'missing',
      problem:
        (last === expected ? `第 ${expected} 条缺失` : `第 ${expected}–${last} 条缺失`) +
        `（其后是第 ${entry.seq} 条）`,
    });
  } else if (entry.prevHash !== prev.hash)
    // A rewritten link fails the entry's hash too (it covers prevHash): one problem, named for the link.
    return [
      {
        seq: entry.seq,
        kind: 'unlinked',
        problem: `第 ${entry.seq} 条记录的前一哈希与第 ${prev.seq} 条不符`,
      },
    ];
  const { hash, ...rest } = entry;
  if (entryHash(rest) !== hash) found.push(altered(entry));
  return found;
}

/**
 * Walks the whole chain from seq 1 and reports every problem, not only the first: each gap, each entry not
 * linked to its predecessor's stored hash, each entry not hashing to what it stores; then the head
 * checkpoint must name the last entry (else the tail was cut off). Openings without an outcome entry are
 * listed as `pending`: a command running, or one the API stopped in; not a fault of the chain.
 */
export async function verifyChain(db: AuditDb, pageSize = 1000): Promise<AuditVerifyResult> {
  const problems: AuditProblem[] = [];
  let problemCount = 0;
  const report = (p: AuditProblem) => {
    problemCount++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p);
  };
  const open = new Set<number>();
  let entries = 0;
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
      entries++;
      for (const p of checkEntry(entry, prev)) report(p);
      if (entry.status === null && entry.outcomeOf === null) open.add(entry.seq);
      if (entry.outcomeOf !== null) open.delete(entry.outcomeOf);
      // Go on from what this entry stores: one altered entry is one problem, not a cascade.
      prev = { seq: entry.seq, hash: entry.hash };
    }
    if (rows.length < pageSize) break;
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
  const headSeq = Number(head.seq);
  if (headSeq > prev.seq)
    report({
      seq: prev.seq + 1,
      kind: 'tail-missing',
      problem: `第 ${prev.seq + 1}–${headSeq} 条缺失（链头记录到第 ${headSeq} 条）`,
    });
  else if (headSeq !== prev.seq || head.hash !== prev.hash)
    report({
      seq: prev.seq,
      kind: 'head-mismatch',
      problem: `链头（第 ${headSeq} 条）与日志最后一条（第 ${prev.seq} 条）不符`,
    });
  const pending = open.size ? { pending: [...open] } : {};
  if (!problemCount) return { ok: true, count: prev.seq, headHash: prev.hash, ...pending };
  const first = problems[0]!;
  return {
    ok: false,
    // As before: the entries found good before the first problem.
    count: first.kind === 'head-mismatch' ? first.seq : first.seq - 1,
    seq: first.seq,
    kind: first.kind,
    problem: first.problem,
    problems,
    problemCount,
    entries,
    ...pending,
  };
}

/** Lines for the command line: `OK …`, or one `FAILED …` per problem; then the pending commands, if any. */
export function formatVerify(r: AuditVerifyResult): string {
  const lines: string[] = [];
  if (r.ok) lines.push(`OK 审计日志完整：共 ${r.count} 条，链头哈希 ${r.headHash}`);
  else {
    const problems = r.problems ?? [r];
    lines.push(`FAILED 第 ${r.seq} 条：${r.problem}（此前 ${r.count} 条完好）`);
    for (const p of problems.slice(1)) lines.push(`FAILED 第 ${p.seq} 条：${p.problem}`);
    const total = r.problemCount ?? problems.length;
    if (total > problems.length) lines.push(`FAILED 另有 ${total - problems.length} 处问题未列出`);
    lines.push(`共 ${total} 处问题${r.entries === undefined ? '' : `，日志共 ${r.entries} 条`}`);
  }
  if (r.pending?.length)
    lines.push(`未完成（有开始、无结果记录）的命令 ${r.pending.length} 条：第 ${r.pending.join('、')} 条`);
  return lines.join('\n');
}
