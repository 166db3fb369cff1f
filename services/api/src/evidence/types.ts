import type { EvidenceKind } from '../schema';

/** Largest evidence file accepted (per file). */
export const EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;

/** What a file is, told by its first bytes (never by its name or the declared type alone). */
export interface EvidenceType {
  kind: EvidenceKind;
  /** The media type stored and served back. */
  contentType: string;
  /** What a person calls it, for messages. */
  label: string;
}

const JPEG: EvidenceType = { kind: 'image', contentType: 'image/jpeg', label: 'JPEG图片' };
const PNG: EvidenceType = { kind: 'image', contentType: 'image/png', label: 'PNG图片' };
const PDF: EvidenceType = { kind: 'pdf', contentType: 'application/pdf', label: 'PDF' };
const DOCX: EvidenceType = {
  kind: 'document',
  contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  label: 'Word文档（.docx）',
};
const XLSX: EvidenceType = {
  kind: 'spreadsheet',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  label: 'Excel表格（.xlsx）',
};
const MP4: EvidenceType = { kind: 'video', contentType: 'video/mp4', label: 'MP4视频' };

/** Every accepted type, for messages. */
export const ACCEPTED_TYPES: readonly EvidenceType[] = [JPEG, PNG, PDF, DOCX, XLSX, MP4];
export const ACCEPTED_TYPES_TEXT = 'JPEG/PNG图片、PDF、Word文档（.docx）、Excel表格（.xlsx）、MP4视频';

/** Other names clients give the accepted media types. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-pdf': 'application/pdf',
};

/** Declared types that say nothing about the content (the content decides). */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream']);

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.subarray(from, to)).toString('latin1');

/**
 * The names of the entries of a zip archive, from its central directory (or, when that cannot be found,
 * from the local headers in order). Names are stored uncompressed, so no inflating is needed.
 */
export function zipEntryNames(b: Uint8Array, max = 10_000): string[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const names: string[] = [];
  // End of central directory: 22 bytes + a comment of up to 65535 bytes, at the very end.
  for (let eocd = buf.length - 22; eocd >= Math.max(0, buf.length - 22 - 65_535); eocd--) {
    if (buf.readUInt32LE(eocd) !== 0x06054b50) continue;
    const count = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    for (let i = 0; i < Math.min(count, max) && p + 46 <= buf.length; i++) {
      if (buf.readUInt32LE(p) !== 0x02014b50) break;
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      names.push(buf.toString('utf8', p + 46, Math.min(buf.length, p + 46 + nameLen)));
      p += 46 + nameLen + extraLen + commentLen;
    }
    if (names.length > 0) return names;
    break;
  }
  // No usable central directory (truncated, zip64): walk the local headers while their sizes are known.
  let p = 0;
  while (p + 30 <= buf.length && names.length < max && buf.readUInt32LE(p) === 0x04034b50) {
    const flags = buf.readUInt16LE(p + 6);
    const compressed = buf.readUInt32LE(p + 18);
    const nameLen = buf.readUInt16LE(p + 26);
    const extraLen = buf.readUInt16LE(p + 28);
    names.push(buf.toString('utf8', p + 30, Math.min(buf.length, p + 30 + nameLen)));
    if (flags & 0x08) break; // sizes follow the data: the next header cannot be found without inflating
    p += 30 + nameLen + extraLen + compressed;
  }
  return names;
}

/** ISO base media brands of MP4 video (major or compatible). */
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'iso7',
  'iso8',
  'iso9',
  'mp41',
  'mp42',
  'avc1',
  'dash',
  'M4V ',
  'M4VH',
  'M4VP',
  'f4v ',
  'mmp4',
  'MSNV',
  'XAVC',
]);
/** Still-image brands (HEIF/AVIF) that share the container: not video. */
const IMAGE_BRANDS = new Set([
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'mif1',
  'msf1',
  'avif',
  'avis',
]);

function isMp4(b: Uint8Array): boolean {
  if (b.length < 12 || ascii(b, 4, 8) !== 'ftyp') return false;
  const boxSize = Buffer.from(b.buffer, b.byteOffset, b.byteLength).readUInt32BE(0);
  const major = ascii(b, 8, 12);
  if (IMAGE_BRANDS.has(major)) return false;
  if (MP4_BRANDS.has(major)) return true;
  const end = Math.min(b.length, boxSize >= 16 ? boxSize : 0);
  for (let p = 16; p + 4 <= end; p += 4) if (MP4_BRANDS.has(ascii(b, p, p + 4))) return true;
  return false;
}

/** The evidence type of `bytes` by their magic numbers, or null when it is not an accepted type. */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return PDF; // %PDF-
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const names = new Set(zipEntryNames(bytes));
    if (!names.has('[Content_Types].xml')) return null;
    if (names.has('word/document.xml')) return DOCX;
    if (names.has('xl/workbook.xml')) return XLSX;
    return null;
  }
  if (isMp4(bytes)) return MP4;
  return null;
}

/**
 * Whether a declared Content-Type agrees with what the content is: none or a generic one always does;
 * otherwise it must name the same media type (parameters and known aliases aside).
 */
export function declaredTypeAgrees(declared: string | undefined, actual: EvidenceType): boolean {
  const media = declared?.split(';')[0]!.trim().toLowerCase();
  if (!media || GENERIC_TYPES.has(media)) return true;
  return (ALIASES[media] ?? media) === actual.contentType;
}
