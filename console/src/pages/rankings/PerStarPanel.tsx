import type { RankingStar } from '@fivestar/contracts';
import { t } from '../../i18n';
import { rankingStarName } from '../../stars';

/** 各星数量: how many branches of each area hold each star, a column per star (scrolls on a phone). */
export function PerStarPanel({
  stars,
  areas,
  testid,
}: {
  stars: readonly RankingStar[];
  areas: readonly { code: string; name: string; starCounts: Record<string, number> }[];
  testid: string;
}) {
  return (
    <section className="panel">
      <h2>{t('rank.perStar')}</h2>
      <div className="scroll-x">
        <table data-testid={testid}>
          <thead>
            <tr>
              <th>{t('rank.name')}</th>
              {stars.map((s) => (
                <th key={s.code} className="num">
                  {rankingStarName(s)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {areas.map((a) => (
              <tr key={a.code}>
                <td className="wrap">{a.name}</td>
                {stars.map((s) => (
                  <td key={s.code} className="num">
                    {a.starCounts[s.code] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
