import type { Catalog, EvidenceRef } from '@fivestar/contracts';

/**
 * Required evidence of the claimed stars' tasks that `evidence` does not answer, in catalog order; and
 * references to requirements the catalog does not have.
 */
export function evidenceGaps(
  catalog: Catalog,
  targetStars: string[],
  evidence: EvidenceRef[],
): { missing: { requirement: string; title: string; task: string }[]; unknown: string[] } {
  const given = new Set(evidence.map((e) => e.requirement));
  const all = catalog.stars.flatMap((s) =>
    s.tasks.flatMap((t) => t.evidence.map((e) => ({ ...e, task: t.code, star: s.code }))),
  );
  const known = new Set(all.map((e) => e.code));
  return {
    missing: all
      .filter((e) => e.required && targetStars.includes(e.star) && !given.has(e.code))
      .map((e) => ({ requirement: e.code, title: e.title, task: e.task })),
    unknown: [...given].filter((code) => !known.has(code)),
  };
}
