import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import {
  PlaceLevel,
  scopeOf,
  type Branch,
  type BranchPageRequest,
  type DirectoryChange,
  type Role,
  type Township,
} from '@fivestar/contracts';
import { refuse } from '../refusal';
import type { ApiDatabase } from '../schema';

type Db = Kysely<ApiDatabase>;

export interface DirectoryUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  jurisdiction: string;
  active: boolean;
}

export function toBranch(row: ApiDatabase['branches']): Branch {
  return {
    code: row.code,
    name: row.name,
    type: row.type,
    townshipCode: row.township_code,
    countyCode: row.county_code,
    weak: row.weak,
  };
}

export async function findBranch(db: Db, code: string): Promise<Branch | undefined> {
  const row = await db.selectFrom('branches').selectAll().where('code', '=', code).executeTakeFirst();
  return row && toBranch(row);
}

/**
 * Rows of a ledger (tasks, the 台账) with their branch's name from the directory, in one query for the
 * page: the services keep branch codes only. A row without a branch, or a code no longer in the
 * directory, gets null.
 */
export async function withBranchNames<T extends { branchId: string | null }>(
  db: Db,
  rows: T[],
): Promise<(T & { branchName: string | null })[]> {
  const codes = [...new Set(rows.flatMap((r) => (r.branchId ? [r.branchId] : [])))];
  const found =
    codes.length === 0
      ? []
      : await db.selectFrom('branches').select(['code', 'name']).where('code', 'in', codes).execute();
  const names = new Map(found.map((b) => [b.code, b.name]));
  return rows.map((r) => ({ ...r, branchName: (r.branchId && names.get(r.branchId)) || null }));
}

/** Keyset page of a county's branches by code, of some of its townships if named (the round launcher's source). */
export async function branchPage(
  db: Db,
  { countyCode, townshipCodes, after, limit }: BranchPageRequest & { limit: number },
): Promise<{ branches: Branch[]; next: string | null }> {
  let q = db.selectFrom('branches').selectAll().where('county_code', '=', countyCode);
  if (townshipCodes) q = q.where('township_code', 'in', townshipCodes);
  if (after) q = q.where('code', '>', after);
  const rows = await q
    .orderBy('code')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map(toBranch);
  return { branches: page, next: rows.length > limit ? page[page.length - 1]!.code : null };
}

/** Rows per multi-row upsert: a province's 52,000 branches go in a few dozen statements. */
const UPSERT_CHUNK = 1000;

async function upsertRows<T extends 'provinces' | 'cities' | 'counties' | 'townships' | 'branches'>(
  db: Db,
  table: T,
  rows: Insertable<ApiDatabase[T]>[],
  update: readonly (keyof ApiDatabase[T] & string)[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + UPSERT_CHUNK) as never)
      .onConflict((oc) =>
        oc
          .column('code' as never)
          .doUpdateSet(Object.fromEntries(update.map((c) => [c, sql.ref(`excluded.${c}`)])) as never),
      )
      .execute();
  }
}

/** The places of a directory file above the township, as upserted: a place given without a name keeps its. */
export interface UpperPlaces {
  provinces: { code: string; name?: string }[];
  cities: { code: string; name?: string }[];
  counties: { code: string; name?: string }[];
}

/** Inserts or renames provinces, cities and counties; one given without a name is left as stored. */
export async function upsertUpperPlaces(db: Db, places: UpperPlaces): Promise<void> {
  const named = <P extends { code: string; name?: string }>(ps: P[]) =>
    ps.flatMap((p) => (p.name === undefined ? [] : [{ code: p.code, name: p.name }]));
  await upsertRows(db, 'provinces', named(places.provinces), ['name']);
  await upsertRows(db, 'cities', named(places.cities), ['name']);
  await upsertRows(db, 'counties', named(places.counties), ['name']);
}

export async function upsertTownships(db: Db, townships: Township[]): Promise<void> {
  const rows = townships.map((t) => ({
    code: t.code,
    name: t.name,
    county_code: t.countyCode,
    kind: t.kind ?? 'township',
  }));
  await upsertRows(db, 'townships', rows, ['name', 'county_code', 'kind']);
}

export async function upsertBranches(db: Db, branches: Branch[]): Promise<void> {
  const rows = branches.map((b) => ({
    code: b.code,
    name: b.name,
    type: b.type,
    township_code: b.townshipCode,
    county_code: b.countyCode,
    weak: b.weak,
  }));
  await upsertRows(db, 'branches', rows, ['name', 'type', 'township_code', 'county_code', 'weak']);
}

