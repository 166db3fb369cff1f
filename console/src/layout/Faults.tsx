import { Link } from 'react-router';
import { faultCause, formatBeijingTime, type BranchFault, type FaultsResult } from '@fivestar/contracts';
import { t } from '../i18n';
import { branchLink } from '../work';

/** The first line of a failure's message (the rest is the worker's detail). */
const firstLine = (message: string) => message.split('\n')[0]!.trim();

/** 系统处理异常 on a branch page: what the branch's processing waits on, since when. */
export function FaultBanner({ fault }: { fault: BranchFault | null | undefined }) {
  if (!fault) return null;
  return (
    <div className="panel warning" role="alert" data-testid="branch-fault">
      <strong>{t('fault.banner', { label: faultCause(fault).label })}</strong>
      <p>{firstLine(fault.message)}</p>
      <p className="muted">{t('fault.since', { since: formatBeijingTime(fault.since) })}</p>
    </div>
  );
}

/** N 个支部处理异常: by cause, and each branch (the oldest first) linked to its page; nothing when none. */
export function FaultsSummary({ faults }: { faults: FaultsResult | null | undefined }) {
  if (!faults || faults.branches === 0) return null;
  return (
    <section className="panel warning" data-testid="faults">
      <h2>{t('fault.count', { n: faults.branches })}</h2>
      <ul className="plain" data-testid="faults-by-cause">
        {faults.byCause.map((c) => (
          <li key={c.cause}>
            {c.label}：{t('fault.branches', { n: c.branches })}
          </li>
        ))}
      </ul>
      <ul data-testid="faults-items">
        {faults.items.map((f) => (
          <li key={f.workflowId} data-testid="fault-item" data-branch={f.branchId}>
            <Link to={branchLink(f) ?? '#'}>{f.branchId}</Link> {faultCause(f).label}{' '}
            <small className="muted">{t('fault.since', { since: formatBeijingTime(f.since) })}</small>
          </li>
        ))}
      </ul>
      {faults.items.length < faults.branches && (
        <p className="muted">{t('fault.more', { shown: faults.items.length })}</p>
      )}
    </section>
  );
}
