import type { Kysely, Selectable } from 'kysely';
import {
  DirectoryFileUser,
  jurisdictionFits,
  within,
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
import { publishChanges, publishDirectory, publishUser } from '../directory/events';
import {
  recordRenames,
  renamesIn,
  upsertBranch,
  upsertCounty,
  upsertTownship,
  upsertUser,
} from '../directory/store';
import { invalidField, invalidFields, refuse } from '../refusal';
import type { ApiDatabase } from '../schema';
import { hashPassword, revokeSessions } from './sessions';

type Db = Kysely<ApiDatabase>;
type UserRow = Selectable<ApiDatabase['users']>;
type AdminDeps = Pick<ApiDeps, 'db' | 'nc'>;

/** The most users one listing answers (a county has a few hundred). */
export const USER_LIST_LIMIT = 5000;

const toInfo = (u: UserRow): UserInfo => ({
  id: u.id,
  username: u.username,
  name: u.name,
  role: u.role,
  jurisdiction: u.jurisdiction,
  active: u.active,
});

/** Whether the code names a county, township or branch of the directory. */
async function jurisdictionExists(db: Db, code: string): Promise<boolean> {
  const table = code.length === 6 ? 'counties' : code.length === 9 ? 'townships' : 'branches';
  return !!(await db.selectFrom(table).select('code').where('code', '=', code).executeTakeFirst());
}

/** Why `jurisdiction` cannot be given to a user by `admin` for `role` (undefined: it can). */
async function placementError(
  db: Db,
  admin: Actor,
  role: Role,
  jurisdiction: string,
): Promise<string | undefined> {
  if (!jurisdictionFits(role, jurisdiction)) return '辖区层级与角色不符';
  if (!within(admin.jurisdiction, jurisdiction)) return '不在您的管辖范围内';
  if (!(await jurisdictionExists(db, jurisdiction))) return `辖区 ${jurisdiction} 不存在`;
  return undefined;
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
  const problem = await placementError(deps.db, admin, body.role, body.jurisdiction);
  if (problem) throw invalidField('body.jurisdiction', problem);
  const id = `u-${body.username}`;
  const taken = await deps.db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('username', '=', body.username), eb('id', '=', id)]))
    .executeTakeFirst();
  if (taken) throw refuse('conflict', `用户名 ${body.username} 已存在`);
  const row = await deps.db
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
  await publishUser(jetstreamClient(deps.nc), row, new Date().toISOString());
  return toInfo(row);
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

/** Field errors of a directory file outside its user rows (all of it must be of the admin's county). */
function fileErrors(admin: Actor, body: DirectoryImportRequest): { field: string; message: string }[] {
  const county = body.county.code;
  const outside = '不属于该县';
  return [
    ...(within(admin.jurisdiction, county)
      ? []
      : [{ field: 'body.county.code', message: '不在您的管辖范围内' }]),
    ...body.townships.flatMap((t, i) =>
      t.countyCode === county ? [] : [{ field: `body.townships.${i}.countyCode`, message: outside }],
    ),
    ...body.branches.flatMap((b, i) =>
      b.countyCode === county && b.townshipCode.startsWith(county)
        ? []
        : [{ field: `body.branches.${i}.countyCode`, message: outside }],
    ),
  ];
}

/** Thrown inside a dry run's transaction to roll it back with the rows' results. */
class DryRunRollback extends Error {
  constructor(readonly value: Pick<DirectoryImportResult, 'results' | 'townships' | 'branches' | 'renamed'>) {
    super('dry run');
  }
}

/** Stands in for password hashes in a dry run: hashing is slow and the rows are rolled back. */
const DRY_RUN_HASH = 'dry-run';

/** How many of `codes` the table has already, and how many are new. */
async function placeCounts(db: Db, table: 'townships' | 'branches', codes: string[]) {
  const unique = [...new Set(codes)];
  const existing = unique.length
    ? (await db.selectFrom(table).select('code').where('code', 'in', unique).execute()).length
    : 0;
  return { created: unique.length - existing, existing };
}

/** A branch's township must be in the file or known already: named as a field, not a foreign-key 500. */
async function checkBranchTownships(db: Db, body: DirectoryImportRequest): Promise<void> {
  const codes = [...new Set(body.branches.map((b) => b.townshipCode))];
  if (!codes.length) return;
  const known = new Set(
    (await db.selectFrom('townships').select('code').where('code', 'in', codes).execute()).map((t) => t.code),
  );
  const errors = body.branches.flatMap((b, i) =>
    known.has(b.townshipCode)
      ? []
      : [
          {
            field: `body.branches.${i}.townshipCode`,
            message: `乡镇 ${b.townshipCode} 不在文件中，也不在目录中`,
          },
        ],
  );
  if (errors.length) throw invalidFields(errors);
}

/**
 * Imports a directory file: the county, its townships and branches are upserted, then each user row on
 * its own (a bad row is rejected with its errors, the others go in). Idempotent: a re-import changes
 * nothing; a password is set for new users only, unless `resetPasswords`. Re-scoped, disabled or
 * re-passworded users lose their sessions. The county is then announced as loadDirectory does.
 * A county given without a name keeps its stored one; the places the file renames are answered and kept
 * in the directory's history. A dry run does all of it in a transaction it rolls back, so its rows are
 * judged exactly as an import's.
 */
