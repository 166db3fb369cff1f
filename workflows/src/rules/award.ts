import type { Catalog, StarDecision } from '@fivestar/contracts';

export interface AwardInput {
  catalog: Catalog;
  /** 拟创星级: stars the branch claimed at self-check. */
  targetStars: string[];
  /** Stars every review let through (intersection across review levels). */
  approvedStars: string[];
  /** On-site observation scores per task code. */
  scores: Record<string, number>;
  /** A weak and lax branch (软弱涣散) is awarded nothing until its rectification closes. */
  weak: boolean;
}

/**
 * Decides each star from the pinned catalog's data: claimed, let through by the reviews, the star's task
 * scores reaching its threshold; the capstone star only with every other star. Pure and explainable.
 */
export function decideAward(input: AwardInput): { level: number; stars: StarDecision[] } {
  const first = input.catalog.stars.map((star): StarDecision => {
    const claimed = input.targetStars.includes(star.code);
    const approvedByReviews = input.approvedStars.includes(star.code);
    const score = star.tasks.reduce((sum, t) => sum + Math.min(input.scores[t.code] ?? 0, t.points), 0);
    const reasons: string[] = [];
    if (input.weak) reasons.push('软弱涣散支部，整顿未完成');
    if (!claimed) reasons.push('未申报');
    else if (!approvedByReviews) reasons.push('审核未通过');
    if (score < star.threshold) reasons.push(`得分${score}未达到${star.threshold}分`);
    const awarded = reasons.length === 0;
    return {
      code: star.code,
      name: star.name,
      claimed,
      approvedByReviews,
      score,
      threshold: star.threshold,
      awarded,
      why: awarded ? `得分${score}，达到${star.threshold}分，审核通过` : reasons.join('；'),
    };
  });
  const capstoneCodes = new Set(input.catalog.stars.filter((s) => s.capstone).map((s) => s.code));
  const othersAll = first.filter((d) => !capstoneCodes.has(d.code)).every((d) => d.awarded);
  const stars = first.map((d) =>
    capstoneCodes.has(d.code) && d.awarded && !othersAll
      ? { ...d, awarded: false, why: `${d.name}须在其他各星均获评后授予` }
      : d,
  );
  return { level: stars.filter((d) => d.awarded).length, stars };
}
