import {
  catalogTasks,
  stepIndex,
  type AwardDecision,
  type BranchState,
  type Catalog,
  type DecideRevocation,
  type HumanStep,
  type ObservationRule,
  type Person,
  type RecordObservation,
  type Review,
  type StarVerdictRecord,
  type SubmitSelfCheck,
  type VetoFound,
} from '@fivestar/contracts';
import type { RejectionType } from '@fivestar/contracts/workflow';
import { evidenceGaps } from './evidence';
import { quorumMet } from './observation';

/**
 * What the branch's commands decide, as pure functions of the command, the catalog and the branch's state:
 * a validator raises the `Refusal` it is given (workflows/src/workflows/guard.ts), a handler applies the
 * decision. Checks run in a fixed order, so a command with several faults is refused for the first one.
 */
export interface Refusal {
  type: RejectionType;
  message: string;
  /** Path of the offending field in the command's body (every `Invalid` names one). */
  field?: string;
}

const invalid = (message: string, field: string): Refusal => ({ type: 'Invalid', message, field });

function unknownStars(catalog: Catalog, codes: string[], field: string): Refusal | null {
  const unknown = codes.filter((c) => !catalog.stars.some((s) => s.code === c));
  return unknown.length ? invalid(`星级代码不存在：${unknown.join('、')}`, field) : null;
}

function unknownTasks(catalog: Catalog, scores: Record<string, number>): Refusal | null {
  const codes = new Set(catalogTasks(catalog).map((t) => t.code));
  const unknown = Object.keys(scores).filter((c) => !codes.has(c));
  return unknown.length ? invalid(`任务代码不存在：${unknown.join('、')}`, 'scores') : null;
}

function unknownVetoes(catalog: Catalog, vetoes: VetoFound[]): Refusal | null {
  const codes = new Set(catalogTasks(catalog).flatMap((t) => t.vetoes.map((v) => v.code)));
  const unknown = vetoes.filter((v) => !codes.has(v.vetoCode)).map((v) => v.vetoCode);
  return unknown.length ? invalid(`否决条件代码不存在：${unknown.join('、')}`, 'vetoes') : null;
}

/** A self-check claims known stars, scores known tasks and files every required item of its stars. */
export function selfCheckRefusal(catalog: Catalog, body: SubmitSelfCheck): Refusal | null {
  const known = unknownStars(catalog, body.targetStars, 'targetStars') ?? unknownTasks(catalog, body.scores);
  if (known) return known;
  const gaps = evidenceGaps(catalog, body.targetStars, body.evidence);
  if (gaps.unknown.length) return invalid(`佐证材料要求代码不存在：${gaps.unknown.join('、')}`, 'evidence');
  if (!gaps.missing.length) return null;
  const list = gaps.missing.map((m) => `${m.requirement}（${m.title}）`).join('、');
  return invalid(`申报星级缺少佐证材料：${list}`, 'evidence');
}

/**
 * A review at `step` names known vetoes and returns only to an earlier step; an approval decides every
 * claimed star once and no other.
 */
export function reviewRefusal(
  catalog: Catalog,
  step: HumanStep,
  targetStars: string[],
  body: Review,
): Refusal | null {
  const vetoes = unknownVetoes(catalog, body.vetoes);
  if (vetoes) return vetoes;
  if (body.returnTo && stepIndex(body.returnTo) >= stepIndex(step)) {
    return invalid('只能退回到之前的环节', 'returnTo');
  }
  if (body.decision !== 'approve') return null;
  const decided = body.stars.map((v) => v.star);
  const stray = decided.filter((c) => !targetStars.includes(c));
  if (stray.length) return invalid(`未申报的星级不能审核：${stray.join('、')}`, 'stars');
  const twice = decided.filter((c, i) => decided.indexOf(c) !== i);
  if (twice.length) return invalid(`同一星级重复审核：${twice.join('、')}`, 'stars');
  const open = targetStars.filter((c) => !decided.includes(c));
  if (open.length) return invalid(`请对每颗申报星级作出审核意见，尚缺：${open.join('、')}`, 'stars');
  return null;
}

export type ReviewDecision =
  | { kind: 'return'; toStep: HumanStep; reasons: string[] }
  | { kind: 'approve'; verdicts: StarVerdictRecord[] };

/** What an admitted review decides: a return to an earlier step, or the reviewer's verdict per star. */
export function reviewDecision(body: Review, reviewer: Person): ReviewDecision {
  if (body.decision === 'return') return { kind: 'return', toStep: body.returnTo!, reasons: body.reasons! };
  return {
    kind: 'approve',
    verdicts: body.stars.map((v) => ({
      star: v.star,
      approved: v.approved,
      reasons: v.reasons ?? [],
      reviewer,
    })),
  };
}

/** An observer's sheet scores known tasks and names known vetoes. */
export function observationRefusal(catalog: Catalog, body: RecordObservation): Refusal | null {
  return unknownTasks(catalog, body.scores) ?? unknownVetoes(catalog, body.vetoes);
}

/** The observation closes only once the quorum has scored every task of the claimed stars. */
export function closeObservationRefusal(
  catalog: Catalog,
  targetStars: string[],
  sheets: BranchState['observation']['sheets'],
  rule: ObservationRule,
): Refusal | null {
  const claimedTasks = catalog.stars
    .filter((s) => targetStars.includes(s.code))
    .flatMap((s) => s.tasks.map((t) => t.code));
  if (quorumMet(sheets, rule, claimedTasks)) return null;
  return {
    type: 'Conflict',
    message: `评分表不足：需至少${rule.quorum}名观摩员对申报星级的全部任务评分，现有${sheets.length}份`,
  };
}

type Revocation = BranchState['revocations'][number];

/** A decision answers a pending proposal; a confirmation names a star the branch holds now. */
export function revocationRefusal(
  proposal: Revocation | undefined,
  award: AwardDecision | null,
  body: DecideRevocation,
): Refusal | null {
  if (!proposal || proposal.status !== 'proposed')
    return { type: 'Conflict', message: '没有待审议的摘星建议' };
  if (!body.confirm) return null;
  const star = body.star ?? proposal.star;
  if (!star) return invalid('请指定要摘除的星级', 'star');
  if (!award?.stars.some((s) => s.star === star && s.awarded)) {
    return invalid(`该支部当前未获评此星：${star}`, 'star');
  }
  return null;
}

/**
 * The award after 摘星 of `code` (and of the capstone with it when `capstoneFalls`), with what was revoked.
 * `award` itself is left as it was.
 */
export function revokeStar(
  award: AwardDecision,
  code: string,
  reasons: string[],
  capstoneFalls: boolean,
): { award: AwardDecision; revoked: { code: string; name: string }[] } {
  const taken = (s: AwardDecision['stars'][number]) =>
    s.awarded && (s.star === code || (capstoneFalls && s.capstone && s.star !== code));
  const stars = award.stars.map((s) => {
    if (!taken(s)) return s;
    const why = s.star === code ? `摘星：${reasons.join('；') || '整改逾期未完成'}` : '统领星随其他星级摘除';
    return { ...s, awarded: false, reasons: [...s.reasons, why], why };
  });
  const awardedStars = stars.filter((s) => s.awarded).map((s) => s.star);
  return {
    award: { ...award, stars, awardedStars, level: awardedStars.length },
    revoked: award.stars.filter(taken).map((s) => ({ code: s.star, name: s.name })),
  };
}
