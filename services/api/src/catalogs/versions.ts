import { createHash } from 'node:crypto';
import type { BranchType, Catalog } from '@fivestar/contracts';

/** JSON with object keys sorted at every level, so equal catalogs give equal text whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of a catalog's canonical JSON: what a stored version is compared by. */
export function catalogDigest(catalog: Catalog): string {
  return createHash('sha256').update(canonical(catalog)).digest('hex');
}

/** A version already stored under the same catalog id. */
export interface StoredVersion {
  version: number;
  branchType: BranchType;
  digest: string;
}

export type VersionCheck =
  /** Store it: a version above every stored one. */
  | { kind: 'new' }
  /** The very same content is stored under this version already: nothing to do (an import is repeatable). */
  | { kind: 'unchanged' }
  /** Refused: a stored version would change, or the versions would go backwards, or the type would change. */
  | { kind: 'conflict'; message: string };

/**
 * Whether an imported catalog may be stored next to the versions already stored under its id. A stored
 * version is never changed (a round pins id + version and must keep reading the same thing), so an edit is
 * a new version above the highest; re-importing identical content is harmless.
 */
export function checkNewVersion(stored: readonly StoredVersion[], incoming: Catalog): VersionCheck {
  const same = stored.find((s) => s.version === incoming.version);
  if (same) {
    if (same.digest === catalogDigest(incoming)) return { kind: 'unchanged' };
    const next = Math.max(...stored.map((s) => s.version)) + 1;
    return {
      kind: 'conflict',
      message: `目录 ${incoming.id} 的第${incoming.version}版已存在且内容不同；已发布的版本不能修改，请将版本号改为${next}后重新导入`,
    };
  }
  const max = stored.reduce((m, s) => Math.max(m, s.version), 0);
  if (incoming.version < max) {
    return {
      kind: 'conflict',
      message: `目录 ${incoming.id} 已有第${max}版，新版本号须大于${max}（建议${max + 1}）`,
    };
  }
  const other = stored.find((s) => s.branchType !== incoming.branchType);
  if (other) {
    return {
      kind: 'conflict',
      message: `目录 ${incoming.id} 的已有版本是 ${other.branchType} 类型，不能改为 ${incoming.branchType}；请换用新的目录标识`,
    };
  }
  return { kind: 'new' };
}
