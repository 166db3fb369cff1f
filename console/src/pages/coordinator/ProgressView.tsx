import { STEPS, type RoundProgressResult } from '@fivestar/contracts';
import { t } from '../../i18n';

/** The funnel (branches by step, as bars) and the township × step grid of a round. */
export function ProgressView({
  progress,
  townshipNames,
}: {
  progress: RoundProgressResult;
  townshipNames: Map<string, string>;
}) {
  const widest = Math.max(1, ...STEPS.map((s) => progress.byStep[s] ?? 0));
  return (
    <div className="two-cols">
      <section data-testid="progress-funnel">
        <h3>{t('coord.funnel')}</h3>
        <ol className="funnel">
          {STEPS.map((step) => {
            const n = progress.byStep[step] ?? 0;
            return (
              <li key={step} data-testid={`funnel-${step}`}>
                <span className="funnel-label">{t(`step.${step}`)}</span>
                <span className="funnel-bar" style={{ width: `${(n / widest) * 100}%` }} />
                <span className="num">{n}</span>
              </li>
            );
          })}
        </ol>
      </section>
      <section>
        <h3>{t('coord.grid')}</h3>
        <div className="scroll-x">
          <table className="grid" data-testid="progress-grid">
            <thead>
              <tr>
                <th>{t('col.township')}</th>
                {STEPS.map((s) => (
                  <th key={s}>{t(`step.${s}`)}</th>
                ))}
                <th>{t('coord.total')}</th>
                <th>{t('coord.overdueCount')}</th>
              </tr>
            </thead>
            <tbody>
              {progress.townships.map((tw) => {
                const name = townshipNames.get(tw.townshipCode) ?? tw.townshipCode;
                return (
                  <tr key={tw.townshipCode} data-testid={`grid-${tw.townshipCode}`}>
                    <td className="name" title={name}>
                      {name}
                    </td>
                    {STEPS.map((s) => (
                      <td key={s} className={`num${tw.byStep[s] ? '' : ' zero'}`}>
                        {tw.byStep[s] ?? 0}
                      </td>
                    ))}
                    <td className="num">{tw.total}</td>
                    <td className={`num${tw.overdue ? ' warn' : ''}`}>{tw.overdue}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
