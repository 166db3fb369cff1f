import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SHA256_HEX } from '@fivestar/contracts';

/**
 * Where evidence files (佐证材料) live: content-addressed by sha256, so the same bytes are stored once
 * however many branches or rounds refer to them. Metadata (who, which branch and round, the file name)
 * is the database's business, not the store's.
 */
export interface EvidenceStore {
  /** Stores the bytes (a no-op when they are stored already); answers their sha256 in lower-case hex. */
  put(bytes: Uint8Array): Promise<string>;
  /** The stored bytes, or null when nothing is stored under `sha256` (or it is not a sha256). */
  get(sha256: string): Promise<Readable | null>;
  has(sha256: string): Promise<boolean>;
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The default root: `${FIVESTAR_VAR:-var}/evidence`, relative to the working directory. */
export function defaultEvidenceDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.FIVESTAR_VAR || 'var', 'evidence');
}

/**
 * The store on the local disk: `<root>/ab/cd/<sha256>`. A write goes to a temporary file in the target
 * folder (same file system), is flushed to disk, then renamed into place: readers see the whole file or
 * none, and two writers of the same bytes both end with the one file.
 */
export class LocalDiskEvidenceStore implements EvidenceStore {
  constructor(readonly root: string) {}

  /** The file of a sha256 (which must be one: nothing else ever reaches the file system). */
  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new TypeError(`not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = sha256Of(bytes);
    const file = this.pathOf(sha256);
    if (await this.has(sha256)) return sha256;
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const fh = await open(tmp, 'wx', 0o640);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return sha256;
  }

  async get(sha256: string): Promise<Readable | null> {
    if (!SHA256_HEX.test(sha256)) return null;
    try {
      const fh = await open(this.pathOf(sha256), 'r');
      return fh.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256_HEX.test(sha256)) return false;
    try {
      await access(this.pathOf(sha256), constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }
}

export const localEvidenceStore = (root = defaultEvidenceDir()) => new LocalDiskEvidenceStore(root);