/** Inserts a user with its password hash, or updates name/role/jurisdiction/active (never the password). */
export async function upsertUser(
  db: Db,
  u: DirectoryUser,
  passwordHash: () => Promise<string>,
): Promise<void> {
  const existing = await db.selectFrom('users').select('id').where('id', '=', u.id).executeTakeFirst();
  if (existing) {
    await db
      .updateTable('users')
      .set({
        name: u.name,
        role: u.role,
        jurisdiction: u.jurisdiction,
        active: u.active,
        username: u.username,
      })
      .where('id', '=', u.id)
      .execute();
    return;
  }
  await db
    .insertInto('users')
    .values({ ...u, password_hash: await passwordHash() })
    .execute();
}

export interface CountyDirectory {
  /** The county's province and city, where the directory should name them. */
  province?: { code: string; name: string };
  city?: { code: string; name: string };
  county: { code: string; name: string };
  townships: Township[];
  branches: Branch[];
  users: DirectoryUser[];
}

/** Writes a county's directory (upserts, one transaction), announcing nothing. */
export async function writeDirectory(
  db: Db,
  dir: CountyDirectory,
  passwordHash: () => Promise<string>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await upsertUpperPlaces(trx, {
      provinces: dir.province ? [dir.province] : [],
      cities: dir.city ? [dir.city] : [],
      counties: [dir.county],
    });
    await upsertTownships(trx, dir.townships);
    await upsertBranches(trx, dir.branches);
    for (const u of dir.users) await upsertUser(trx, u, passwordHash);
  });
}

/** Whether the directory holds the county. */
export async function countyExists(db: Db, code: string): Promise<boolean> {
  return !!(await db.selectFrom('counties').select('code').where('code', '=', code).executeTakeFirst());
}

/** The county's townships with their branch counts, by code. */
export async function countyTownships(db: Db, countyCode: string) {
  return db
    .selectFrom('townships as t')
    .leftJoin('branches as b', 'b.township_code', 't.code')
    .select(['t.code', 't.name', sql<number>`count(b.code)::int`.as('branches')])
    .where('t.county_code', '=', countyCode)
    .groupBy(['t.code', 't.name'])
    .orderBy('t.code')
    .execute();
}

/** The county's branches, by code. */
export async function countyBranches(db: Db, countyCode: string) {
  return db
    .selectFrom('branches')
    .select(['code', 'name', 'township_code as townshipCode', 'type'])
    .where('county_code', '=', countyCode)
    .orderBy('code')
    .execute();
}

/** Those of `codes` that are townships of the county. */
export async function townshipsOf(db: Db, countyCode: string, codes: string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('townships')
    .select('code')
    .where('county_code', '=', countyCode)
    .where('code', 'in', codes)
    .execute();
  return new Set(rows.map((r) => r.code));
}

/** The name of a province, city, county or township code; undefined for others or unknown ones. */
export async function divisionName(db: Db, code: string): Promise<string | undefined> {
  const scope = scopeOf(code);
  if (!scope || scope === 'branch') return undefined;
  const table = PLACE_TABLES[scope];
  return (await db.selectFrom(table).select('name').where('code', '=', code).executeTakeFirst())?.name;
}

/** The active users of `ids` (unknown or disabled ones left out). */
export async function activeUsers(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'jurisdiction'])
    .where('id', 'in', ids)
    .where('active', '=', true)
    .execute();
}

/**
 * The area's branches (a code prefix: a county, a city, the province) with the names of their township,
 * county, city and province (null where the directory holds no such row: a county imported on its own).
 */
export async function areaBranches(db: Db, areaCode: string) {
  const rows = await db
    .selectFrom('branches as b')
    .innerJoin('townships as t', 't.code', 'b.township_code')
    .innerJoin('counties as c', 'c.code', 'b.county_code')
    .leftJoin('cities as ci', (j) => j.on('ci.code', '=', sql<string>`left(b.code, 4)`))
    .leftJoin('provinces as p', (j) => j.on('p.code', '=', sql<string>`left(b.code, 2)`))
    .selectAll('b')
    .select([
      't.name as township_name',
      'c.name as county_name',
      'ci.name as city_name',
      'p.name as province_name',
    ])
    .where('b.code', 'like', `${areaCode}%`)
    .orderBy('b.code')
    .execute();
  return rows.map((r) => ({
    ...toBranch(r),
    names: { township: r.township_name, county: r.county_name, city: r.city_name, province: r.province_name },
  }));
}

