import type { Kysely } from 'kysely';
import type { ApiDatabase, EvidenceKind } from '../schema';

type Db = Kysely<ApiDatabase>;

/** One uploaded file of a branch in a round, as the API answers it. */
export interface EvidenceItem {
  sha256: string;
  filename: string;
  size: number;
  kind: EvidenceKind;
  contentType: string;
  uploadedBy: string;
  uploadedAt: string;
}

/** An upload to record: the item but for its time (the database's), with its round and branch. */
export interface NewEvidence extends Omit<EvidenceItem, 'uploadedAt'> {
  roundId: string;
  branchCode: string;
}

/** Records an upload; `created` is false when this (round, branch, sha256, filename) was recorded before. */
export async function recordEvidence(db: Db, e: NewEvidence): Promise<{ created: boolean }> {
  const r = await db
    .insertInto('evidence')
    .values({
      round_id: e.roundId,
      branch_code: e.branchCode,
      sha256: e.sha256,
      filename: e.filename,
      size: e.size,
      kind: e.kind,
      content_type: e.contentType,
      uploaded_by: e.uploadedBy,
    })
    .onConflict((oc) => oc.columns(['round_id', 'branch_code', 'sha256', 'filename']).doNothing())
    .executeTakeFirst();
  return { created: Number(r.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/** A branch's uploads in a round, oldest first. */
export async function listEvidence(db: Db, roundId: string, branchCode: string): Promise<EvidenceItem[]> {
  const rows = await db
    .selectFrom('evidence')
    .selectAll()
    .where('round_id', '=', roundId)
    .where('branch_code', '=', branchCode)
    .orderBy('uploaded_at')
    .orderBy('filename')
    .execute();
  return rows.map((r) => ({
    sha256: r.sha256,
    filename: r.filename,
    size: r.size,
    kind: r.kind,
    contentType: r.content_type,
    uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at.toISOString(),
  }));
}

/**
 * Who may download a file: the uploads of `sha256` by branches inside `jurisdiction` (the first one names
 * the download), and whether anyone uploaded it at all (to tell 404 from 403).
 */
export async function evidenceDownload(
  db: Db,
  sha256: string,
  jurisdiction: string,
): Promise<{ known: boolean; visible?: { filename: string; contentType: string; size: number } }> {
  const rows = await db
    .selectFrom('evidence')
    .select(['branch_code', 'filename', 'content_type', 'size'])
    .where('sha256', '=', sha256)
    .orderBy('uploaded_at')
    .execute();
  const visible = rows.find((r) => r.branch_code.startsWith(jurisdiction));
  return {
    known: rows.length > 0,
    visible: visible && { filename: visible.filename, contentType: visible.content_type, size: visible.size },
  };
}

/**
 * The sha256s among `sha256s` that this branch did not upload in this round (each once, in the order
 * given). A self-check may only cite its own uploads.
 */
export async function missingEvidenceUploads(
  db: Db,
  roundId: string,
  branchCode: string,
  sha256s: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(sha256s)];
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom('evidence')
    .select('sha256')
    .distinct()
    .where('round_id', '=', roundId)
    .where('branch_code', '=', branchCode)
    .where('sha256', 'in', wanted)
    .execute();
  const have = new Set(rows.map((r) => r.sha256));
  return wanted.filter((s) => !have.has(s));
}
