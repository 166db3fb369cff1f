import { defaultCatalogFor } from '@fivestar/contracts';
import { catalogToWorkbook } from '../catalogs/excel';
import { deflatedRepeat, entry, writeZip, xlsxBomb } from './bombs.fixtures';
import { DEFAULT_SPREADSHEET_LIMITS as LIMITS, SpreadsheetRefusal, type SpreadsheetLimits } from './limits';
import { inflateEntries, inflateEntry, readCentralDirectory } from './zip';

const MB = 1024 * 1024;

/** The refusal `fn` throws (synchronously or not), for matching. */
async function refusal(fn: () => unknown): Promise<{ kind: string; limit?: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpreadsheetRefusal);
    const r = err as SpreadsheetRefusal;
    return { kind: r.kind, limit: r.limit, message: r.message };
  }
  throw new Error('expected a refusal');
}

describe('the central directory, read before anything is inflated', () => {
  it('lists the entries of a workbook we wrote, with their sizes', async () => {
    const xlsx = await catalogToWorkbook(defaultCatalogFor('rural')!);
    const entries = readCentralDirectory(xlsx, LIMITS);
    expect(entries.map((e) => e.name)).toEqual(
      expect.arrayContaining(['xl/workbook.xml', 'xl/worksheets/sheet3.xml']),
    );
    const contents: string[] = [];
    const total = await inflateEntries(xlsx, entries, LIMITS, (e, c) => {
      expect(c.length).toBe(e.uncompressedSize);
      contents.push(c.toString('utf8'));
    });
    expect(total).toBe(entries.reduce((n, e) => n + e.uncompressedSize, 0));
    expect(contents.some((c) => c.includes('<sheetData>'))).toBe(true);
  });

  it('refuses a bomb that declares its size at once, naming the limit (256 MB from under 1 MB)', async () => {
    const bomb = xlsxBomb(256 * MB);
    expect(bomb.length).toBeLessThan(1 * MB);
    const started = Date.now();
    expect(await refusal(() => readCentralDirectory(bomb, LIMITS))).toEqual({
      kind: 'limit',
      limit: 'uncompressed',
      message: '文件解压后超过20MB，已拒绝',
    });
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses one entry compressed beyond the ratio, though the whole is under the size limit', async () => {
    const { stored, size } = deflatedRepeat('<a>', 'x', '</a>', 5 * MB);
    const zip = writeZip([entry('a.xml', '<a/>'), { name: 'b.xml', stored, uncompressedSize: size }]);
    expect(await refusal(() => readCentralDirectory(zip, LIMITS))).toMatchObject({
      limit: 'ratio',
      message: '文件中有内容的压缩比超过100倍（疑似压缩炸弹），已拒绝',
    });
    // Small entries may compress as well as they like.
    const small = deflatedRepeat('<a>', 'x', '</a>', 512 * 1024);
    expect(
      readCentralDirectory(writeZip([{ name: 'b.xml', ...small, uncompressedSize: small.size }]), LIMITS),
    ).toHaveLength(1);
  });

  it('refuses too many entries, and many entries pointing at the same data (overlapping bomb)', async () => {
    const many = writeZip(Array.from({ length: 1001 }, (_, i) => entry(`f${i}.xml`, '<a/>')));
    expect(await refusal(() => readCentralDirectory(many, LIMITS))).toMatchObject({ limit: 'entries' });
    // One deflated megabyte named 64 times by the directory: honest sizes, so the sum refuses it.
    const one = deflatedRepeat('', 'abcd', '', 1 * MB);
    const zip = writeZip([{ name: 'x.xml', stored: one.stored, uncompressedSize: one.size }]);
    const overlapped = overlap(zip, 64);
    expect(await refusal(() => readCentralDirectory(overlapped, LIMITS))).toMatchObject({
      limit: 'uncompressed',
    });
  });

  it('refuses archives it would read differently from exceljs, or cannot read', async () => {
    const good = writeZip([entry('a.xml', '<a/>')]);
    const malformed = (b: Buffer) => refusal(() => readCentralDirectory(b, LIMITS));
    expect(await malformed(Buffer.from('PK\u0003\u0004 not really'))).toMatchObject({ kind: 'malformed' });
    // Bytes before the archive shift every offset for JSZip.
    expect(await malformed(Buffer.concat([Buffer.from('MZ prefix'), good]))).toMatchObject({
      message: expect.stringContaining('目录的位置不符'),
    });
    const encrypted = Buffer.from(good);
    encrypted.writeUInt16LE(0x801, encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8);
    expect(await malformed(encrypted)).toMatchObject({ message: expect.stringContaining('已加密') });
    const bzip = writeZip([{ ...entry('a.xml', '<a/>'), method: 12 as unknown as 8 }]);
    expect(await malformed(bzip)).toMatchObject({ message: expect.stringContaining('不支持的压缩方式') });
    const zip64 = Buffer.from(good);
    zip64.writeUInt32LE(0xffffffff, zip64.length - 6);
    expect(await malformed(zip64)).toMatchObject({ message: expect.stringContaining('ZIP64') });
    expect(await malformed(good.subarray(0, good.length - 30))).toMatchObject({ kind: 'malformed' });
  });
});

