import type { Catalog } from '@fivestar/contracts';
import type {
  Fraction,
  ObservationRule,
  ObserverScore,
  Outlier,
  Person,
  TaskObservation,
} from '@fivestar/contracts';
export type { Fraction, ObserverScore, Outlier, Person, TaskObservation };

/**
 * On-site observation (现场观摩测评): a team of observers each fill in one score sheet; the round's
 * scoring rule combines the sheets per task. Pure and deterministic (runs inside Temporal workflows).
 *
 * Numbers are exact: observer scores are integers, and a combined score is a reduced rational
 * `{ num, den }` (a mean of 3 observers is a third of a point, never a binary float). Thresholds are
 * compared against the exact rational; `display` strings round half-up to hundredths for people only.
 */

/** One observer's sheet: an integer score per task code (tasks the observer did not score are absent). */
export interface ObserverSheet {
  observer: Person;
  scores: Record<string, number>;
}

export const SCORING_RULES = ['mean', 'median', 'trimmed_mean'] as const;
export type ScoringRuleKind = (typeof SCORING_RULES)[number];

/** How observer sheets combine: the round's `observation` setting. */
export type ScoringRule = ObservationRule;

export interface ObservationResult {
  rule: ScoringRule;
  /** Distinct observers, in sheet order. */
  observers: Person[];
  /** `quorumMet(sheets, rule)`: enough observers handed in a sheet. */
  quorumMet: boolean;
  /** Every task of the catalog, in catalog order. */
  tasks: TaskObservation[];
  /** By task (catalog order), then observer (sheet order). */
  outliers: Outlier[];
}

