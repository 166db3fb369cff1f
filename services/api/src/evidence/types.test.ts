import { crc32 } from 'node:zlib';
import { defaultCatalogFor } from '@fivestar/contracts';
import { catalogToWorkbook } from '../catalogs';
import { declaredTypeAgrees, sniffEvidenceType, zipEntryNames } from './types';

/** A zip archive of stored (uncompressed) entries, written the way office suites do. */
function zip(entries: Record<string, string>, opts: { comment?: string } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const n = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += local.length + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(opts.comment ?? '', 'utf8');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(entries).length, 8);
  eocd.writeUInt16LE(Object.keys(entries).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, cd, eocd, comment]);
}

const CT = '[Content_Types].xml';
const docx = () =>
  zip({ [CT]: '<Types/>', '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>' });

const ftyp = (major: string, ...compatible: string[]) => {
  const box = Buffer.alloc(16 + 4 * compatible.length);
  box.writeUInt32BE(box.length, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((c, i) => box.write(c, 16 + 4 * i, 'latin1'));
  return Buffer.concat([box, Buffer.alloc(32)]);
};

describe('evidence types by their first bytes', () => {
  it('knows the accepted types', async () => {
    const xlsx = await catalogToWorkbook(defaultCatalogFor('rural')!);
    const cases: [Buffer, string | undefined][] = [
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'image'],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'image'],
      [Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1'), 'pdf'],
      [docx(), 'document'],
      [xlsx, 'spreadsheet'],
      [ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video'],
      [ftyp('mp42'), 'video'],
      [ftyp('XYZW', 'mp42'), 'video'], // an unknown major brand that is compatible with MP4
    ];
    for (const [bytes, kind] of cases) expect(sniffEvidenceType(bytes)?.kind).toBe(kind);
    expect(sniffEvidenceType(xlsx)?.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(sniffEvidenceType(docx())?.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
  });

  it('refuses everything else, whatever it calls itself', () => {
    const refused = [
      Buffer.from('<html><script>alert(1)</script></html>'),
      Buffer.from('GIF89a....'),
      Buffer.from('MZ\x90\x00'), // a Windows program
      zip({ 'evil.exe': 'MZ' }), // a zip that is no office document
      zip({ [CT]: '<Types/>', 'ppt/presentation.xml': '<p/>' }), // PowerPoint
      ftyp('heic', 'mif1', 'heic'), // a HEIF photo in the MP4 container
      ftyp('qt  ', 'qt  '), // QuickTime
      Buffer.alloc(0),
      Buffer.from([0xff, 0xd8]),
    ];
    for (const bytes of refused) expect(sniffEvidenceType(bytes)).toBeNull();
  });

  it('reads zip entry names from the central directory, behind a comment too', () => {
    const names = zipEntryNames(
      zip({ [CT]: 'x', 'word/document.xml': 'y' }, { comment: 'made by 办公软件' }),
    );
    expect(names).toEqual([CT, 'word/document.xml']);
    // No end record (a truncated upload): the local headers still name the entries.
    const whole = docx();
    expect(zipEntryNames(whole.subarray(0, whole.length - 22))).toContain('word/document.xml');
  });

  it('checks a declared Content-Type against the content', () => {
    const png = sniffEvidenceType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))!;
    const jpeg = sniffEvidenceType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))!;
    expect(declaredTypeAgrees(undefined, png)).toBe(true);
    expect(declaredTypeAgrees('application/octet-stream', png)).toBe(true);
    expect(declaredTypeAgrees('image/png', png)).toBe(true);
    expect(declaredTypeAgrees('IMAGE/JPG; name=a.jpg', jpeg)).toBe(true);
    expect(declaredTypeAgrees('image/jpeg', png)).toBe(false);
    expect(declaredTypeAgrees('application/pdf', png)).toBe(false);
  });
});
