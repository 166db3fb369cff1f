import { z } from 'zod';
import {
  Actor,
  Branch,
  ImportCity,
  ImportCounty,
  ImportProvince,
  JurisdictionCode,
  PlaceLevel,
  Township,
} from './directory';
import { Role, scopeOf, type Scope } from './cycle';

/** Identity: sessions, API tokens and user administration (HTTP bodies; see docs/security.md). */

/** The levels of jurisdiction each role may be held at (docs/hierarchy.md). */
const STEERING: readonly Scope[] = ['province', 'city', 'county', 'township'];
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  village_secretary: ['branch'],
  township_reviewer: ['township'],
  county_reviewer: ['county'],
  city_reviewer: ['city'],
  province_reviewer: ['province'],
  observer: STEERING,
  coordinator: STEERING,
  admin: STEERING,
  leader: STEERING,
};

/** True when `jurisdiction` is a code of a level `role` may be held at (a secretary holds a branch). */
export const jurisdictionFits = (role: Role, jurisdiction: string) => {
  const scope = scopeOf(jurisdiction);
  return scope !== undefined && ROLE_SCOPES[role].includes(scope);
};

export const Username = z.string().regex(/^[A-Za-z0-9._@-]{3,64}$/, '用户名应为3到64位字母、数字或 . _ @ -');
/** The password policy: at least 10 characters. */
export const NewPassword = z.string().min(10, '密码至少10位').max(200, '密码至多200位');

/** Login and refresh answer the same: a short-lived access token and the next refresh token. */
export const SessionTokens = z.object({
  token: z.string(),
  refreshToken: z.string(),
  /** Seconds the access token lives. */
  expiresIn: z.number().int(),
  user: Actor,
});
export type SessionTokens = z.infer<typeof SessionTokens>;

export const RefreshRequest = z.object({ refreshToken: z.string().min(1).max(200) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const ChangePasswordRequest = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: NewPassword })
  .refine((b) => b.newPassword !== b.currentPassword, {
    path: ['newPassword'],
    message: '新密码不能与当前密码相同',
  });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** `read` allows GET; `write` allows commands (every other method). */
export const ApiTokenScope = z.enum(['read', 'write']);
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

export const CreateApiTokenRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(ApiTokenScope)
    .min(1, '至少一个权限范围')
    .max(2)
    .refine((s) => new Set(s).size === s.length, '权限范围不能重复'),
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

export const ApiTokenPath = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, '令牌编号无效') });

/** An API token as listed (never its secret). */
export const ApiTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(ApiTokenScope),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;
/** The answer to creating one: the secret, shown this once. */
export const CreatedApiToken = ApiTokenInfo.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const UsersQuery = z.object({
  role: Role.optional(),
  jurisdiction: JurisdictionCode.optional(),
});
export const UsernamePath = z.object({ username: Username });

/** A user as the administration sees it. */
export const UserInfo = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role: Role,
  jurisdiction: z.string(),
  active: z.boolean(),
});
export type UserInfo = z.infer<typeof UserInfo>;

const UserName = z.string().trim().min(1).max(100);

export const CreateUserRequest = z
  .object({
    username: Username,
    name: UserName,
    role: Role,
    jurisdiction: JurisdictionCode,
    password: NewPassword,
  })
  .refine((u) => jurisdictionFits(u.role, u.jurisdiction), {
    path: ['jurisdiction'],
    message: '辖区层级与角色不符',
  });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** Disable/enable, rename, re-scope (role and jurisdiction); at least one field. */
export const UpdateUserRequest = z
  .object({ active: z.boolean(), name: UserName, role: Role, jurisdiction: JurisdictionCode })
  .partial()
  .refine((u) => Object.keys(u).length > 0, '至少修改一项');
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** One user row of a directory file; `id` defaults to `u-<username>` (as the demo directory has it). */
export const DirectoryFileUser = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,80}$/)
      .optional(),
    username: Username,
    name: UserName,
    role: Role,
    jurisdiction: JurisdictionCode,
    active: z.boolean().default(true),
    password: NewPassword.optional(),
  })
  .refine((u) => jurisdictionFits(u.role, u.jurisdiction), {
    path: ['jurisdiction'],
    message: '辖区层级与角色不符',
  });
