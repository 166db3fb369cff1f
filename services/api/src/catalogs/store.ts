import { sql, type Insertable, type Kysely } from 'kysely';
import {
  BranchType,
  DEFAULT_CATALOGS,
  type Catalog,
  type CatalogSummary,
  type CatalogVersionInfo,
} from '@fivestar/contracts';
import type { ApiDatabase, CatalogRef } from '../schema';
import { catalogDigest, checkNewVersion } from './versions';

type Db = Kysely<ApiDatabase>;

const BRANCH_TYPES = BranchType.options;

/** Who stored the shipped defaults. */
export const SYSTEM_USER = 'system';

export type ImportOutcome =
  | { kind: 'created'; ref: CatalogRef; digest: string }
  | { kind: 'unchanged'; ref: CatalogRef; digest: string }
  | { kind: 'conflict'; ref: CatalogRef; message: string };

const refOf = (c: Catalog): CatalogRef => ({ id: c.id, version: c.version });

/** Serialises the version check and insert of one catalog id across concurrent imports and API replicas. */
async function lockCatalogId(db: Db, id: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`fivestar.catalog:${id}`}))`.execute(db);
}

async function storedVersions(db: Db, id: string) {
  const rows = await db
    .selectFrom('catalogs')
    .select(['version', 'branch_type', 'digest'])
    .where('id', '=', id)
    .execute();
  return rows.map((r) => ({ version: r.version, branchType: r.branch_type, digest: r.digest }));
}

/**
 * What importing `catalog` would do, without storing it: `created` (a new version), `unchanged`
 * (the same content is stored under this version already) or `conflict` (see `checkNewVersion`).
 */
export async function previewImport(db: Db, catalog: Catalog): Promise<ImportOutcome> {
  return decide(catalog, await storedVersions(db, catalog.id));
}

function decide(catalog: Catalog, stored: Awaited<ReturnType<typeof storedVersions>>): ImportOutcome {
  const check = checkNewVersion(stored, catalog);
  const ref = refOf(catalog);
  if (check.kind === 'conflict') return { kind: 'conflict', ref, message: check.message };
  return { kind: check.kind === 'new' ? 'created' : 'unchanged', ref, digest: catalogDigest(catalog) };
}

/** The `catalogs` row of one version: its columns, the body as JSON, and who stored it. */
const catalogRow = (
  catalog: Catalog,
  digest: string,
  createdBy: string,
): Insertable<ApiDatabase['catalogs']> => ({
  id: catalog.id,
  version: catalog.version,
  branch_type: catalog.branchType,
  title: catalog.title,
  example: catalog.example,
  body: JSON.stringify(catalog),
  digest,
  created_by: createdBy,
});

/** Stores a new catalog version (never changes a stored one); the outcome says what happened. */
export async function storeCatalog(db: Db, catalog: Catalog, createdBy: string): Promise<ImportOutcome> {
  return db.transaction().execute(async (trx) => {
    await lockCatalogId(trx, catalog.id);
    const outcome = decide(catalog, await storedVersions(trx, catalog.id));
    if (outcome.kind !== 'created') return outcome;
    await trx
      .insertInto('catalogs')
      .values(catalogRow(catalog, outcome.digest, createdBy))
      .execute();
    return outcome;
  });
}

/**
 * Stores the shipped defaults (`DEFAULT_CATALOGS`) that are not stored yet; idempotent, safe to run from
 * several processes at once. A default whose (id, version) is already stored is left alone.
 */
export async function seedDefaultCatalogs(db: Db): Promise<CatalogRef[]> {
  const seeded: CatalogRef[] = [];
  for (const catalog of DEFAULT_CATALOGS) {
    const r = await db
      .insertInto('catalogs')
      .values(catalogRow(catalog, catalogDigest(catalog), SYSTEM_USER))
      .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) seeded.push(refOf(catalog));
  }
  return seeded;
}

export async function getCatalog(db: Db, id: string, version: number): Promise<Catalog | undefined> {
  const row = await db
    .selectFrom('catalogs')
    .select('body')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.body;
}

/** Whether any version of catalog `id` is stored. */
export async function catalogExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('catalogs').select('id').where('id', '=', id).executeTakeFirst());
}

/**
 * The catalog a round started now pins for each branch type: the LATEST version of one catalog id per
 * type. When several ids share a type, a county's own catalog (`example: false`) wins over an example,
 * then the id whose latest version was stored most recently (versions of one id only go up, so that is
 * the newest catalog anyone imported for the type).
 */
export async function catalogsInForce(db: Db): Promise<Catalog[]> {
  const rows = await db
    .selectFrom('catalogs')
    .select(['branch_type', 'body'])
    .distinctOn('branch_type')
    .orderBy('branch_type')
    .orderBy('example', 'asc')
    .orderBy('created_at', 'desc')
    .orderBy('version', 'desc')
    .orderBy('id')
    .execute();
  const byType = new Map(rows.map((r) => [r.branch_type, r.body]));
  return BRANCH_TYPES.flatMap((t) => {
    const c = byType.get(t);
    return c ? [c] : [];
  });
}

/** Every catalog id with its versions, newest first; ids ordered by branch type, then id. */
export async function listCatalogs(db: Db): Promise<CatalogSummary[]> {
  const rows = await db
    .selectFrom('catalogs')
    .select(['id', 'version', 'branch_type', 'title', 'example', 'digest', 'created_by', 'created_at'])
    .orderBy('branch_type')
    .orderBy('id')
    .orderBy('version', 'desc')
    .execute();
  const inForce = new Set((await catalogsInForce(db)).map((c) => `${c.id}@${c.version}`));
  const byId = new Map<string, CatalogSummary>();
  for (const r of rows) {
    const info: CatalogVersionInfo = {
      version: r.version,
      title: r.title,
      example: r.example,
      digest: r.digest,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
    };
    const summary = byId.get(r.id);
    if (summary) summary.versions.push(info);
    else {
      byId.set(r.id, {
        id: r.id,
        branchType: r.branch_type,
        latest: info,
        versions: [info],
        inForce: inForce.has(`${r.id}@${r.version}`),
      });
    }
  }
  return [...byId.values()].sort(
    (a, b) =>
      BRANCH_TYPES.indexOf(a.branchType) - BRANCH_TYPES.indexOf(b.branchType) || a.id.localeCompare(b.id),
  );
}
