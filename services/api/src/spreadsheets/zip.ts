import { createInflateRaw } from 'node:zlib';
import { NOT_A_WORKBOOK, SpreadsheetRefusal, type SpreadsheetLimits } from './limits';

/** One entry of a zip archive, as its central directory declares it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated: nothing else is accepted. */
  method: 0 | 8;
  compressedSize: number;
  uncompressedSize: number;
  /** Where the entry's stored bytes start (past its local header). */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** An .xlsx file is a zip archive: it starts with `PK\x03\x04`. */
export const isZip = (b: Uint8Array): boolean =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

const malformed = (why: string) => SpreadsheetRefusal.malformed(`${NOT_A_WORKBOOK}：${why}`);

/**
 * Reads the archive's central directory (its table of contents, at the end) and nothing else: no entry
 * is inflated. Refuses, before any work, an archive that declares more than the limits allow (too many
 * entries, too many bytes once unpacked, an entry compressed beyond `maxRatio`), and one we would read
 * differently from exceljs's unzipper (JSZip): ZIP64, split archives, bytes before the archive, entries
 * outside it, encryption, compression other than deflate. The entries' declared sizes are then held
 * true by `inflateEntries`, which counts what each one really inflates to.
 */
export function readCentralDirectory(bytes: Uint8Array, limits: SpreadsheetLimits): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < EOCD_SIZE) throw malformed('文件不完整');
  // The end record, searched from the end as JSZip does (its last occurrence wins).
  let eocd = -1;
  for (let p = buf.length - 4; p >= Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT); p--) {
    if (buf.readUInt32LE(p) === EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0 || eocd > buf.length - EOCD_SIZE) throw malformed('找不到压缩包目录');
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) throw malformed('不支持ZIP64格式');
  const disk = buf.readUInt16LE(eocd + 4);
  const directoryDisk = buf.readUInt16LE(eocd + 6);
  const entriesHere = buf.readUInt16LE(eocd + 8);
  const count = buf.readUInt16LE(eocd + 10);
  const directorySize = buf.readUInt32LE(eocd + 12);
  const directoryOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw malformed('不支持ZIP64格式');
  }
  if (disk !== 0 || directoryDisk !== 0 || entriesHere !== count) throw malformed('不支持分卷压缩包');
  if (count > limits.maxEntries) throw SpreadsheetRefusal.over('entries', limits);
  if (count === 0) throw malformed('压缩包是空的');
  // The directory ends where the end record starts: no bytes before the archive (JSZip would shift every
  // offset by them), none hidden between.
  if (directoryOffset + directorySize !== eocd) throw malformed('压缩包目录的位置不符');

  const entries: ZipEntry[] = [];
  let total = 0;
  let p = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CENTRAL) throw malformed('压缩包目录已损坏');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > eocd) throw malformed('压缩包目录已损坏');
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    p = end;
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      throw malformed('不支持ZIP64格式');
    }
    if (flags & 0x1) throw malformed('文件已加密，请取消密码保护后再导入');
    if (method !== 0 && method !== 8) throw malformed('使用了不支持的压缩方式');
    if (method === 0 && compressedSize !== uncompressedSize) throw malformed('条目大小与声明不符');
    // The data starts past the local header, whose own name and extra field lengths count (as in JSZip).
    if (localOffset + 30 > directoryOffset || buf.readUInt32LE(localOffset) !== LOCAL) {
      throw malformed('压缩包条目已损坏');
    }
    const dataOffset =
      localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataOffset + compressedSize > directoryOffset) throw malformed('压缩包条目超出文件范围');
    total += uncompressedSize;
    entries.push({ name, method, compressedSize, uncompressedSize, dataOffset });
  }
  // Declared sizes first (the whole), then each entry's ratio: a small entry may compress as well as it
  // likes, a large one compressed a hundredfold is a bomb's.
  if (total > limits.maxUncompressedBytes) throw SpreadsheetRefusal.over('uncompressed', limits);
  for (const e of entries) {
    if (
      e.uncompressedSize > limits.ratioFloorBytes &&
      e.uncompressedSize > e.compressedSize * limits.maxRatio
    ) {
      throw SpreadsheetRefusal.over('ratio', limits);
    }
  }
  return entries;
}

const lying = () => malformed('解压后的实际大小与压缩包声明的不符');

/**
 * Inflates one entry as a stream, counting the bytes that come out: past its declared size (a header
 * that lies) it stops at once and refuses; short of it, too. Never holds more than the declared size.
 */
export function inflateEntry(buf: Buffer, entry: ZipEntry): Promise<Buffer> {
  const data = buf.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  const expected = entry.uncompressedSize;
  if (entry.method === 0 || (expected === 0 && data.length === 0)) return Promise.resolve(data);
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
    const chunks: Buffer[] = [];
    let count = 0;
    let settled = false;
    const fail = (err: SpreadsheetRefusal) => {
      if (settled) return;
      settled = true;
      inflater.destroy();
      reject(err);
    };
    inflater.on('data', (chunk: Buffer) => {
      count += chunk.length;
      if (count > expected) fail(lying());
      else chunks.push(chunk);
    });
    inflater.on('error', () => fail(malformed('压缩数据已损坏')));
    inflater.on('end', () => {
      if (settled) return;
      if (count !== expected) return fail(lying());
      settled = true;
      resolve(Buffer.concat(chunks, count));
    });
    inflater.end(data);
  });
}

/**
 * Inflates every entry (JSZip, under exceljs, inflates every one too), one after the other, handing each
 * to `visit`. The declared total was checked by `readCentralDirectory` and every entry is held to its
 * declared size, so no more than `maxUncompressedBytes` ever comes out; the count is kept all the same.
 */
export async function inflateEntries(
  bytes: Uint8Array,
  entries: ZipEntry[],
  limits: SpreadsheetLimits,
  visit: (entry: ZipEntry, content: Buffer) => void,
): Promise<number> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  for (const entry of entries) {
    const content = await inflateEntry(buf, entry);
    total += content.length;
    if (total > limits.maxUncompressedBytes) throw SpreadsheetRefusal.over('uncompressed', limits);
    visit(entry, content);
  }
  return total;
}
