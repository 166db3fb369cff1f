import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import {
  countyLevel,
  DirectoryFileUser,
  importRoot,
  jurisdictionFits,
  scopeOf,
  SCOPES,
  within,
  type Branch,
  type Township,
  type Actor,
  type CreateUserRequest,
  type DirectoryImportRequest,
  type DirectoryImportResult,
  type ImportRowResult,
  type Role,
  type UpdateUserRequest,
  type UserInfo,
} from '@fivestar/contracts';
import { jetstreamClient } from '@fivestar/platform';
import type { ApiDeps } from '../gateway/deps';
import { publishChanges, publishDirectory, publishUser, publishUsers } from '../directory/events';
import {
  divisionName,
  PLACE_TABLES,
  recordRenames,
  renamesIn,
  upsertBranches,
  upsertTownships,
  upsertUpperPlaces,
} from '../directory/store';
import { invalidField, invalidFields, refuse } from '../refusal';
import type { ApiDatabase } from '../schema';
import { hashPassword, revokeSessions } from './sessions';

type Db = Kysely<ApiDatabase>;
export type UserRow = Selectable<ApiDatabase['users']>;
type AdminDeps = Pick<ApiDeps, 'db' | 'nc'>;

/** The most users one listing answers (a county has a few hundred). */
export const USER_LIST_LIMIT = 5000;

export const toInfo = (u: UserRow): UserInfo => ({
  id: u.id,
  username: u.username,
  name: u.name,
  role: u.role,
  jurisdiction: u.jurisdiction,
  active: u.active,
});

/** Why `role` at `jurisdiction` cannot be given by `admin`, `places` holding the stored places (undefined: it can). */
function placementProblem(
  admin: Actor,
  role: Role,
  jurisdiction: string,
  places: Set<string>,
): string | undefined {
  if (!jurisdictionFits(role, jurisdiction)) return '辖区层级与角色不符';
  if (!within(admin.jurisdiction, jurisdiction)) return '不在您的管辖范围内';
  if (!places.has(jurisdiction)) return `辖区 ${jurisdiction} 不存在`;
  return undefined;
}

/** Why `jurisdiction` cannot be given to a user by `admin` for `role` (undefined: it can). */
async function placementError(
  db: Db,
  admin: Actor,
  role: Role,
  jurisdiction: string,
): Promise<string | undefined> {
  return placementProblem(admin, role, jurisdiction, await storedPlaces(db, [jurisdiction]));
}

export async function listUsers(
  db: Db,
  admin: Actor,
  q: { role?: Role; jurisdiction?: string },
): Promise<UserInfo[]> {
  const area = q.jurisdiction ?? admin.jurisdiction;
  if (!within(admin.jurisdiction, area)) throw refuse('forbidden', '不在您的管辖范围内');
  let query = db.selectFrom('users').selectAll().where('jurisdiction', 'like', `${area}%`);
  if (q.role) query = query.where('role', '=', q.role);
  const rows = await query.orderBy('username').limit(USER_LIST_LIMIT).execute();
  return rows.map(toInfo);
}

export async function createUser(deps: AdminDeps, admin: Actor, body: CreateUserRequest): Promise<UserInfo> {
  const row = await insertUser(deps.db, admin, body);
  await publishUser(jetstreamClient(deps.nc), row, new Date().toISOString());
  return toInfo(row);
}

/**
 * Stores a new user of the admin's jurisdiction, announcing nothing: a caller inside a transaction
 * announces it once committed (an event for a user rolled back would be a phantom).
 */