/** Thrown for inputs the rules cannot judge (unknown codes, malformed scores); lists every problem. */
export class AwardInputError extends Error {
  override readonly name = 'AwardInputError';
  constructor(readonly problems: string[]) {
    super(`评星输入无效：${problems.join('；')}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Exact rationals (BigInt inside, safe-integer numbers outside)

function bigGcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function toFraction(num: bigint, den: bigint): Fraction {
  if (den <= 0n) throw new RangeError('分母必须为正数');
  const g = bigGcd(num, den) || 1n;
  const n = Number(num / g);
  const d = Number(den / g);
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d)) throw new RangeError('分数超出安全整数范围');
  return { num: n, den: d };
}

/** The reduced fraction num/den (den ≥ 1; num and den integers). */
export function fraction(num: number, den = 1): Fraction {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) throw new RangeError('分子分母须为整数');
  return toFraction(BigInt(num), BigInt(den));
}

export function addFractions(...fs: Fraction[]): Fraction {
  let num = 0n;
  let den = 1n;
  for (const f of fs) {
    num = num * BigInt(f.den) + BigInt(f.num) * den;
    den *= BigInt(f.den);
    const g = bigGcd(num, den) || 1n;
    num /= g;
    den /= g;
  }
  return toFraction(num, den);
}

/** −1, 0 or 1 as a is less than, equal to or greater than b — exactly. */
export function compareFractions(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const l = BigInt(a.num) * BigInt(b.den);
  const r = BigInt(b.num) * BigInt(a.den);
  return l < r ? -1 : l > r ? 1 : 0;
}

/** |a − b|, exact. */
export function fractionDistance(a: Fraction, b: Fraction): Fraction {
  const d = BigInt(a.num) * BigInt(b.den) - BigInt(b.num) * BigInt(a.den);
  return toFraction(d < 0n ? -d : d, BigInt(a.den) * BigInt(b.den));
}

/** The fraction in integer hundredths, rounded half-up (for display: 2/3 → 67, 1/8 → 13). */
export function toHundredths(f: Fraction): number {
  const num = BigInt(f.num);
  const den = BigInt(f.den);
  // floor(x·100 + 1/2), written so that negative values also round half-up (towards +∞).
  const twice = 200n * num + den;
  const q = twice / (2n * den);
  const floor = twice % (2n * den) < 0n ? q - 1n : q;
  return Number(floor);
}

/** "8.33": the fraction rounded half-up to two decimals. */
export function formatFraction(f: Fraction): string {
  const h = toHundredths(f);
  const sign = h < 0 ? '-' : '';
  const abs = Math.abs(h);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------
// Combining sheets

/** Problems with a scoring rule (empty when valid). */
export function scoringRuleProblems(rule: ScoringRule): string[] {
  const problems: string[] = [];
  if (!(SCORING_RULES as readonly string[]).includes(rule.rule))
    problems.push(`计分规则 ${String(rule.rule)} 不存在（应为 ${SCORING_RULES.join('、')}）`);
  if (!Number.isSafeInteger(rule.quorum) || rule.quorum < 1)
    problems.push(`法定人数 ${String(rule.quorum)} 应为不小于1的整数`);
  if (!Number.isSafeInteger(rule.outlierPoints) || rule.outlierPoints < 0)
    problems.push(`离群分差 ${String(rule.outlierPoints)} 应为不小于0的整数`);
  return problems;
}

/** Problems with the sheets against the catalog (empty when valid). */
export function sheetProblems(catalog: Catalog, sheets: readonly ObserverSheet[]): string[] {
  const problems: string[] = [];
  const tasks = new Set(catalog.stars.flatMap((s) => s.tasks.map((t) => t.code)));
  const seen = new Set<string>();
  sheets.forEach((sheet, i) => {
    const who = sheet.observer?.name || sheet.observer?.userId || `第${i + 1}张评分表`;
    if (typeof sheet.observer?.userId !== 'string' || sheet.observer.userId === '')
      problems.push(`第${i + 1}张评分表缺少观摩人`);
    else if (seen.has(sheet.observer.userId)) problems.push(`观摩人 ${who} 提交了多张评分表`);
    else seen.add(sheet.observer.userId);
    for (const [task, score] of Object.entries(sheet.scores ?? {})) {
      if (!tasks.has(task)) problems.push(`${who} 的评分表中任务代码 ${task} 不存在`);
      else if (!Number.isSafeInteger(score) || score < 0)
        problems.push(`${who} 对 ${task} 的评分 ${String(score)} 应为非负整数`);
    }
  });
  return problems;
}

function check(problems: string[]): void {
  if (problems.length > 0) throw new AwardInputError(problems);
}

/**
 * Whether enough observers handed in a sheet: distinct observers ≥ `rule.quorum`. With `requiredTasks`,
 * only sheets that score every one of those tasks count (e.g. the claimed stars' tasks).
 */
export function quorumMet(
  sheets: readonly ObserverSheet[],
  rule: ScoringRule,
  requiredTasks: readonly string[] = [],
): boolean {
  check(scoringRuleProblems(rule));
  const complete = new Set(
    sheets
      .filter((s) => requiredTasks.every((t) => Object.prototype.hasOwnProperty.call(s.scores, t)))
      .map((s) => s.observer.userId),
  );
  return complete.size >= rule.quorum;
}

/** Combines integer scores by the rule, exactly. An empty list combines to 0. */
export function combineScores(scores: readonly number[], rule: ScoringRuleKind): Fraction {
  const sorted = [...scores].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return fraction(0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  switch (rule) {
    case 'mean':
      return fraction(sum(sorted), n);
    case 'median': {
      const mid = Math.floor(n / 2);
      return n % 2 === 1 ? fraction(sorted[mid]!) : fraction(sorted[mid - 1]! + sorted[mid]!, 2);
    }
    case 'trimmed_mean':
      return n < 3 ? fraction(sum(sorted), n) : fraction(sum(sorted.slice(1, -1)), n - 2);
  }
}

/**
 * Combines the observers' sheets per task by the round's rule. Each observer score counts at most the
 * task's points, so a combined score never exceeds them. Throws `AwardInputError` on an invalid rule,
 * an unknown task code, a score that is not a non-negative integer, or two sheets from one observer.
 */
export function combineObservation(
  catalog: Catalog,
  sheets: readonly ObserverSheet[],
  rule: ScoringRule,
): ObservationResult {
  check([...scoringRuleProblems(rule), ...sheetProblems(catalog, sheets)]);
  const tasks: TaskObservation[] = [];
  const outliers: Outlier[] = [];
  const limit = fraction(rule.outlierPoints);
  for (const star of catalog.stars) {
    for (const task of star.tasks) {
      const scores: ObserverScore[] = [];
      for (const sheet of sheets) {
        if (!Object.prototype.hasOwnProperty.call(sheet.scores, task.code)) continue;
        const score = sheet.scores[task.code]!;
        scores.push({ observer: person(sheet.observer), score, counted: Math.min(score, task.points) });
      }
      const combined = combineScores(
        scores.map((s) => s.counted),
        rule.rule,
      );
      const display = formatFraction(combined);
      tasks.push({
        task: task.code,
        star: star.code,
        points: task.points,
        scores,
        scoredBy: scores.length,
        quorumMet: scores.length >= rule.quorum,
        combined,
        display,
      });
      for (const s of scores) {
        const deviation = fractionDistance(fraction(s.score), combined);
        if (compareFractions(deviation, limit) > 0) {
          outliers.push({
            observer: s.observer,
            task: task.code,
            star: star.code,
            score: s.score,
            combined,
            combinedDisplay: display,
            deviation,
            deviationDisplay: formatFraction(deviation),
          });
        }
      }
    }
  }
  return {
    rule: { rule: rule.rule, quorum: rule.quorum, outlierPoints: rule.outlierPoints },
    observers: sheets.map((s) => person(s.observer)),
    quorumMet: quorumMet(sheets, rule),
    tasks,
    outliers,
  };
}

/** A plain copy (records never alias the caller's objects). */
function person(p: Person): Person {
  return { userId: p.userId, name: p.name };
}