describe('inflating, with the bytes counted', () => {
  it('stops a header that lies as soon as the stream passes its declared size', async () => {
    const bomb = xlsxBomb(256 * MB, 64 * 1024);
    const entries = readCentralDirectory(bomb, LIMITS); // the directory says 64 kB: nothing to refuse yet
    const started = Date.now();
    expect(await refusal(() => inflateEntries(bomb, entries, LIMITS, () => undefined))).toEqual({
      kind: 'malformed',
      limit: undefined,
      message: '文件不是有效的Excel工作簿（.xlsx）：解压后的实际大小与压缩包声明的不符',
    });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('refuses a header that claims more than the stream holds, and data that does not inflate', async () => {
    const e = entry('a.xml', '<a>hello</a>');
    const buf = writeZip([{ ...e, uncompressedSize: e.uncompressedSize + 1 }]);
    const [declared] = readCentralDirectory(buf, LIMITS);
    expect(await refusal(() => inflateEntry(buf, declared!))).toMatchObject({ kind: 'malformed' });
    const garbage = writeZip([
      { name: 'a.xml', stored: Buffer.from([0xff, 0xff, 0xff]), uncompressedSize: 3 },
    ]);
    const [g] = readCentralDirectory(garbage, LIMITS);
    expect(await refusal(() => inflateEntry(garbage, g!))).toMatchObject({
      message: expect.stringContaining('压缩数据已损坏'),
    });
  });

  it('holds the total to the limit as it inflates, whatever was declared', async () => {
    const limits: SpreadsheetLimits = { ...LIMITS, maxUncompressedBytes: 1000 };
    const zip = writeZip([entry('a.xml', 'a'.repeat(600)), entry('b.xml', 'b'.repeat(600))]);
    const entries = readCentralDirectory(zip, LIMITS);
    expect(await refusal(() => inflateEntries(zip, entries, limits, () => undefined))).toMatchObject({
      limit: 'uncompressed',
      message: '文件解压后超过1KB，已拒绝',
    });
  });
});

/** The archive's one entry named `times` times by its central directory, all at the same data. */
function overlap(zip: Buffer, times: number): Buffer {
  const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  const eocd = zip.length - 22;
  const record = zip.subarray(cd, eocd);
  const directory = Buffer.concat(Array.from({ length: times }, () => record));
  const end = Buffer.from(zip.subarray(eocd));
  end.writeUInt16LE(times, 8);
  end.writeUInt16LE(times, 10);
  end.writeUInt32LE(directory.length, 12);
  return Buffer.concat([zip.subarray(0, cd), directory, end]);
}