export async function insertUser(db: Db, admin: Actor, body: CreateUserRequest): Promise<UserRow> {
  const problem = await placementError(db, admin, body.role, body.jurisdiction);
  if (problem) throw invalidField('body.jurisdiction', problem);
  const id = `u-${body.username}`;
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('username', '=', body.username), eb('id', '=', id)]))
    .executeTakeFirst();
  if (taken) throw refuse('conflict', `用户名 ${body.username} 已存在`);
  return db
    .insertInto('users')
    .values({
      id,
      username: body.username,
      name: body.name,
      role: body.role,
      jurisdiction: body.jurisdiction,
      active: true,
      password_hash: await hashPassword(body.password),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Disables/enables, renames or re-scopes a user of the admin's jurisdiction. Disabling or changing role
 * or jurisdiction revokes the user's sessions. An admin cannot disable or re-scope themself.
 */
export async function updateUser(
  deps: AdminDeps,
  admin: Actor,
  username: string,
  body: UpdateUserRequest,
): Promise<{ user: UserInfo; revokedSessions: number }> {
  const current = await deps.db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  // Users outside the jurisdiction are as invisible as missing ones.
  if (!current || !within(admin.jurisdiction, current.jurisdiction))
    throw refuse('not_found', `用户 ${username} 不存在`);
  const next = { ...current, ...body };
  const rescoped = next.role !== current.role || next.jurisdiction !== current.jurisdiction;
  const disabled = current.active && !next.active;
  if (current.id === admin.userId && (rescoped || disabled))
    throw refuse('conflict', '不能停用自己的账号或改变自己的角色与辖区');
  if (rescoped) {
    const problem = await placementError(deps.db, admin, next.role, next.jurisdiction);
    if (problem) throw invalidField(body.jurisdiction ? 'body.jurisdiction' : 'body.role', problem);
  }
  const { user, revokedSessions } = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('users')
      .set({ name: next.name, role: next.role, jurisdiction: next.jurisdiction, active: next.active })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const reason = disabled ? 'user_disabled' : 'user_rescoped';
    const revoked = rescoped || disabled ? await revokeSessions(trx, { userId: current.id }, reason) : 0;
    return { user: row, revokedSessions: revoked };
  });
  await publishUser(jetstreamClient(deps.nc), user, new Date().toISOString());
  return { user: toInfo(user), revokedSessions };
}

type FieldError = { field: string; message: string };

/**
 * Field errors of a directory file outside its user rows: all of it must lie inside the place the file is
 * of, and that place inside the admin's jurisdiction; townships and branches must nest in their county
 * and township by code.
 */
function fileErrors(admin: Actor, body: DirectoryImportRequest): FieldError[] {
  const root = importRoot(body);
  const outside = `不属于${ROOT_LABELS[root.level]} ${root.code}`;
  const inside = (code: string) => code.startsWith(root.code);
  const errors: FieldError[] = [];
  if (!within(admin.jurisdiction, root.code))
    errors.push({ field: `body.${root.level}.code`, message: '不在您的管辖范围内' });
  const check = (list: { code: string }[], name: string, nests?: (p: never) => string | undefined) =>
    list.forEach((p, i) => {
      if (!inside(p.code)) errors.push({ field: `body.${name}.${i}.code`, message: outside });
      const wrong = nests?.(p as never);
      if (wrong) errors.push({ field: `body.${name}.${i}.${wrong}`, message: '代码与所属上级不符' });
    });
  check(body.cities, 'cities');
  check(body.counties, 'counties');
  check(body.townships, 'townships', (t: Township) =>
    t.code.startsWith(t.countyCode) ? undefined : 'countyCode',
  );
  check(body.branches, 'branches', (b: Branch) =>
    b.townshipCode.startsWith(b.countyCode) && b.code.startsWith(b.townshipCode) ? undefined : 'townshipCode',
  );
  return errors;
}

const ROOT_LABELS = { province: '省', city: '市', county: '县' } as const;

/** Thrown inside a dry run's transaction to roll it back with the rows' results. */
class DryRunRollback extends Error {
  constructor(readonly value: Omit<DirectoryImportResult, 'dryRun' | 'root' | 'summary' | 'published'>) {
    super('dry run');
  }
}

/** Stands in for password hashes in a dry run: hashing is slow and the rows are rolled back. */
const DRY_RUN_HASH = 'dry-run';

/** How many of `codes` the table has already, and how many are new. */
async function placeCounts(db: Db, table: 'cities' | 'counties' | 'townships' | 'branches', codes: string[]) {
  const unique = [...new Set(codes)];
  let existing = 0;
  for (let i = 0; i < unique.length; i += 5000) {
    const chunk = unique.slice(i, i + 5000);
    existing += (await db.selectFrom(table).select('code').where('code', 'in', chunk).execute()).length;
  }
  return { created: unique.length - existing, existing };
}

