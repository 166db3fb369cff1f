import { z } from 'zod';
import { Role, Scope, SCOPE_CODE_LENGTH } from './cycle';

/**
 * Administrative division codes: 2-digit province, 4-digit city, 6-digit county, 9-digit township (or unit),
 * 12-digit village/community (docs/hierarchy.md). A code's prefixes are its ancestors, so "inside a
 * jurisdiction" is a prefix test.
 */
export const ProvinceCode = z.string().regex(/^\d{2}$/, '省级代码应为2位数字');
export const CityCode = z.string().regex(/^\d{4}$/, '市级代码应为4位数字');
export const CountyCode = z.string().regex(/^\d{6}$/, '县级代码应为6位数字');
export const TownshipCode = z.string().regex(/^\d{9}$/, '乡镇代码应为9位数字');
export const BranchCode = z.string().regex(/^\d{12}$/, '支部代码应为12位数字');
export const JurisdictionCode = z
  .string()
  .regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, '辖区代码应为2、4、6、9或12位数字');

/** What runs or ranks a round's figures: the province (2 digits), a city (4) or a county (6). */
export const DivisionCode = z
  .string()
  .regex(/^(\d{2}|\d{4}|\d{6})$/, '地区代码应为2位（省）、4位（市）或6位（县）数字');

export const BranchType = z.enum(['rural', 'urban', 'organ', 'enterprise']);
export type BranchType = z.infer<typeof BranchType>;

export const Branch = z.object({
  code: BranchCode,
  name: z.string().min(1).max(100),
  type: BranchType,
  townshipCode: TownshipCode,
  countyCode: CountyCode,
  weak: z.boolean().default(false),
});
export type Branch = z.infer<typeof Branch>;

/** A place in the township slot: a township or street (乡镇/街道), or a unit (单位) holding organ and enterprise branches. */
export const TownshipKind = z.enum(['township', 'unit']);
export type TownshipKind = z.infer<typeof TownshipKind>;

export const Township = z.object({
  code: TownshipCode,
  name: z.string().min(1),
  countyCode: CountyCode,
  /** Absent: a township. */
  kind: TownshipKind.optional(),
});
export type Township = z.infer<typeof Township>;

const PlaceName = z.string().trim().min(1).max(100);
export const Province = z.object({ code: ProvinceCode, name: PlaceName });
export type Province = z.infer<typeof Province>;
export const City = z.object({ code: CityCode, name: PlaceName });
export type City = z.infer<typeof City>;
export const County = z.object({ code: CountyCode, name: z.string().min(1) });
export type County = z.infer<typeof County>;

/** The county of a directory import: without a name the stored one is kept (a new county needs one). */
export const ImportCounty = County.extend({ name: County.shape.name.optional() });
export type ImportCounty = z.infer<typeof ImportCounty>;
/** The province or city an import is of, the same way. */
export const ImportProvince = Province.extend({ name: PlaceName.optional() });
export const ImportCity = City.extend({ name: PlaceName.optional() });

/** The levels of the directory: 省, 市, 县, 乡镇 (or 单位), 支部 (村/社区). */
export const PlaceLevel = z.enum(['province', 'city', 'county', 'township', 'branch']);
export type PlaceLevel = z.infer<typeof PlaceLevel>;
export const PLACE_LABELS: Record<PlaceLevel, string> = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡镇',
  branch: '支部',
};

/**
 * What a 6-digit row of the county table is (docs/hierarchy.md): a county, or the own level of a city
 * (`xxxx00`, 市直) or of the province (`xx0000`, 省直), holding the units that level runs.
 */
export type CountyLevel = 'county' | 'city' | 'province';
export function countyLevel(code: string): CountyLevel {
  if (code.endsWith('0000')) return 'province';
  return code.endsWith('00') ? 'city' : 'county';
}

/** The 6-digit code of a city's or province's own level (市直 `411000`, 省直 `410000`). */
export const ownLevelCode = (code: string) => code.padEnd(6, '0');

/** A change of the directory as kept in its history (区划调整): so far a rename, with who and when. */
export const DirectoryChange = z.object({
  id: z.number().int(),
  /** null: a city's or the province's change. */
  countyCode: CountyCode.nullable(),
  level: PlaceLevel,
  code: z.string(),
  kind: z.literal('rename'),
  from: z.string(),
  to: z.string(),
  changedBy: z.string(),
  changedAt: z.iso.datetime(),
});
export type DirectoryChange = z.infer<typeof DirectoryChange>;

/** A set of people: everyone holding `role` over `jurisdiction`. Tasks and notices go to groups. */
export const CandidateGroup = z.object({ role: Role, jurisdiction: JurisdictionCode });
export type CandidateGroup = z.infer<typeof CandidateGroup>;

export function scopeCode(
  branch: Pick<Branch, 'code' | 'townshipCode' | 'countyCode'>,
  scope: Scope,
): string {
  if (scope === 'branch') return branch.code;
  if (scope === 'township') return branch.townshipCode;
  if (scope === 'county') return branch.countyCode;
  return branch.countyCode.slice(0, SCOPE_CODE_LENGTH[scope]);
}

export function groupFor(
  branch: Pick<Branch, 'code' | 'townshipCode' | 'countyCode'>,
  role: Role,
  scope: Scope,
): CandidateGroup {
  return { role, jurisdiction: scopeCode(branch, scope) };
}

/** True when `target` (any code) lies inside `jurisdiction`. */
export function within(jurisdiction: string, target: string): boolean {
  return target.startsWith(jurisdiction);
}

/** True when one code lies inside the other: a county's users at any level, and the levels above it. */
export function related(a: string, b: string): boolean {
  return within(a, b) || within(b, a);
}

/** The actor of a command, as the API authenticated it. */
export const Actor = z.object({
  userId: z.string().min(1),
  name: z.string(),
  role: Role,
  jurisdiction: JurisdictionCode,
});
export type Actor = z.infer<typeof Actor>;

/** PATCH /counties/:countyCode/townships/:townshipCode (and …/branches/:branchCode): the new name. */
export const RenamePlaceRequest = z.object({ name: z.string().trim().min(1).max(100) });
export type RenamePlaceRequest = z.infer<typeof RenamePlaceRequest>;
export const CountyTownshipPath = z.object({ countyCode: CountyCode, townshipCode: TownshipCode });
export const CountyBranchPath = z.object({ countyCode: CountyCode, branchCode: BranchCode });

/** The answer to a rename: the place as it is now; `change` is null when it had that name already. */
export const PlaceRenamed = z.object({
  code: z.string(),
  name: z.string(),
  change: DirectoryChange.nullable(),
  /** Directory events published (the branches that carry the name). */
  published: z.number().int(),
});
export type PlaceRenamed = z.infer<typeof PlaceRenamed>;

/** GET /counties/:countyCode/directory-changes: the county's directory history, oldest first. */
export const DirectoryChanges = z.object({ countyCode: CountyCode, items: z.array(DirectoryChange) });
export type DirectoryChanges = z.infer<typeof DirectoryChanges>;
