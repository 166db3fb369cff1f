import { z } from 'zod';

/** The steps of one branch's yearly cycle, in order. */
export const STEPS = [
  'SELF_CHECK',
  'TOWNSHIP_REVIEW',
  'COUNTY_PRE_REVIEW',
  'ON_SITE_OBSERVATION',
  'AWARD',
  'PUBLIC_NOTICE',
  'RECTIFICATION',
  'CLOSED',
] as const;
export const Step = z.enum(STEPS);
export type Step = z.infer<typeof Step>;

/** Steps that wait for a person's sign-off. */
/**
 * The finding of a weak and lax branch's 整顿: it opens with the branch's cycle and runs beside its steps
 * (the stars wait for its close-out), so it does not move the branch into 限期整改.
 */
export const WEAK_BRANCH_FINDING_ID = 'F0';

export const HUMAN_STEPS = [
  'SELF_CHECK',
  'TOWNSHIP_REVIEW',
  'COUNTY_PRE_REVIEW',
  'ON_SITE_OBSERVATION',
  'AWARD',
] as const;
export const HumanStep = z.enum(HUMAN_STEPS);
export type HumanStep = z.infer<typeof HumanStep>;

export const STEP_LABELS: Record<Step, string> = {
  SELF_CHECK: '村自评',
  TOWNSHIP_REVIEW: '乡镇审核',
  COUNTY_PRE_REVIEW: '县级预审',
  ON_SITE_OBSERVATION: '现场观摩',
  AWARD: '授星',
  PUBLIC_NOTICE: '公示',
  RECTIFICATION: '限期整改',
  CLOSED: '已办结',
};

export function stepIndex(step: Step): number {
  return STEPS.indexOf(step);
}

export const ROLES = [
  'village_secretary',
  'township_reviewer',
  'county_reviewer',
  'observer',
  'coordinator',
  'admin',
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = {
  village_secretary: '村（社区）党支部书记',
  township_reviewer: '乡镇审核人',
  county_reviewer: '县级审核人',
  observer: '观摩评分员',
  coordinator: '县级专班',
  admin: '系统管理员',
};

/** Who must sign each human step, and at which level of the branch's jurisdiction path. */
export const STEP_SIGNERS: Record<HumanStep, { role: Role; scope: Scope }> = {
  SELF_CHECK: { role: 'village_secretary', scope: 'branch' },
  TOWNSHIP_REVIEW: { role: 'township_reviewer', scope: 'township' },
  COUNTY_PRE_REVIEW: { role: 'county_reviewer', scope: 'county' },
  ON_SITE_OBSERVATION: { role: 'observer', scope: 'county' },
  AWARD: { role: 'coordinator', scope: 'county' },
};

export const Scope = z.enum(['branch', 'township', 'county']);
export type Scope = z.infer<typeof Scope>;
