import type { AuditVerifyResult } from '@fivestar/contracts';
import type { Register } from '../context';
import { Exit } from '../exit';

export function verifyLines(r: AuditVerifyResult): string[] {
  if (r.ok) return [`审计链完好：共 ${r.count} 条，链头 ${r.headHash}`];
  return [`审计链断裂：第 ${r.seq} 条（${r.kind}）：${r.problem}`, `此前 ${r.count} 条校验无误`];
}

export const registerAudit: Register = (program, act) => {
  program
    .command('audit')
    .description('审计日志')
    .command('verify')
    .description('校验审计日志的整条哈希链（断裂时退出码为 1，并指出哪一条）')
    .action(
      act(async ({ out, api }) => {
        const r = await (await api()).json<AuditVerifyResult>('GET', '/api/audit/verify');
        out.result(verifyLines(r), r);
        return r.ok ? Exit.ok : Exit.checkFailed;
      }),
    );
};
