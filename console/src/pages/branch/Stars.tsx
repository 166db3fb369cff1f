import type { BranchState } from '@fivestar/contracts';
import { t } from '../../i18n';
import { starName } from '../../stars';

/**
 * Each star's status: before the award, the claim and every review level's verdict; after it, the award
 * record's scores and its explanation, star by star.
 */
export function Stars({ state }: { state: BranchState }) {
  const award = state.award;
  return (
    <section className="panel" data-testid="stars">
      <h2>{t('branch.stars')}</h2>
      {award && (
        <p data-testid="award-why">
          <strong>{t('branch.why')}：</strong>
          {award.why}
        </p>
      )}
      <div className="stars">
        {award
          ? award.stars.map((s) => (
              <div
                key={s.star}
                className={`star-card${s.awarded ? ' awarded' : ''}`}
                data-testid="star-card"
                data-star={s.star}
              >
                <strong>{s.name}</strong> · {t(s.awarded ? 'branch.awarded' : 'branch.notAwarded')}
                <div>
                  {s.totalDisplay} / {s.threshold}
                </div>
                {s.reviews.map((r) => (
                  <div key={r.level} className="muted">
                    {t('branch.approvedBy', {
                      level: t(`step.${r.level}`),
                      status: t(`branch.review.${r.status}`),
                    })}
                  </div>
                ))}
                <p data-testid="star-why">{s.why}</p>
              </div>
            ))
          : state.targetStars.map((star) => (
              <div key={star} className="star-card" data-testid="star-card" data-star={star}>
                <strong>{starName(star)}</strong> · {t('branch.claimed')}
                {Object.entries(state.reviews).map(([level, verdicts]) => {
                  const v = verdicts?.find((x) => x.star === star);
                  return (
                    v && (
                      <div key={level} className="muted">
                        {t('branch.approvedBy', {
                          level: t(`step.${level}`),
                          status: t(`branch.review.${v.approved ? 'approved' : 'not_approved'}`),
                        })}
                        {v.reasons.length > 0 && `：${v.reasons.join('；')}`}
                      </div>
                    )
                  );
                })}
              </div>
            ))}
      </div>
    </section>
  );
}