export type DirectoryFileUser = z.infer<typeof DirectoryFileUser>;

/**
 * The directory file as imported by an administrator: of a province (its cities, counties, townships,
 * units, branches and users), of a city, or of a county (the shape load-demo writes). Exactly one of
 * `province`, `city`, `county` names what the file is of; every place and user must lie inside it. User
 * rows are checked one by one (each gets its own result), so they are taken as they come here. A new user
 * without a `password` gets `initialPassword`; an existing user's password is left alone unless
 * `resetPasswords`.
 */
export const DirectoryImportRequest = z
  .object({
    province: ImportProvince.optional(),
    city: ImportCity.optional(),
    county: ImportCounty.optional(),
    cities: z.array(ImportCity).max(100).default([]),
    counties: z.array(ImportCounty).max(1000).default([]),
    townships: z.array(Township).max(20000).default([]),
    branches: z.array(Branch).max(100000).default([]),
    users: z.array(z.unknown()).min(1, '至少要有一个用户').max(200000),
    initialPassword: NewPassword.optional(),
    resetPasswords: z.boolean().default(false),
  })
  .refine((b) => [b.province, b.city, b.county].filter(Boolean).length === 1, {
    path: ['county'],
    message: '应恰好给出省、市、县之一，说明导入的是哪一级的目录',
  });
export type DirectoryImportRequest = z.infer<typeof DirectoryImportRequest>;

/** The place a directory file is of: its province, city or county (the request's refinement makes it one). */
export function importRoot(body: Pick<DirectoryImportRequest, 'province' | 'city' | 'county'>): {
  level: 'province' | 'city' | 'county';
  code: string;
  name?: string;
} {
  if (body.province) return { level: 'province', ...body.province };
  if (body.city) return { level: 'city', ...body.city };
  return { level: 'county', ...body.county! };
}

export const ImportOutcome = z.enum(['created', 'updated', 'unchanged', 'rejected']);
export type ImportOutcome = z.infer<typeof ImportOutcome>;
export const ImportRowResult = z.object({
  row: z.number().int(),
  username: z.string().nullable(),
  outcome: ImportOutcome,
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ImportRowResult = z.infer<typeof ImportRowResult>;

const ImportOutcomeCounts = z.record(ImportOutcome, z.number().int());

/** New and already known townships or branches of a directory file. */
const PlaceCounts = z.object({ created: z.number().int(), existing: z.number().int() });

/** The answer to a directory import, or to its dry run (`dryRun`: checked in full, nothing stored). */
export const DirectoryImportResult = z.object({
  dryRun: z.boolean(),
  /** The code of the province, city or county the file is of. */
  root: z.string(),
  cities: PlaceCounts,
  counties: PlaceCounts,
  townships: PlaceCounts,
  branches: PlaceCounts,
  /** The places whose stored name the file changes (none when it leaves the names as they are). */
  renamed: z.array(z.object({ level: PlaceLevel, code: z.string(), from: z.string(), to: z.string() })),
  results: z.array(ImportRowResult),
  summary: ImportOutcomeCounts,
  /** Events published: none in a dry run. */
  published: z.number().int(),
});
export type DirectoryImportResult = z.infer<typeof DirectoryImportResult>;

/**
 * POST /admin/areas: onboards a city or county (开通) with its first administrator — by the province's
 * administrator (a city or county) or a city's (a county of the city). A place the directory holds already
 * (imported) keeps its name unless `name` differs, which renames it.
 */
export const OnboardAreaRequest = z.object({
  code: z.string().regex(/^(\d{4}|\d{6})$/, '市级代码应为4位、县级代码应为6位数字'),
  name: z.string().trim().min(1, '名称不能为空').max(100, '名称至多100字'),
  admin: z.object({ username: Username, name: UserName, password: NewPassword }),
});
export type OnboardAreaRequest = z.infer<typeof OnboardAreaRequest>;

export const AreaOnboarded = z.object({
  level: PlaceLevel,
  code: z.string(),
  name: z.string(),
  /** False when the directory held the place already. */
  created: z.boolean(),
  admin: UserInfo,
});
export type AreaOnboarded = z.infer<typeof AreaOnboarded>;
