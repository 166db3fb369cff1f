import { sql, type Kysely, type Selectable } from 'kysely';
import {
  PlaceLevel,
  type Branch,
  type BranchPageRequest,
  type DirectoryChange,
  type ImportCounty,
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

/**
 * Inserts or renames a county; one given without a name is left as stored (an import is of the admin's
 * own county, which the directory holds).
 */
export async function upsertCounty(db: Db, c: ImportCounty): Promise<void> {
  if (c.name === undefined) return;
  const row = { code: c.code, name: c.name };
  await db
    .insertInto('counties')
    .values(row)
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: row.name }))
    .execute();
}

export async function upsertTownship(db: Db, t: Township): Promise<void> {
  const row = { code: t.code, name: t.name, county_code: t.countyCode };
  await db
    .insertInto('townships')
    .values(row)
    .onConflict((oc) => oc.column('code').doUpdateSet(row))
    .execute();
}

export async function upsertBranch(db: Db, b: Branch): Promise<void> {
  const row = {
    code: b.code,
    name: b.name,
    type: b.type,
    township_code: b.townshipCode,
    county_code: b.countyCode,
    weak: b.weak,
  };
  await db
    .insertInto('branches')
    .values(row)
    .onConflict((oc) => oc.column('code').doUpdateSet(row))
    .execute();
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
    await upsertCounty(trx, dir.county);
    for (const t of dir.townships) await upsertTownship(trx, t);
    for (const b of dir.branches) await upsertBranch(trx, b);
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

/** The name of a county (6 digits) or township (9 digits) code; undefined for others or unknown ones. */
export async function divisionName(db: Db, code: string): Promise<string | undefined> {
  const table = code.length === 6 ? 'counties' : code.length === 9 ? 'townships' : undefined;
  if (!table) return undefined;
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

/** A county's whole directory as stored: the county, its townships, branches and users. */
export async function countyRows(db: Db, countyCode: string) {
  const county = await db
    .selectFrom('counties')
    .selectAll()
    .where('code', '=', countyCode)
    .executeTakeFirstOrThrow();
  const townships = await db
    .selectFrom('townships')
    .selectAll()
    .where('county_code', '=', countyCode)
    .execute();
  const branches = await db
    .selectFrom('branches')
    .selectAll()
    .where('county_code', '=', countyCode)
    .execute();
  const users = await db
    .selectFrom('users')
    .selectAll()
    .where('jurisdiction', 'like', `${countyCode}%`)
    .execute();
  return { county, townships, branches: branches.map(toBranch), users };
}

/** A place whose stored name a change replaces. */
export interface Rename {
  level: PlaceLevel;
  code: string;
  from: string;
  to: string;
}

const PLACE_TABLE = { county: 'counties', township: 'townships', branch: 'branches' } as const;

/** The places of a directory file whose stored name it changes (a county given without a name keeps its). */
export async function renamesIn(
  db: Db,
  file: { county: ImportCounty; townships: Township[]; branches: Branch[] },
): Promise<Rename[]> {
  const named = {
    county: file.county.name === undefined ? [] : [{ code: file.county.code, name: file.county.name }],
    township: file.townships,
    branch: file.branches,
  };
  const renames: Rename[] = [];
  for (const level of PlaceLevel.options) {
    const wanted = new Map(named[level].map((p) => [p.code, p.name]));
    if (!wanted.size) continue;
    const stored = await db
      .selectFrom(PLACE_TABLE[level])
      .select(['code', 'name'])
      .where('code', 'in', [...wanted.keys()])
      .orderBy('code')
      .execute();
    for (const { code, name } of stored) {
      const to = wanted.get(code)!;
      if (to !== name) renames.push({ level, code, from: name, to });
    }
  }
  return renames;
}

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
  countyCode: string,
  renames: Rename[],
  changedBy: string,
): Promise<DirectoryChange[]> {
  if (!renames.length) return [];
  const rows = await db
    .insertInto('directory_changes')
    .values(
      renames.map((r) => ({
        county_code: countyCode,
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
      .selectFrom(PLACE_TABLE[level])
      .select('name')
      .where('code', '=', code)
      .where('county_code', '=', countyCode)
      .forUpdate()
      .executeTakeFirst();
    if (!current)
      throw refuse('not_found', `${level === 'township' ? '乡镇' : '支部'} ${code} 不在本县目录中`);
    if (current.name === name) return null;
    await trx.updateTable(PLACE_TABLE[level]).set({ name }).where('code', '=', code).execute();
    const [change] = await recordRenames(
      trx,
      countyCode,
      [{ level, code, from: current.name, to: name }],
      changedBy,
    );
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
