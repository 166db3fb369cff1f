import type { AuditVerifyResult } from '@fivestar/contracts';
import type { Register } from '../context';
import { Exit } from '../exit';

export function verifyLines(r: AuditVerifyResult): string[] {
  const lines: string[] = [];
  if (r.ok) lines.push(`审计链完好：共 ${r.count} 条，链头 ${r.headHash}`);
  else {
    // Every problem the server found (an older server names only the first).
    const problems = r.problems ?? [r];
    for (const p of problems) lines.push(`审计链断裂：第 ${p.seq} 条（${p.kind}）：${p.problem}`);
    const total = r.problemCount ?? problems.length;
    if (total > problems.length) lines.push(`另有 ${total - problems.length} 处问题未列出`);
    lines.push(`共 ${total} 处问题；第一处之前 ${r.count} 条校验无误`);
  }
  if (r.pending?.length)
    lines.push(`未完成的命令（已记开始、无结果）${r.pending.length} 条：第 ${r.pending.join('、')} 条`);
  return lines;
}

export const registerAudit: Register = (program, act) => {
  program
    .command('audit')
    .description('审计日志')
    .command('verify')
    .description('校验审计日志的整条哈希链（断裂时退出码为 1，并列出每一处问题）')
    .action(
      act(async ({ out, api }) => {
        const r = await (await api()).json<AuditVerifyResult>('GET', '/api/audit/verify');
        out.result(verifyLines(r), r);
        return r.ok ? Exit.ok : Exit.checkFailed;
      }),
    );
};
