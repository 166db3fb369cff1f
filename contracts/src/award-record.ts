/**
 * The award decision record (评星决定): what the award engine in workflows/ produces and the API shows.
 * Every star is explained: claims, each review level's verdict, combined observation scores, vetoes,
 * capstone and weak-branch rules. Scores are exact fractions; `*Display` strings are for people.
 */
import type { ReviewStep, Step } from './cycle';
import type { ObservationRule } from './round';

/** Someone named in a decision record (an observer, reviewer or whoever found a veto). */
export interface Person {
  userId: string;
  name: string;
}

/** An exact non-negative rational: `den ≥ 1`, reduced (gcd(num, den) = 1), both safe integers. */
export interface Fraction {
  num: number;
  den: number;
}

/** One observer's score of one task, as entered and as counted (capped at the task's points). */
export interface ObserverScore {
  observer: Person;
  score: number;
  counted: number;
}

/** A task's combined observation score. */
export interface TaskObservation {
  task: string;
  star: string;
  points: number;
  /** In sheet order; only observers who scored the task. */
  scores: ObserverScore[];
  scoredBy: number;
  /** `scoredBy ≥ rule.quorum`. */
  quorumMet: boolean;
  /** Combined by the rule from the counted scores, so never above `points`; 0 when nobody scored it. */
  combined: Fraction;
  /** `combined` rounded half-up to hundredths, e.g. "8.33" (for people; never compared). */
  display: string;
}

/** An observer score that deviates from the task's combined score by more than `outlierPoints`. */
export interface Outlier {
  observer: Person;
  task: string;
  star: string;
  /** As entered by the observer. */
  score: number;
  combined: Fraction;
  combinedDisplay: string;
  /** |score − combined|, exact. */
  deviation: Fraction;
  deviationDisplay: string;
}

/** 软弱涣散: a weak branch is awarded nothing until its rectification (整顿) is closed. */
export interface WeakStatus {
  weak: boolean;
  weakRectificationClosed: boolean;
}

/** Rule flags a round may set. */
export interface AwardRules {
  /** The capstone star (支部过硬星) only together with every other star. Default true (DOMAIN.md). */
  capstoneRequiresAllOthers: boolean;
}

/** One review level's decision on a star, as recorded. */
export interface LevelDecision {
  level: ReviewStep;
  /** "乡镇审核" / "县级预审" / "市复核" / "省抽查". */
  label: string;
  status: 'approved' | 'not_approved' | 'missing';
  reviewer: Person | null;
  reasons: string[];
}

/** A veto found on one of the star's tasks, with the catalog's description. */
export interface VetoRecord {
  code: string;
  task: string;
  description: string;
  foundBy: Person;
  step: Step;
  note: string;
}

/**
 * How the capstone rule bore on a star: `not_capstone`; `off` (the flag is off: judged like any other
 * star); `met` (every other star awarded); `unmet` (some other star not awarded).
 */
export type CapstoneStatus = 'not_capstone' | 'off' | 'met' | 'unmet';

/** The decision record of one star. */
export interface StarRecord {
  star: string;
  name: string;
  capstone: boolean;
  claimed: boolean;
  /** One entry per review level the branch went through, in `REVIEW_STEPS` order. */
  reviews: LevelDecision[];
  approvedAtEveryLevel: boolean;
  /** The star's tasks, in catalog order, with their combined observation scores. */
  tasks: TaskObservation[];
  /** Sum of the tasks' combined scores, exact. */
  total: Fraction;
  totalDisplay: string;
  threshold: number;
  /** total ≥ threshold, compared exactly. */
  reachesThreshold: boolean;
  /** Every task of the star was scored by at least `rule.quorum` observers. */
  observationQuorumMet: boolean;
  vetoes: VetoRecord[];
  /** Weak branch with its rectification not closed. */
  weakBlocked: boolean;
  capstoneStatus: CapstoneStatus;
  /** Non-blocking notes (capstone rule, weak branch rectified). */
  notes: string[];
  /** Why the star was not awarded; empty exactly when awarded. */
  reasons: string[];
  awarded: boolean;
  /** One Chinese sentence explaining the decision. */
  why: string;
}

export interface AwardDecision {
  catalog: { id: string; version: number };
  /** Number of stars awarded. */
  level: number;
  /** Awarded star codes, in catalog order. */
  awardedStars: string[];
  /** Every star of the catalog, in catalog order. */
  stars: StarRecord[];
  outliers: Outlier[];
  observation: { rule: ObservationRule; observers: Person[]; quorumMet: boolean };
  weak: WeakStatus & { blocked: boolean };
  rules: AwardRules;
  /** One Chinese sentence for the whole branch. */
  why: string;
}