/** Those of `codes` that `table` holds. */
async function storedCodes(
  db: Db,
  table: (typeof PLACE_TABLES)[keyof typeof PLACE_TABLES],
  codes: string[],
): Promise<Set<string>> {
  const unique = [...new Set(codes)];
  const found = new Set<string>();
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await db
      .selectFrom(table)
      .select('code')
      .where('code', 'in', unique.slice(i, i + 5000))
      .execute();
    for (const r of rows) found.add(r.code);
  }
  return found;
}

/** Those of `codes` that name a stored place of the directory (a province, city, county, township or branch). */
async function storedPlaces(db: Db, codes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const scope of SCOPES) {
    const list = codes.filter((c) => scopeOf(c) === scope);
    if (list.length) for (const code of await storedCodes(db, PLACE_TABLES[scope], list)) found.add(code);
  }
  return found;
}

/**
 * The parents `places` name must be stored (the file's own are upserted first): named as a field, not a
 * foreign-key 500. A unit under a city's or the province's own level (市直 `411000`, 省直 `410000`) has its
 * level's row made for it (ownLevelRows).
 */
async function missingParents(
  db: Db,
  table: 'counties' | 'townships',
  places: { parent: string; field: string }[],
): Promise<FieldError[]> {
  const stored = await storedCodes(
    db,
    table,
    places.map((p) => p.parent),
  );
  const label = table === 'counties' ? '县' : '乡镇';
  return places.flatMap((p) =>
    stored.has(p.parent)
      ? []
      : [{ field: p.field, message: `${label} ${p.parent} 不在文件中，也不在目录中` }],
  );
}

/** The own-level rows (市直, 省直) the file's units need and the directory lacks, named after their level. */
async function ownLevelRows(db: Db, body: DirectoryImportRequest): Promise<{ code: string; name: string }[]> {
  const wanted = [
    ...new Set(body.townships.map((t) => t.countyCode).filter((c) => countyLevel(c) !== 'county')),
  ];
  const have = await storedCodes(db, 'counties', wanted);
  const rows: { code: string; name: string }[] = [];
  for (const code of wanted.filter((c) => !have.has(c))) {
    const level = countyLevel(code);
    const upper = code.slice(0, level === 'city' ? 4 : 2);
    const named =
      [body.province, body.city, ...body.cities].find((p) => p?.code === upper)?.name ??
      (await divisionName(db, upper)) ??
      upper;
    rows.push({ code, name: `${named.replace(/[市省]$/, '')}${level === 'city' ? '市直' : '省直'}` });
  }
  return rows;
}

/**
 * Imports a directory file of a province, a city or a county: the places are upserted, then each user row
 * on its own (a bad row is rejected with its errors, the others go in). Idempotent: a re-import changes
 * nothing; a password is set for new users only, unless `resetPasswords`. Re-scoped, disabled or
 * re-passworded users lose their sessions. The area is then announced as loadDirectory does. A place
 * given without a name keeps its stored one; the places the file renames are answered and kept in the
 * directory's history. A dry run does all of it in a transaction it rolls back, so its rows are judged
 * exactly as an import's.
 */
