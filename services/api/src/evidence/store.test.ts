import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { defaultEvidenceDir, LocalDiskEvidenceStore, sha256Of } from './store';

let root: string;
let store: LocalDiskEvidenceStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'fivestar-evidence-'));
  store = new LocalDiskEvidenceStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under the root, relative, sorted. */
async function files(dir = root): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe('the local-disk evidence store', () => {
  const bytes = Buffer.from('村集体经济收支台账 2026', 'utf8');
  const sha = sha256Of(bytes);

  it('stores content under ab/cd/<sha256> and answers the sha256', async () => {
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.has(sha)).toBe(false);
    expect(await store.get(sha)).toBeNull();
    expect(await store.put(bytes)).toBe(sha);
    expect(await files()).toEqual([path.join(sha.slice(0, 2), sha.slice(2, 4), sha)]);
    expect(await store.has(sha)).toBe(true);
    expect(await text((await store.get(sha))!)).toBe(bytes.toString('utf8'));
    expect(await readFile(store.pathOf(sha))).toEqual(bytes);
  });

  it('stores identical content once, whoever puts it and however often', async () => {
    await store.put(bytes);
    const before = await stat(store.pathOf(sha));
    const again = await Promise.all(Array.from({ length: 8 }, () => store.put(Buffer.from(bytes))));
    expect(new Set(again)).toEqual(new Set([sha]));
    expect(await files()).toHaveLength(1);
    expect((await stat(store.pathOf(sha))).ino).toBe(before.ino); // not rewritten
  });

  it('writes atomically: concurrent first writers leave one whole file and no temporary files', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const shas = await Promise.all(Array.from({ length: 6 }, () => store.put(big)));
    expect(new Set(shas).size).toBe(1);
    expect(await files()).toEqual([path.relative(root, store.pathOf(shas[0]!))]);
    expect((await readFile(store.pathOf(shas[0]!))).equals(big)).toBe(true);
  });

  it('keeps different content apart', async () => {
    const a = await store.put(Buffer.from('a'));
    const b = await store.put(Buffer.from('b'));
    expect(a).not.toBe(b);
    expect(await files()).toHaveLength(2);
    expect(await text((await store.get(b))!)).toBe('b');
  });

  it('never lets a name that is not a sha256 reach the file system', async () => {
    for (const bad of ['../../etc/passwd', sha.toUpperCase(), sha.slice(1), `${sha}/..`, '']) {
      expect(await store.has(bad)).toBe(false);
      expect(await store.get(bad)).toBeNull();
      expect(() => store.pathOf(bad)).toThrow(TypeError);
    }
  });

  it('defaults to ${FIVESTAR_VAR:-var}/evidence', () => {
    expect(defaultEvidenceDir({ FIVESTAR_VAR: '/srv/fivestar' })).toBe('/srv/fivestar/evidence');
    expect(defaultEvidenceDir({})).toBe(path.resolve('var', 'evidence'));
  });
});
