import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DirectoryChange, FivestarEvent } from '@fivestar/contracts';
import { mapLimited, publishEvent, type JetStreamClient } from '@fivestar/platform';
import type { ApiDatabase } from '../schema';
import { areaBranches, areaUsers, writeDirectory, type CountyDirectory } from './store';

type Db = Kysely<ApiDatabase>;

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

/** The branches of an area (any code prefix) with the names the events carry. */
async function namedBranches(db: Db, areaCode: string) {
  const rows = await areaBranches(db, areaCode);
  const announce = (js: JetStreamClient, { names, ...branch }: (typeof rows)[number], revision?: string) => {
    const data = {
      branch,
      townshipName: names.township,
      countyName: names.county,
      ...(names.city === null ? {} : { cityName: names.city }),
      ...(names.province === null ? {} : { provinceName: names.province }),
    };
    const key = revision ? `${branch.code}/${revision}` : branch.code;
    return publishEvent(js, directoryEvent('directory.branch_upserted', key, branch.code, data));
  };
  return { branches: rows, announce };
}

/** Announces the area's branches and users (a county's, a city's or the whole province's) so the services keep their own copies. */
export async function publishDirectory(db: Db, js: JetStreamClient, areaCode: string): Promise<number> {
  const { branches, announce } = await namedBranches(db, areaCode);
  await mapLimited(branches, PUBLISH_CONCURRENCY, (branch) => announce(js, branch));
  const users = await areaUsers(db, areaCode);
  await publishUsers(js, users);
  return branches.length + users.length;
}

/**
 * Announcements awaiting their acknowledgement at once: one at a time, a province's 110,000 take minutes
 * of round trips. Each carries its own id, so their order does not matter.
 */
export const PUBLISH_CONCURRENCY = 64;

/** Announces users, many at a time (see publishUser). */
export async function publishUsers(
  js: JetStreamClient,
  users: Parameters<typeof publishUser>[1][],
  revision?: string,
): Promise<void> {
  await mapLimited(users, PUBLISH_CONCURRENCY, (u) => publishUser(js, u, revision));
}

/**
 * Announces again every branch of the area the changes touch (a renamed city, county or township: all of
 * its branches — codes nest, so a change touches the branches its code prefixes), keyed by the latest
 * change: content-keyed alone, a name changed back would pass for a duplicate of its first announcement
 * and the services would keep the name in between.
 */
export async function publishChanges(
  db: Db,
  js: JetStreamClient,
  areaCode: string,
  changes: DirectoryChange[],
): Promise<number> {
  if (!changes.length) return 0;
  const { branches, announce } = await namedBranches(db, areaCode);
  let published = 0;
  for (const branch of branches) {
    const touching = changes.filter((c) => branch.code.startsWith(c.code));
    if (!touching.length) continue;
    await announce(js, branch, `change-${Math.max(...touching.map((c) => c.id))}`);
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