export async function importDirectory(
  deps: AdminDeps,
  admin: Actor,
  body: DirectoryImportRequest,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<DirectoryImportResult> {
  const errors = fileErrors(admin, body);
  if (errors.length) throw invalidFields(errors);
  const root = importRoot(body);
  const hash = dryRun ? async () => DRY_RUN_HASH : hashPassword;
  // One hash for every row without a password of its own, as loadDirectory does.
  const initialHash = body.initialPassword ? await hash(body.initialPassword) : undefined;
  const upper = {
    provinces: body.province ? [body.province] : [],
    cities: body.city ? [body.city, ...body.cities] : body.cities,
    counties: body.county ? [body.county, ...body.counties] : body.counties,
  };
  const run = async (trx: Db) => {
    const renamed = await renamesIn(trx, { ...upper, townships: body.townships, branches: body.branches });
    const count = (table: 'cities' | 'counties' | 'townships' | 'branches', list: { code: string }[]) =>
      placeCounts(
        trx,
        table,
        list.map((p) => p.code),
      );
    const cities = await count('cities', upper.cities);
    const counties = await count('counties', upper.counties);
    const townships = await count('townships', body.townships);
    const branches = await count('branches', body.branches);
    const changes = await recordRenames(trx, renamed, admin.userId);
    const ownLevels = await ownLevelRows(trx, body);
    await upsertUpperPlaces(trx, { ...upper, counties: [...upper.counties, ...ownLevels] });
    const noCounty = await missingParents(
      trx,
      'counties',
      body.townships.map((t, i) => ({ parent: t.countyCode, field: `body.townships.${i}.countyCode` })),
    );
    if (noCounty.length) throw invalidFields(noCounty);
    await upsertTownships(trx, body.townships);
    const noTownship = await missingParents(
      trx,
      'townships',
      body.branches.map((b, i) => ({ parent: b.townshipCode, field: `body.branches.${i}.townshipCode` })),
    );
    if (noTownship.length) throw invalidFields(noTownship);
    await upsertBranches(trx, body.branches);
    const results = await importUsers(trx, admin, root.code, body, initialHash, hash);
    const value = { results, cities, counties, townships, branches, renamed };
    if (dryRun) throw new DryRunRollback(value);
    return { ...value, changes };
  };
  const done = await deps.db
    .transaction()
    .execute(run)
    .catch((err: unknown) => {
      if (err instanceof DryRunRollback) return err.value;
      throw err;
    });
  const summary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const r of done.results) summary[r.outcome] += 1;
  const { results, cities, counties, townships, branches, renamed } = done;
  const answer = {
    dryRun,
    root: root.code,
    cities,
    counties,
    townships,
    branches,
    renamed,
    results,
    summary,
    published: 0,
  };
  // A dry run's value has no changes: they were rolled back.
  if (!('changes' in done)) return answer;
  const js = jetstreamClient(deps.nc);
  let published = await publishDirectory(deps.db, js, root.code);
  published += await publishChanges(deps.db, js, root.code, done.changes);
  // Content-keyed ids would let a change back to an earlier state pass for a duplicate: changed users
  // are announced once more under this import's moment.
  const revision = new Date().toISOString();
  const changed = done.results.flatMap((r) =>
    r.outcome === 'created' || r.outcome === 'updated' ? [r.username!] : [],
  );
  const rows = await storedUsers(deps.db, [], changed);
  await publishUsers(js, rows, revision);
  return { ...answer, published: published + rows.length };
}

/** The stored users with one of `ids` or `usernames`. */
async function storedUsers(db: Db, ids: string[], usernames: string[]): Promise<UserRow[]> {
  const found = new Map<string, UserRow>();
  for (const [column, keys] of [
    ['id', ids],
    ['username', usernames],
  ] as const)
    for (let i = 0; i < keys.length; i += USER_CHUNK) {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where(column, 'in', keys.slice(i, i + USER_CHUNK))
        .execute();
      for (const r of rows) found.set(r.id, r);
    }
  return [...found.values()];
}

/** Stored users looked up, and new users inserted, this many at a time. */
const USER_CHUNK = 1000;

/**
 * The file's user rows, each judged on its own in order as if the rows before it were stored (a row
 * sees the users and usernames earlier rows make): the places and users they name are read in bulk, the
 * new users inserted in multi-row statements, so a province's 60,000 rows take seconds, not minutes.
 */
