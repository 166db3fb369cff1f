import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  within,
  type Actor,
  type Branch,
  type BranchPageRequest,
  type County,
  type FivestarEvent,
  type Role,
  type Township,
} from '@fivestar/contracts';
import { publishEvent, type JetStreamClient } from '@fivestar/platform';
import { forbidden, notFound } from '../gateway/problem';
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

/** The branch a request path names, with the caller: 404 when the directory has no such branch. */
export async function branchOfPath<P extends { code: string }>(
  db: Db,
  path: P,
  actor: Actor,
): Promise<P & { branch: Branch; actor: Actor }> {
  const branch = await findBranch(db, path.code);
  if (!branch) throw notFound(`支部 ${path.code} 不存在`);
  return { ...path, branch, actor };
}

/** As branchOfPath, for reads: 403 unless the branch lies inside the caller's jurisdiction. */
export async function visibleBranch<P extends { code: string }>(db: Db, path: P, actor: Actor) {
  const target = await branchOfPath(db, path, actor);
  if (!within(actor.jurisdiction, target.branch.code)) throw forbidden('不在您的管辖范围内');
  return target;
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

export async function upsertCounty(db: Db, c: County): Promise<void> {
  await db
    .insertInto('counties')
    .values(c)
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: c.name }))
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

/** Directory events carry a content hash in their id: the same content republished is a duplicate. */
function directoryEventId(kind: string, key: string, content: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
  return `directory/${kind}/${key}@${digest}`;
}

function directoryEvent<T extends 'directory.branch_upserted' | 'directory.user_upserted'>(
  type: T,
  key: string,
  jurisdiction: string,
  data: Extract<FivestarEvent, { type: T }>['data'],
): FivestarEvent {
  return {
    id: directoryEventId(type, key, data),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    roundId: null,
    branchId: null,
    jurisdiction,
    actor: null,
    data,
  } as FivestarEvent;
}

/** Announces the county's branches and users so the services keep their own copies. */
export async function publishDirectory(db: Db, js: JetStreamClient, countyCode: string): Promise<number> {
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
  const names = new Map(townships.map((t) => [t.code, t.name]));
  let published = 0;
  const branches = await db
    .selectFrom('branches')
    .selectAll()
    .where('county_code', '=', countyCode)
    .execute();
  for (const row of branches) {
    const branch = toBranch(row);
    const data = { branch, townshipName: names.get(branch.townshipCode) ?? '', countyName: county.name };
    await publishEvent(js, directoryEvent('directory.branch_upserted', branch.code, branch.code, data));
    published += 1;
  }
  const users = await db
    .selectFrom('users')
    .selectAll()
    .where('jurisdiction', 'like', `${countyCode}%`)
    .execute();
  for (const u of users) {
    await publishUser(js, u);
    published += 1;
  }
  return published;
}

/**
 * Announces one user. An administrator's change passes its moment as `revision`, so a user disabled and
 * enabled again is not taken for a duplicate of the first announcement with the same content.
 */
export async function publishUser(
  js: JetStreamClient,
  u: Pick<ApiDatabase['users'], 'id' | 'name' | 'role' | 'jurisdiction' | 'active'>,
  revision?: string,
): Promise<void> {
  const data = { userId: u.id, name: u.name, role: u.role, jurisdiction: u.jurisdiction, active: u.active };
  const key = revision ? `${u.id}/${revision}` : u.id;
  await publishEvent(js, directoryEvent('directory.user_upserted', key, u.jurisdiction, data));
}

export interface CountyDirectory {
  county: County;
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

/** Writes a county's directory (upserts, one transaction) and announces it; returns events published. */
export async function loadDirectory(
  db: Db,
  js: JetStreamClient,
  dir: CountyDirectory,
  passwordHash: () => Promise<string>,
): Promise<number> {
  await writeDirectory(db, dir, passwordHash);
  return publishDirectory(db, js, dir.county.code);
}