/** The users of an area, at any level inside it. */
export async function areaUsers(db: Db, areaCode: string) {
  return db.selectFrom('users').selectAll().where('jurisdiction', 'like', `${areaCode}%`).execute();
}

/** A place whose stored name a change replaces. */
export interface Rename {
  level: PlaceLevel;
  code: string;
  from: string;
  to: string;
}

/** The table of each level's places. */
export const PLACE_TABLES = {
  branch: 'branches',
  township: 'townships',
  county: 'counties',
  city: 'cities',
  province: 'provinces',
} as const;

/** The places of a directory file whose stored name it changes (a place given without a name keeps its). */
export async function renamesIn(
  db: Db,
  file: UpperPlaces & { townships: Township[]; branches: Branch[] },
): Promise<Rename[]> {
  const named = {
    province: file.provinces,
    city: file.cities,
    county: file.counties,
    township: file.townships,
    branch: file.branches,
  };
  const renames: Rename[] = [];
  for (const level of PlaceLevel.options) {
    const wanted = new Map(
      named[level].flatMap((p) => (p.name === undefined ? [] : [[p.code, p.name] as const])),
    );
    const codes = [...wanted.keys()];
    for (let i = 0; i < codes.length; i += UPSERT_CHUNK) {
      const stored = await db
        .selectFrom(PLACE_TABLES[level])
        .select(['code', 'name'])
        .where('code', 'in', codes.slice(i, i + UPSERT_CHUNK))
        .orderBy('code')
        .execute();
      for (const { code, name } of stored) {
        const to = wanted.get(code)!;
        if (to !== name) renames.push({ level, code, from: name, to });
      }
    }
  }
  return renames;
}

/** The county a place of `level` belongs to: none for a city or the province. */
const countyOfPlace = (level: PlaceLevel, code: string) =>
  level === 'province' || level === 'city' ? null : code.slice(0, 6);

const toChange = (row: Selectable<ApiDatabase['directory_changes']>): DirectoryChange => ({
  id: Number(row.id),
  countyCode: row.county_code,
  level: row.level,
  code: row.code,
  kind: row.kind,
  from: row.from_name,
  to: row.to_name,
  changedBy: row.changed_by,
  changedAt: row.changed_at.toISOString(),
});

/** Keeps renames in the directory's history, in the transaction that makes them. */
export async function recordRenames(
  db: Db,
  renames: Rename[],
  changedBy: string,
): Promise<DirectoryChange[]> {
  if (!renames.length) return [];
  const rows = await db
    .insertInto('directory_changes')
    .values(
      renames.map((r) => ({
        county_code: countyOfPlace(r.level, r.code),
        level: r.level,
        code: r.code,
        kind: 'rename' as const,
        from_name: r.from,
        to_name: r.to,
        changed_by: changedBy,
      })),
    )
    .returningAll()
    .execute();
  return rows.map(toChange);
}

/**
 * Renames a township or branch of the county and keeps the old name in the history; null when it has
 * that name already. Its code stays: rounds, standings and the audit name it by code.
 */
export async function renamePlace(
  db: Db,
  place: { countyCode: string; level: 'township' | 'branch'; code: string },
  name: string,
  changedBy: string,
): Promise<DirectoryChange | null> {
  const { countyCode, level, code } = place;
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom(PLACE_TABLES[level])
      .select('name')
      .where('code', '=', code)
      .where('county_code', '=', countyCode)
      .forUpdate()
      .executeTakeFirst();
    if (!current)
      throw refuse('not_found', `${level === 'township' ? '乡镇' : '支部'} ${code} 不在本县目录中`);
    if (current.name === name) return null;
    await trx.updateTable(PLACE_TABLES[level]).set({ name }).where('code', '=', code).execute();
    const [change] = await recordRenames(trx, [{ level, code, from: current.name, to: name }], changedBy);
    return change!;
  });
}

/** The county's directory history, oldest first. */
export async function directoryChanges(db: Db, countyCode: string): Promise<DirectoryChange[]> {
  const rows = await db
    .selectFrom('directory_changes')
    .selectAll()
    .where('county_code', '=', countyCode)
    .orderBy('id')
    .execute();
  return rows.map(toChange);
}