export async function importDirectory(
  deps: AdminDeps,
  admin: Actor,
  body: DirectoryImportRequest,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<DirectoryImportResult> {
  const errors = fileErrors(admin, body);
  if (errors.length) throw invalidFields(errors);
  const hash = dryRun ? async () => DRY_RUN_HASH : hashPassword;
  // One hash for every row without a password of its own, as loadDirectory does.
  const initialHash = body.initialPassword ? await hash(body.initialPassword) : undefined;
  const run = async (trx: Db) => {
    const renamed = await renamesIn(trx, body);
    const townships = await placeCounts(
      trx,
      'townships',
      body.townships.map((t) => t.code),
    );
    const branches = await placeCounts(
      trx,
      'branches',
      body.branches.map((b) => b.code),
    );
    const changes = await recordRenames(trx, body.county.code, renamed, admin.userId);
    await upsertCounty(trx, body.county);
    for (const t of body.townships) await upsertTownship(trx, t);
    await checkBranchTownships(trx, body);
    for (const b of body.branches) await upsertBranch(trx, b);
    const results: ImportRowResult[] = [];
    for (const [row, raw] of body.users.entries()) {
      results.push(await importUser(trx, admin, body, row, raw, initialHash, hash));
    }
    if (dryRun) throw new DryRunRollback({ results, townships, branches, renamed });
    return { results, townships, branches, renamed, changes };
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
  const { results, townships, branches, renamed } = done;
  const answer = {
    dryRun,
    county: body.county.code,
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
  let published = await publishDirectory(deps.db, js, body.county.code);
  published += await publishChanges(deps.db, js, body.county.code, done.changes);
  // Content-keyed ids would let a change back to an earlier state pass for a duplicate: changed users
  // are announced once more under this import's moment.
  const revision = new Date().toISOString();
  const changed = done.results.filter((r) => r.outcome === 'created' || r.outcome === 'updated');
  for (const r of changed) {
    const row = await deps.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', r.username!)
      .executeTakeFirstOrThrow();
    await publishUser(js, row, revision);
    published += 1;
  }
  return { ...answer, published };
}

async function importUser(
  db: Db,
  admin: Actor,
  body: DirectoryImportRequest,
  row: number,
  raw: unknown,
  initialHash: string | undefined,
  hash: (password: string) => Promise<string>,
): Promise<ImportRowResult> {
  const at = `body.users.${row}`;
  const parsed = DirectoryFileUser.safeParse(raw);
  const username = parsed.success
    ? parsed.data.username
    : typeof (raw as { username?: unknown })?.username === 'string'
      ? String((raw as { username: string }).username)
      : null;
  const reject = (errors: { field: string; message: string }[]): ImportRowResult => ({
    row,
    username,
    outcome: 'rejected',
    errors,
  });
  if (!parsed.success) {
    return reject(
      parsed.error.issues.map((i) => ({ field: [at, ...i.path.map(String)].join('.'), message: i.message })),
    );
  }
  const u = parsed.data;
  const id = u.id ?? `u-${u.username}`;
  const placement = within(body.county.code, u.jurisdiction)
    ? await placementError(db, admin, u.role, u.jurisdiction)
    : '不属于该县';
  if (placement) return reject([{ field: `${at}.jurisdiction`, message: placement }]);
  const holders = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', id), eb('username', '=', u.username)]))
    .execute();
  if (holders.some((h) => h.id !== id))
    return reject([{ field: `${at}.username`, message: '用户名已被他人使用' }]);
  const existing = holders[0];
  if (existing && !within(admin.jurisdiction, existing.jurisdiction))
    return reject([{ field: `${at}.id`, message: '该用户不在您的管辖范围内' }]);
  const rescoped = !!existing && (existing.role !== u.role || existing.jurisdiction !== u.jurisdiction);
  const disabled = !!existing && existing.active && !u.active;
  if (existing?.id === admin.userId && (rescoped || disabled))
    return reject([{ field: `${at}.id`, message: '不能停用自己的账号或改变自己的角色与辖区' }]);
  // Hashing is slow: only for a password that will be stored.
  const setPassword = !existing || body.resetPasswords;
  const passwordHash = setPassword && u.password ? await hash(u.password) : initialHash;
  if (!existing && !passwordHash)
    return reject([{ field: `${at}.password`, message: '新用户需要密码（或请求中的 initialPassword）' }]);
  const { password: _password, ...fields } = u;
  await upsertUser(db, { ...fields, id }, async () => passwordHash!);
  if (!existing) return { row, username, outcome: 'created' };
  const resetPassword = setPassword && !!passwordHash;
  if (resetPassword)
    await db.updateTable('users').set({ password_hash: passwordHash! }).where('id', '=', id).execute();
  if (rescoped || disabled || resetPassword)
    await revokeSessions(db, { userId: id }, resetPassword ? 'password_reset' : 'user_rescoped');
  const changed =
    rescoped ||
    resetPassword ||
    existing.active !== u.active ||
    existing.name !== u.name ||
    existing.username !== u.username;
  return { row, username, outcome: changed ? 'updated' : 'unchanged' };
}
