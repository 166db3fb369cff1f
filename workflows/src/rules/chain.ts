import {
  CORE_STEPS,
  STEP_LABELS,
  type BranchState,
  type ChainTemplate,
  type CoreStep,
  type HumanStep,
  type SpotCheckDraw,
} from '@fivestar/contracts';
import type { Refusal } from './commands';
import { sha256Hex } from './sha256';

/**
 * The chain of a round's steps as its template says (contracts/src/round.ts `ChainTemplate`): which step
 * follows a signed one, given the stars the branch is put forward with, and the province's draw. Pure, so
 * the same inputs always walk the same chain.
 */

/** Steps only a template adds; their verdicts hold for the pass through them and go when it is redone. */
const TEMPLATE_STEPS = ['CITY_RECHECK', 'PROVINCE_SPOT_CHECK'] as const;

/**
 * A branch's draw for 省抽查: the first 13 hex digits of sha256("<seed>:<roundId>:<branchCode>") as a
 * fraction of 16^13, in [0, 1). Anyone can recompute it: `printf '%s' seed:round:branch | sha256sum`.
 */
export function spotCheckValue(seed: string, roundId: string, branchCode: string): number {
  return parseInt(sha256Hex(`${seed}:${roundId}:${branchCode}`).slice(0, 13), 16) / 16 ** 13;
}

const percent = (x: number) => `${Math.round(x * 10_000) / 100}%`;

/** Whether the province checks a branch put forward with `level` stars, and why: sampled when its draw < share. */
export function drawSpotCheck(
  rule: NonNullable<ChainTemplate['provinceSpotCheck']>,
  roundId: string,
  branchCode: string,
  level: number,
): SpotCheckDraw {
  const { minStars, share, seed } = rule;
  const base = { level, minStars, share };
  if (level < minStars) {
    return {
      ...base,
      draw: null,
      sampled: false,
      reason: `推荐${level}星，低于省抽查的${minStars}星，不在抽查范围`,
    };
  }
  const draw = spotCheckValue(seed, roundId, branchCode);
  const sampled = draw < share;
  const shown = draw.toFixed(6);
  return {
    ...base,
    draw,
    sampled,
    reason: sampled
      ? `抽签值${shown}小于抽查比例${percent(share)}，列入省抽查`
      : `抽签值${shown}不小于抽查比例${percent(share)}，未抽中`,
  };
}

export interface ChainContext {
  roundId: string;
  branchCode: string;
  /**
   * The stars the branch is put forward with as it stands (the award engine's level on the record so far),
   * asked only where the chain looks at it.
   */
  level: () => number;
}

/**
 * The human step after `signed` under `chain` (null after the award), and the spot-check draw taken on the
 * way, if the chain has one and the branch reached it.
 */
export function stepAfter(
  chain: ChainTemplate,
  signed: HumanStep,
  at: ChainContext,
): { next: HumanStep | null; draw: SpotCheckDraw | null } {
  if (signed === 'AWARD') return { next: null, draw: null };
  if (signed === 'PROVINCE_SPOT_CHECK') return { next: 'AWARD', draw: null };
  if (signed === 'ON_SITE_OBSERVATION' && chain.cityRecheck && at.level() >= chain.cityRecheck.minStars) {
    return { next: 'CITY_RECHECK', draw: null };
  }
  if (signed === 'ON_SITE_OBSERVATION' || signed === 'CITY_RECHECK') {
    const rule = chain.provinceSpotCheck;
    const draw = rule && drawSpotCheck(rule, at.roundId, at.branchCode, at.level());
    return { next: draw?.sampled ? 'PROVINCE_SPOT_CHECK' : 'AWARD', draw };
  }
  return { next: CORE_STEPS[CORE_STEPS.indexOf(signed as CoreStep) + 1]!, draw: null };
}

/** The template steps after `step`, whose verdicts a new pass through `step` makes stale. */
export function staleAfter(step: HumanStep): HumanStep[] {
  if (step === 'ON_SITE_OBSERVATION') return [...TEMPLATE_STEPS];
  if (step === 'CITY_RECHECK') return ['PROVINCE_SPOT_CHECK'];
  return [];
}

/** A return (退回, or an objection upheld) to a template step goes only to one this pass went through. */
export function returnRefusal(
  returnTo: HumanStep | undefined,
  reviews: BranchState['reviews'],
): Refusal | null {
  const templateStep = (TEMPLATE_STEPS as readonly string[]).includes(returnTo ?? '');
  if (!returnTo || !templateStep || reviews[returnTo as (typeof TEMPLATE_STEPS)[number]]) return null;
  return {
    type: 'Invalid',
    message: `该支部本轮未经过${STEP_LABELS[returnTo]}，不能退回到该环节`,
    field: 'returnTo',
  };
}
