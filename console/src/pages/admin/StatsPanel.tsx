import type { AdminStatsEntry, AdminStatsResult } from '@fivestar/contracts';
import { formatBeijingTime } from '@fivestar/contracts';
import { t } from '../../i18n';
import { FaultsSummary } from '../../layout/Faults';
import { Status } from '../../layout/Status';
import { useApi } from '../../use-api';
import './calendar-messages';

/** 运行状态: each read-model service (answering, events behind, dead letters) and 系统处理异常. */
export function StatsPanel() {
  const stats = useApi<AdminStatsResult>('/admin/stats');
  return (
    <section data-testid="admin-stats">
      <Status loaded={stats}>
        {({ services, faults }) => (
          <>
            {faults === null ? (
              <p className="muted">{t('stats.faultsUnknown')}</p>
            ) : faults.branches === 0 ? (
              <p className="ok" data-testid="no-faults">
                {t('stats.noFaults')}
              </p>
            ) : (
              <FaultsSummary faults={faults} />
            )}
            <ServicesTable services={services} />
          </>
        )}
      </Status>
    </section>
  );
}

function ServicesTable({ services }: { services: AdminStatsEntry[] }) {
  return (
    <table className="compact" data-testid="stats-services">
      <thead>
        <tr>
          <th>{t('stats.service')}</th>
          <th>{t('stats.state')}</th>
          <th>{t('stats.lag')}</th>
          <th>{t('stats.deadLetters')}</th>
          <th>{t('stats.lastError')}</th>
        </tr>
      </thead>
      <tbody>
        {services.map((s) => {
          const last = s.reachable ? s.stats.deadLetters.lastError : null;
          return (
            <tr key={s.service} data-testid="stats-service" data-service={s.service}>
              <td>{t(`service.${s.service}`)}</td>
              <td className={s.reachable ? 'ok' : 'field-error'}>{s.reachable ? t('stats.up') : s.error}</td>
              <td className="num">
                {s.reachable ? s.stats.consumers.reduce((n, c) => n + c.lag + c.ackPending, 0) : '—'}
              </td>
              <td className="num">{s.reachable ? s.stats.deadLetters.total : '—'}</td>
              <td className="wrap">{last ? `${formatBeijingTime(last.at)} ${last.message}` : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
