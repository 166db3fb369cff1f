import { z } from 'zod';

/** The steps of one branch's yearly cycle, in order. */
export const STEPS = [
  'SELF_CHECK',
  'TOWNSHIP_REVIEW',
  'COUNTY_PRE_REVIEW',
  'ON_SITE_OBSERVATION',
  'CITY_RECHECK',
  'PROVINCE_SPOT_CHECK',
  'AWARD',
  'PUBLIC_NOTICE',
  'RECTIFICATION',
  'CLOSED',
] as const;
export const Step = z.enum(STEPS);
export type Step = z.infer<typeof Step>;

/**
 * The finding of a weak and lax branch's 整顿: it opens with the branch's cycle and runs beside its steps
 * (the stars wait for its close-out), so it does not move the branch into 限期整改.
 */
export const WEAK_BRANCH_FINDING_ID = 'F0';

/** The human steps every round runs (the default chain), each due as the round's schedule says. */
export const CORE_STEPS = [
  'SELF_CHECK',
  'TOWNSHIP_REVIEW',
  'COUNTY_PRE_REVIEW',
  'ON_SITE_OBSERVATION',
  'AWARD',
] as const;
export type CoreStep = (typeof CORE_STEPS)[number];

/** Steps that wait for a person's sign-off, in order: the core ones and those a chain template adds. */
export const HUMAN_STEPS = [
  'SELF_CHECK',
  'TOWNSHIP_REVIEW',
  'COUNTY_PRE_REVIEW',
  'ON_SITE_OBSERVATION',
  'CITY_RECHECK',
  'PROVINCE_SPOT_CHECK',
  'AWARD',
] as const;
export const HumanStep = z.enum(HUMAN_STEPS);
export type HumanStep = z.infer<typeof HumanStep>;

/** Steps signed with a review (per-star verdicts, or a return); the last two only when the chain has them. */
export const REVIEW_STEPS = [
  'TOWNSHIP_REVIEW',
  'COUNTY_PRE_REVIEW',
  'CITY_RECHECK',
  'PROVINCE_SPOT_CHECK',
] as const;
export type ReviewStep = (typeof REVIEW_STEPS)[number];
export const isReviewStep = (step: Step): step is ReviewStep =>
  (REVIEW_STEPS as readonly Step[]).includes(step);

export const STEP_LABELS: Record<Step, string> = {
  SELF_CHECK: '村自评',
  TOWNSHIP_REVIEW: '乡镇审核',
  COUNTY_PRE_REVIEW: '县级预审',
  ON_SITE_OBSERVATION: '现场观摩',
  CITY_RECHECK: '市复核',
  PROVINCE_SPOT_CHECK: '省抽查',
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
  'city_reviewer',
  'province_reviewer',
  'observer',
  'coordinator',
  'admin',
  'leader',
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = {
  village_secretary: '村（社区）党支部书记',
  township_reviewer: '乡镇审核人',
  county_reviewer: '县级审核人',
  city_reviewer: '市级审核人',
  province_reviewer: '省级审核人',
  observer: '观摩评分员',
  coordinator: '专班',
  admin: '系统管理员',
  leader: '领导（只读）',
};

/**
 * Who signs each human step, and at which level of the branch's jurisdiction path, in the default chain (a
 * round's chain template may widen observation and move the award up: `stepSigners` in permissions.ts).
 */
export const STEP_SIGNERS: Record<HumanStep, { role: Role; scope: Scope }> = {
  SELF_CHECK: { role: 'village_secretary', scope: 'branch' },
  TOWNSHIP_REVIEW: { role: 'township_reviewer', scope: 'township' },
  COUNTY_PRE_REVIEW: { role: 'county_reviewer', scope: 'county' },
  ON_SITE_OBSERVATION: { role: 'observer', scope: 'county' },
  CITY_RECHECK: { role: 'city_reviewer', scope: 'city' },
  PROVINCE_SPOT_CHECK: { role: 'province_reviewer', scope: 'province' },
  AWARD: { role: 'coordinator', scope: 'county' },
};

/** The levels of the tree (docs/hierarchy.md): a jurisdiction's level is its code's length. */
export const SCOPES = ['branch', 'township', 'county', 'city', 'province'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

/** Code length of each level: 12-digit branch, 9-digit township (or unit), 6 county, 4 city, 2 province. */
export const SCOPE_CODE_LENGTH: Record<Scope, number> = {
  branch: 12,
  township: 9,
  county: 6,
  city: 4,
  province: 2,
};

/** The level a jurisdiction code names, by its length (undefined for no level). */
export function scopeOf(code: string): Scope | undefined {
  return SCOPES.find((s) => SCOPE_CODE_LENGTH[s] === code.length);
}

export const SCOPE_LABELS: Record<Scope, string> = {
  branch: '支部',
  township: '乡镇',
  county: '县级',
  city: '市级',
  province: '省级',
};

/** Roles held at several levels; their title names the level (县级专班, 市级观摩评分员). */
const LEVELLED_ROLES: readonly Role[] = ['observer', 'coordinator', 'admin', 'leader'];

/** A role as held at a level: 县级专班, 省级领导（只读）, 乡镇审核人. */
export function roleTitle(role: Role, scope: Scope | undefined): string {
  return scope && LEVELLED_ROLES.includes(role)
    ? `${SCOPE_LABELS[scope]}${ROLE_LABELS[role]}`
    : ROLE_LABELS[role];
}