async function importUsers(
  db: Db,
  admin: Actor,
  rootCode: string,
  body: DirectoryImportRequest,
  initialHash: string | undefined,
  hash: (password: string) => Promise<string>,
): Promise<ImportRowResult[]> {
  const parsed = body.users.map((raw) => DirectoryFileUser.safeParse(raw));
  const valid = parsed.flatMap((p) => (p.success ? [p.data] : []));
  const places = await storedPlaces(
    db,
    valid.map((u) => u.jurisdiction),
  );
  const stored = await storedUsers(
    db,
    valid.map((u) => u.id ?? `u-${u.username}`),
    valid.map((u) => u.username),
  );
  const byId = new Map(stored.map((u) => [u.id, u]));
  const holderOf = new Map(stored.map((u) => [u.username, u.id]));
  const inserts = new Map<string, Insertable<ApiDatabase['users']>>();
  const updates: { id: string; set: Updateable<ApiDatabase['users']>; revoke?: string }[] = [];
  const results: ImportRowResult[] = [];
  for (const [row, p] of parsed.entries()) {
    const at = `body.users.${row}`;
    const raw = body.users[row];
    const username = p.success
      ? p.data.username
      : typeof (raw as { username?: unknown })?.username === 'string'
        ? String((raw as { username: string }).username)
        : null;
    const reject = (errors: { field: string; message: string }[]) =>
      results.push({ row, username, outcome: 'rejected', errors });
    if (!p.success) {
      reject(
        p.error.issues.map((i) => ({ field: [at, ...i.path.map(String)].join('.'), message: i.message })),
      );
      continue;
    }
    const { password, ...u } = p.data;
    const id = u.id ?? `u-${u.username}`;
    const placement = within(rootCode, u.jurisdiction)
      ? placementProblem(admin, u.role, u.jurisdiction, places)
      : '不在导入的范围内';
    if (placement) {
      reject([{ field: `${at}.jurisdiction`, message: placement }]);
      continue;
    }
    const holder = holderOf.get(u.username);
    if (holder !== undefined && holder !== id) {
      reject([{ field: `${at}.username`, message: '用户名已被他人使用' }]);
      continue;
    }
    const existing = byId.get(id);
    if (existing && !within(admin.jurisdiction, existing.jurisdiction)) {
      reject([{ field: `${at}.id`, message: '该用户不在您的管辖范围内' }]);
      continue;
    }
    const rescoped = !!existing && (existing.role !== u.role || existing.jurisdiction !== u.jurisdiction);
    const disabled = !!existing && existing.active && !u.active;
    if (existing?.id === admin.userId && (rescoped || disabled)) {
      reject([{ field: `${at}.id`, message: '不能停用自己的账号或改变自己的角色与辖区' }]);
      continue;
    }
    // Hashing is slow: only for a password that will be stored.
    const setPassword = !existing || body.resetPasswords;
    const passwordHash = setPassword && password ? await hash(password) : initialHash;
    if (!existing && !passwordHash) {
      reject([{ field: `${at}.password`, message: '新用户需要密码（或请求中的 initialPassword）' }]);
      continue;
    }
    const fields = {
      username: u.username,
      name: u.name,
      role: u.role,
      jurisdiction: u.jurisdiction,
      active: u.active,
    };
    const resetPassword = !!existing && setPassword && !!passwordHash;
    const next = {
      ...existing,
      ...fields,
      id,
      password_hash: resetPassword || !existing ? passwordHash! : existing.password_hash,
    };
    if (existing) holderOf.delete(existing.username);
    holderOf.set(u.username, id);
    byId.set(id, next as UserRow);
    if (!existing) {
      inserts.set(id, next);
      results.push({ row, username, outcome: 'created' });
      continue;
    }
    const changed =
      rescoped ||
      resetPassword ||
      existing.active !== u.active ||
      existing.name !== u.name ||
      existing.username !== u.username;
    results.push({ row, username, outcome: changed ? 'updated' : 'unchanged' });
    if (!changed) continue;
    // A user made by an earlier row of the file is inserted as it ends up.
    if (inserts.has(id)) inserts.set(id, next);
    else
      updates.push({
        id,
        set: { ...fields, ...(resetPassword ? { password_hash: next.password_hash } : {}) },
        ...(rescoped || disabled || resetPassword
          ? { revoke: resetPassword ? 'password_reset' : 'user_rescoped' }
          : {}),
      });
  }
  // Updates first, in the file's order: a username one gives up may be a new user's.
  for (const { id, set, revoke } of updates) {
    await db.updateTable('users').set(set).where('id', '=', id).execute();
    if (revoke) await revokeSessions(db, { userId: id }, revoke);
  }
  const rows = [...inserts.values()];
  for (let i = 0; i < rows.length; i += USER_CHUNK)
    await db
      .insertInto('users')
      .values(rows.slice(i, i + USER_CHUNK))
      .execute();
  return results;
}
