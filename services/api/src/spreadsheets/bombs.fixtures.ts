/**
 * Hostile .xlsx files for tests, made in milliseconds: a tiny zip writer, and deflate data for huge
 * repetitive content built without ever holding that content (one compressed segment, repeated).
 */
import { constants, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** Bytes as stored in the archive (deflated unless `method` is 0). */
  stored: Buffer;
  /** What the central directory (and the local header) declare. */
  uncompressedSize: number;
  method?: 0 | 8;
  crc?: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An entry whose content is given: deflated (or stored), sizes and CRC true. */
export function entry(name: string, content: string | Buffer, method: 0 | 8 = 8): RawEntry {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return {
    name,
    stored: method === 8 ? deflateRawSync(data) : data,
    uncompressedSize: data.length,
    method,
    crc: crc32(data),
  };
}

/** A zip archive of the entries, in order, with a central directory and end record. */
export function writeZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method ?? 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names in UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(e.crc ?? 0, 14);
    local.writeUInt32LE(e.stored.length, 18);
    local.writeUInt32LE(e.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(e.crc ?? 0, 16);
    central.writeUInt32LE(e.stored.length, 20);
    central.writeUInt32LE(e.uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.stored);
    centrals.push(central, name);
    offset += local.length + name.length + e.stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Deflate blocks for `text`, flushed so that they can be followed by more blocks (none is final). */
const segment = (text: Buffer) => deflateRawSync(text, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
/** The last block of a deflate stream: final, fixed Huffman, empty. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * Deflate data for `head`, then `unit` repeated until the whole is about `bytes` long, then `tail`:
 * the repetition is one compressed megabyte repeated, so 256 MB of sheet XML is made in milliseconds
 * and packs into about a quarter of a megabyte. Returns the data and its exact inflated size.
 */
export function deflatedRepeat(
  head: string,
  unit: string,
  tail: string,
  bytes: number,
): { stored: Buffer; size: number } {
  const unitBytes = Buffer.from(unit, 'utf8');
  const perSegment = Math.max(1, Math.floor(Math.min(bytes, 1024 * 1024) / unitBytes.length));
  const mb = Buffer.concat(Array.from({ length: perSegment }, () => unitBytes));
  const times = Math.max(1, Math.round(bytes / mb.length));
  const h = Buffer.from(head, 'utf8');
  const t = Buffer.from(tail, 'utf8');
  const mbSegment = segment(mb);
  const stored = Buffer.concat([
    segment(h),
    ...Array.from({ length: times }, () => mbSegment),
    segment(t),
    FINAL_BLOCK,
  ]);
  return { stored, size: h.length + times * mb.length + t.length };
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  '</Types>';
const ROOT_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
  '</Relationships>';
const WORKBOOK_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '</Relationships>';
const NS =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

export const workbookXml = (definedNames = '') =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  `<workbook ${NS}><sheets><sheet name="任务" sheetId="1" r:id="rId1"/></sheets>` +
  (definedNames ? `<definedNames>${definedNames}</definedNames>` : '') +
  '</workbook>';

export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ${NS}><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';

/** An .xlsx with one sheet, its XML given whole (the other parts small and true). */
export function xlsxWithSheet(sheetXml: string, opts: { definedNames?: string } = {}): Buffer {
  return writeZip([
    entry('[Content_Types].xml', CONTENT_TYPES),
    entry('_rels/.rels', ROOT_RELS),
    entry('xl/workbook.xml', workbookXml(opts.definedNames)),
    entry('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    entry('xl/worksheets/sheet1.xml', sheetXml),
  ]);
}

/** One row of the bomb's sheet: an inline-string cell (what an office's bloated export looks like). */
const BOMB_ROW = '<row><c t="inlineStr"><is><t>五星支部五星支部五星支部</t></is></c></row>';

/**
 * An .xlsx whose sheet unpacks to about `unpackedBytes`. `declare` says what its directory claims:
 * `true` (the default) the truth, or a number of bytes (a lying header: the stream inflates far beyond).
 */
export function xlsxBomb(unpackedBytes: number, declare: true | number = true): Buffer {
  const sheet = deflatedRepeat(SHEET_HEAD, BOMB_ROW, SHEET_TAIL, unpackedBytes);
  return writeZip([
    entry('[Content_Types].xml', CONTENT_TYPES),
    entry('_rels/.rels', ROOT_RELS),
    entry('xl/workbook.xml', workbookXml()),
    entry('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    {
      name: 'xl/worksheets/sheet1.xml',
      stored: sheet.stored,
      uncompressedSize: declare === true ? sheet.size : declare,
    },
  ]);
}

/** `count` rows of one small cell each, numbered from 1 (or from `first`). */
export function rowsXml(count: number, first = 1): string {
  const rows: string[] = [];
  for (let r = first; r < first + count; r++) rows.push(`<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`);
  return SHEET_HEAD + rows.join('') + SHEET_TAIL;
}
