// The routes' side of a branch named in a request path: the store finds it, these decide the answer.
import type { Kysely } from 'kysely';
import { within, type Actor, type Branch } from '@fivestar/contracts';
import { forbidden, notFound } from '../gateway/problem';
import type { ApiDatabase } from '../schema';
import { findBranch } from './store';

type Db = Kysely<ApiDatabase>;

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
