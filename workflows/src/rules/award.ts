import {
  REVIEW_STEPS,
  STEPS,
  STEP_LABELS,
  type Catalog,
  type ReviewStep,
  type Step,
} from '@fivestar/contracts';
import {
  AwardInputError,
  addFractions,
  combineObservation,
  compareFractions,
  formatFraction,
  fraction,
  type ObservationResult,
  type ObserverSheet,
  type Person,
  type ScoringRule,
} from './observation';
import type {
  AwardDecision,
  AwardRules,
  CapstoneStatus,
  LevelDecision,
  StarRecord,
  VetoRecord,
  WeakStatus,
} from '@fivestar/contracts';
export type { AwardDecision, AwardRules, CapstoneStatus, LevelDecision, StarRecord, VetoRecord, WeakStatus };

export { AwardInputError } from './observation';

/**
 * The award engine (评星): decides each star of the pinned catalog and explains why. Pure and
 * deterministic — no I/O, clock or randomness — so it runs inside Temporal workflows and replays.
 */

/**
 * The review levels whose per-star decision every awarded star needs, in order; a chain's 市复核 and 省抽查
 * (the other `REVIEW_STEPS`) count as well for a branch that went through them (their verdicts present).
 */
export const REVIEW_LEVELS = ['TOWNSHIP_REVIEW', 'COUNTY_PRE_REVIEW'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

/** One review level's decision on one star. */
export interface StarReview {
  star: string;
  approved: boolean;
  reasons: string[];
  reviewer: Person;
}

/** A veto condition (一票否决) found to hold; the code belongs to one task's `vetoes` and vetoes its star. */
export interface VetoFinding {
  vetoCode: string;
  foundBy: Person;
  /** The step at which it was found. */
  step: Step;
  note: string;
}

export const DEFAULT_AWARD_RULES: AwardRules = { capstoneRequiresAllOthers: true };

export interface AwardInput {
  /** The catalog the round pinned. */
  catalog: Catalog;
  /** 拟创星级: star codes the branch claimed at self-check. */
  targetStars: string[];
  /** Per-star decisions of each review level; a level or star absent here has not decided. */
  reviews: Partial<Record<ReviewStep, StarReview[]>>;
  vetoes: VetoFinding[];
  /** One sheet per observer, and the round's scoring rule. */
  observation: { sheets: ObserverSheet[]; rule: ScoringRule };
  branch: WeakStatus;
  /** Missing flags take `DEFAULT_AWARD_RULES`. */
  rules?: Partial<AwardRules>;
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function levelName(level: number): string {
  return `${NUMERALS[level] ?? String(level)}星`;
}

function inputProblems(input: AwardInput, rules: AwardRules): string[] {
  const { catalog } = input;
  const problems: string[] = [];
  const stars = new Set(catalog.stars.map((s) => s.code));
  const vetoes = new Set(catalog.stars.flatMap((s) => s.tasks.flatMap((t) => t.vetoes.map((v) => v.code))));
  for (const code of input.targetStars) {
    if (!stars.has(code)) problems.push(`申报的星级代码 ${code} 不存在`);
  }
  for (const [level, decisions] of Object.entries(input.reviews)) {
    if (!(REVIEW_STEPS as readonly string[]).includes(level)) {
      problems.push(`审核层级 ${level} 不存在（应为 ${REVIEW_STEPS.join('、')}）`);
      continue;
    }
    const label = STEP_LABELS[level as ReviewStep];
    const seen = new Set<string>();
    for (const d of decisions ?? []) {
      if (!stars.has(d.star)) problems.push(`${label}的星级代码 ${d.star} 不存在`);
      else if (seen.has(d.star)) problems.push(`${label}对星级 ${d.star} 有多条决定`);
      seen.add(d.star);
      if (typeof d.approved !== 'boolean') problems.push(`${label}对星级 ${d.star} 的决定应为是否通过`);
    }
  }
  for (const v of input.vetoes) {
    if (!vetoes.has(v.vetoCode)) problems.push(`否决条件代码 ${v.vetoCode} 不存在`);
    if (!(STEPS as readonly string[]).includes(v.step))
      problems.push(`否决条件 ${v.vetoCode} 的环节 ${v.step} 不存在`);
  }
  if (typeof input.branch.weak !== 'boolean' || typeof input.branch.weakRectificationClosed !== 'boolean')
    problems.push('软弱涣散标记应为布尔值');
  if (typeof rules.capstoneRequiresAllOthers !== 'boolean') problems.push('统领星规则标记应为布尔值');
  return problems;
}

function reviewerText(p: Person | null): string {
  return p ? `（${p.name || p.userId}）` : '';
}

/**
 * Decides every star of the catalog. A star is awarded when it is claimed; approved at every review
 * level (a level with no decision on it counts as not approved); every task scored by the quorum; the
 * sum of its tasks' combined observation scores reaches its threshold (exactly); none of its tasks'
 * vetoes was found; the branch is not weak-and-unrectified; and, for the capstone star while
 * `capstoneRequiresAllOthers` is on, every other star is awarded. Level = stars awarded.
 * Throws `AwardInputError` listing every unknown star/task/veto code or malformed input.
 */
export function decideAward(input: AwardInput): AwardDecision {
  const rules: AwardRules = {
    capstoneRequiresAllOthers:
      input.rules?.capstoneRequiresAllOthers ?? DEFAULT_AWARD_RULES.capstoneRequiresAllOthers,
  };
  const problems = inputProblems(input, rules);
  let observation: ObservationResult | null = null;
  try {
    observation = combineObservation(input.catalog, input.observation.sheets, input.observation.rule);
  } catch (e) {
    if (!(e instanceof AwardInputError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length > 0 || !observation) throw new AwardInputError(problems);

  const { catalog } = input;
  const claimed = new Set(input.targetStars);
  const weakBlocked = input.branch.weak && !input.branch.weakRectificationClosed;
  const vetoOwner = new Map(
    catalog.stars.flatMap((s) =>
      s.tasks.flatMap((t) => t.vetoes.map((v) => [v.code, { task: t, v }] as const)),
    ),
  );
  const quorum = input.observation.rule.quorum;
  const levels = REVIEW_STEPS.filter(
    (l) => (REVIEW_LEVELS as readonly string[]).includes(l) || input.reviews[l],
  );

  // First pass: every condition except the capstone rule.
  const first = catalog.stars.map((star) => {
    const isClaimed = claimed.has(star.code);
    const reviews: LevelDecision[] = levels.map((level) => {
      const d = input.reviews[level]?.find((r) => r.star === star.code);
      return {
        level,
        label: STEP_LABELS[level],
        status: !d ? 'missing' : d.approved ? 'approved' : 'not_approved',
        reviewer: d ? { userId: d.reviewer.userId, name: d.reviewer.name } : null,
        reasons: d ? [...d.reasons] : [],
      };
    });
    const tasks = observation.tasks.filter((t) => t.star === star.code);
    const total = addFractions(...tasks.map((t) => t.combined));
    const reachesThreshold = compareFractions(total, fraction(star.threshold)) >= 0;
    const observationQuorumMet = tasks.every((t) => t.quorumMet);
    const taskCodes = new Set(star.tasks.map((t) => t.code));
    const vetoes: VetoRecord[] = input.vetoes.flatMap((f) => {
      const owner = vetoOwner.get(f.vetoCode)!;
      return taskCodes.has(owner.task.code)
        ? [
            {
              code: f.vetoCode,
              task: owner.task.code,
              description: owner.v.description,
              foundBy: { userId: f.foundBy.userId, name: f.foundBy.name },
              step: f.step,
              note: f.note,
            },
          ]
        : [];
    });

    const reasons: string[] = [];
    const totalDisplay = formatFraction(total);
    if (weakBlocked) reasons.push('软弱涣散支部，整顿尚未销号');
    if (!isClaimed) reasons.push('未申报该星');
    else {
      for (const r of reviews) {
        if (r.status === 'missing') reasons.push(`${r.label}未对该星作出决定`);
        else if (r.status === 'not_approved')
          reasons.push(
            `${r.label}未通过${reviewerText(r.reviewer)}${r.reasons.length ? `：${r.reasons.join('，')}` : ''}`,
          );
      }
      if (!observationQuorumMet) {
        const short = tasks.filter((t) => !t.quorumMet).map((t) => `${t.task}（${t.scoredBy}人）`);
        reasons.push(`现场观摩评分人数不足${quorum}人：${short.join('、')}`);
      }
      if (!reachesThreshold) reasons.push(`观摩得分${totalDisplay}分，未达到${star.threshold}分`);
      for (const v of vetoes) {
        reasons.push(
          `否决：${v.description}（${v.foundBy.name || v.foundBy.userId}于${STEP_LABELS[v.step]}发现）`,
        );
      }
    }
    return {
      star,
      isClaimed,
      reviews,
      tasks,
      total,
      totalDisplay,
      reachesThreshold,
      observationQuorumMet,
      vetoes,
      reasons,
    };
  });

  // Second pass: the capstone rule.
  const capstoneOn = rules.capstoneRequiresAllOthers;
  const othersMissing = first.filter((f) => !f.star.capstone && f.reasons.length > 0).map((f) => f.star.name);
  const stars: StarRecord[] = first.map((f) => {
    const { star } = f;
    const reasons = [...f.reasons];
    const notes: string[] = [];
    let capstoneStatus: CapstoneStatus = 'not_capstone';
    if (star.capstone) {
      if (!capstoneOn) {
        capstoneStatus = 'off';
        notes.push('统领星规则未启用，按一般星级评定');
      } else if (othersMissing.length > 0) {
        capstoneStatus = 'unmet';
        reasons.push(`${star.name}为统领星，须其他各星均获评，未获评：${othersMissing.join('、')}`);
      } else {
        capstoneStatus = 'met';
        notes.push('统领星：其他各星均已获评');
      }
    }
    if (input.branch.weak && !weakBlocked) notes.push('软弱涣散整顿已销号');
    const awarded = reasons.length === 0;
    return {
      star: star.code,
      name: star.name,
      capstone: star.capstone,
      claimed: f.isClaimed,
      reviews: f.reviews,
      approvedAtEveryLevel: f.reviews.every((r) => r.status === 'approved'),
      tasks: f.tasks,
      total: f.total,
      totalDisplay: f.totalDisplay,
      threshold: star.threshold,
      reachesThreshold: f.reachesThreshold,
      observationQuorumMet: f.observationQuorumMet,
      vetoes: f.vetoes,
      weakBlocked,
      capstoneStatus,
      notes,
      reasons,
      awarded,
      why: awarded
        ? awardedWhy(star.name, f.reviews, f.totalDisplay, star.threshold, notes)
        : `未授予${star.name}：${reasons.join('；')}。`,
    };
  });

  const awardedStars = stars.filter((s) => s.awarded).map((s) => s.star);
  const level = awardedStars.length;
  const names = (codes: StarRecord[]) => codes.map((s) => s.name).join('、');
  const notAwarded = stars.filter((s) => !s.awarded);
  const why =
    level === 0
      ? `未获评星级${weakBlocked ? '（软弱涣散支部，整顿尚未销号）' : ''}。`
      : `评定为${levelName(level)}支部：授予${names(stars.filter((s) => s.awarded))}` +
        (notAwarded.length ? `；未授予${names(notAwarded)}。` : '。');

  return {
    catalog: { id: catalog.id, version: catalog.version },
    level,
    awardedStars,
    stars,
    outliers: observation.outliers,
    observation: {
      rule: observation.rule,
      observers: observation.observers,
      quorumMet: observation.quorumMet,
    },
    weak: {
      weak: input.branch.weak,
      weakRectificationClosed: input.branch.weakRectificationClosed,
      blocked: weakBlocked,
    },
    rules,
    why,
  };
}

function awardedWhy(
  name: string,
  reviews: LevelDecision[],
  totalDisplay: string,
  threshold: number,
  notes: string[],
): string {
  const reviewed = reviews.map((r) => `${r.label}${reviewerText(r.reviewer)}`).join('、');
  const extra = notes.length ? `；${notes.join('；')}` : '';
  return `授予${name}：已申报，${reviewed}均通过，观摩得分${totalDisplay}分达到${threshold}分，无否决事项${extra}。`;
}
