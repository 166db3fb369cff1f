import { SpreadsheetRefusal, NOT_A_WORKBOOK, type SpreadsheetLimits } from './limits';

/**
 * What a workbook's XML asks exceljs to build, counted before exceljs sees it. Sizes alone do not bound
 * the work: a few hundred bytes can name a merged range over a whole sheet (exceljs makes every cell of
 * it), a defined name over a million cells (exceljs indexes each), a column definition up to column two
 * billion (one object each), or a row numbered a million (the reader then walks every row up to it).
 * So the XML is read once, linearly, the way exceljs's parser (saxes) will read it:
 *
 * - rows and cells are counted (`<row>`, `<c>`), and the highest row number a row names is kept;
 * - `<col min max>` may not go past the last column;
 * - merged ranges (`<mergeCell ref>`) are counted and, with the ranges of defined names, measured in
 *   cells, exactly as exceljs's address decoder reads them (loose: it skips what it does not know);
 * - a DOCTYPE or ENTITY declaration is refused outright (office files never have one).
 *
 * Every entry is scanned, whatever its name (exceljs picks parts by unanchored patterns). Entity and
 * character references in attribute values are decoded first; comments, CDATA and processing
 * instructions are skipped as saxes skips them. Element names are compared without their prefix, which
 * counts more than exceljs reads (it ignores prefixed elements), never less.
 */
export interface ScanTotals {
  rows: number;
  cells: number;
  /** The highest row number a `<row r>` names. */
  maxRow: number;
  merges: number;
  /** Cells covered by merged ranges and by the ranges of defined names. */
  rangeCells: number;
}

const GT = 0x3e;
const DQ = 0x22;
const SQ = 0x27;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;

/** Characters of an XML name (ASCII part; anything above 0x7f counts as a name character too). */
const isNameChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x30 && c <= 0x39) ||
  c === 0x3a ||
  c === 0x5f ||
  c === 0x2d ||
  c === 0x2e ||
  c > 0x7f;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Attribute or text content with its references decoded, as saxes hands it on. */
export function decodeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,8}|#[0-9]{1,10}|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref]!;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The attributes of a start tag (`name="value"`, either quote), decoded. */
function attributes(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of raw.matchAll(/([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    // saxes normalises whitespace in attribute values to spaces.
    out.set(m[1]!, decodeXml(m[2] ?? m[3] ?? '').replace(/[\t\n\r]/g, ' '));
  }
  return out;
}

interface Address {
  col?: number;
  row?: number;
}

/**
 * exceljs's `colCache.decodeAddress`, as loose as it is: capitals before the first digit make the
 * column, digits the row, anything else is skipped (a `$` anywhere), and once both are seen any other
 * character ends it.
 */
export function decodeAddressLoose(value: string): Address {
  let hasCol = false;
  let col = 0;
  let hasRow = false;
  let row = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!hasRow && c >= 0x41 && c <= 0x5a) {
      hasCol = true;
      col = col * 26 + c - 0x40;
    } else if (c >= 0x30 && c <= 0x39) {
      hasRow = true;
      row = row * 10 + c - 0x30;
    } else if (hasRow && hasCol && c !== 0x24) break;
  }
  return { col: hasCol ? col : undefined, row: hasRow ? row : undefined };
}

/** Cells exceljs visits for `A1:B2` (a single address: one; what it cannot loop over: none). */
export function rangeCells(reference: string): number {
  const parts = reference.split(':');
  if (parts.length < 2) return 1;
  const a = decodeAddressLoose(parts[0]!);
  const b = decodeAddressLoose(parts[1]!);
  if (a.col === undefined || a.row === undefined || b.col === undefined || b.row === undefined) return 0;
  return (Math.abs(b.row - a.row) + 1) * (Math.abs(b.col - a.col) + 1);
}

/** exceljs's `colCache.decodeEx` reads past a leading `sheet!` (quoted or not). */
const SHEET_PREFIX = /^(?:(?:'(?:[^']|'')*')|[^'^ !]*)!/;
/** exceljs's defined-names model keeps a range only when this matches what follows the last `!`. */
const KEPT_RANGE = /[$](\w+)[$](\d+)(:[$](\w+)[$](\d+))?/;

/** exceljs's `extractRanges`: the text of a defined name split at commas outside quoted sheet names. */
function extractRanges(text: string): string[] {
  const ranges: string[] = [];
  let open = false;
  let last = '';
  for (const item of text.split(',')) {
    if (!item) continue;
    const quotes = (item.match(/'/g) ?? []).length;
    if (!quotes) {
      if (open) last += `${item},`;
      else ranges.push(item);
      continue;
    }
    const even = quotes % 2 === 0;
    if (!open && even) ranges.push(item);
    else if (open && !even) {
      open = false;
      ranges.push(last + item);
      last = '';
    } else {
      open = true;
      last += `${item},`;
    }
  }
  return ranges;
}

/** Cells a defined name's text makes exceljs index. */
export function definedNameCells(text: string): number {
  let cells = 0;
  for (const range of extractRanges(text)) {
    if (!KEPT_RANGE.test(range.split('!').pop() ?? '')) continue;
    const reference = range.replace(SHEET_PREFIX, '');
    const a = decodeAddressLoose(reference.split(':')[0]!);
    // exceljs refuses (skips) a column past XFD.
    if ((a.col ?? 0) > 16_384) continue;
    cells += rangeCells(reference);
  }
  return cells;
}

/** Names exceljs reads into the page setup, not into its name index. */
const PAGE_SETUP_NAMES = new Set(['_xlnm.Print_Area', '_xlnm.Print_Titles']);

const malformed = (why: string) => SpreadsheetRefusal.malformed(`${NOT_A_WORKBOOK}：${why}`);

export class WorkbookScanner {
  readonly totals: ScanTotals = { rows: 0, cells: 0, maxRow: 0, merges: 0, rangeCells: 0 };

  constructor(private readonly limits: SpreadsheetLimits) {}

  /** Scans one entry's content; throws a SpreadsheetRefusal as soon as a limit is passed. */
  scan(content: Buffer): void {
    // Markup is ASCII, and UTF-8 never puts an ASCII byte inside a multi-byte character: latin1 is exact.
    const text = content.toString('latin1');
    const n = text.length;
    let i = 0;
    while (i < n) {
      const lt = text.indexOf('<', i);
      if (lt < 0) return;
      const next = text.charCodeAt(lt + 1);
      if (next === BANG || next === QUESTION || next === SLASH) {
        i = this.skipSpecial(text, lt);
        continue;
      }
      let j = lt + 1;
      while (j < n && isNameChar(text.charCodeAt(j))) j++;
      const name = text.slice(lt + 1, j);
      // The rest of the start tag, quoted values skipped whole (a `>` may sit inside one).
      let k = j;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === GT) break;
        if (c === DQ || c === SQ) {
          const close = text.indexOf(c === DQ ? '"' : "'", k + 1);
          k = close < 0 ? n : close + 1;
        } else k++;
      }
      const local = name.slice(name.indexOf(':') + 1);
      i = k + 1;
      if (local === 'c') {
        if (++this.totals.cells > this.limits.maxCells) throw SpreadsheetRefusal.over('cells', this.limits);
      } else if (local === 'row') {
        if (++this.totals.rows > this.limits.maxRows) throw SpreadsheetRefusal.over('rows', this.limits);
        const r = parseInt(attributes(text.slice(j, k)).get('r') ?? '', 10);
        if (r > this.totals.maxRow) this.totals.maxRow = r;
        if (r > this.limits.maxRows) throw SpreadsheetRefusal.over('rows', this.limits);
      } else if (local === 'col') {
        const a = attributes(text.slice(j, k));
        const last = Math.max(parseInt(a.get('min') || '0', 10), parseInt(a.get('max') || '0', 10));
        if (last > this.limits.maxColumns) throw SpreadsheetRefusal.over('columns', this.limits);
      } else if (local === 'mergeCell') {
        if (++this.totals.merges > this.limits.maxMerges)
          throw SpreadsheetRefusal.over('merges', this.limits);
        this.addRange(rangeCells(attributes(text.slice(j, k)).get('ref') ?? ''));
      } else if (local === 'definedName') {
        const raw = text.slice(j, k);
        if (raw.trimEnd().endsWith('/')) continue;
        const { content: nameText, end } = this.elementText(text, i, name);
        i = end;
        if (PAGE_SETUP_NAMES.has(attributes(raw).get('name') ?? '')) continue;
        this.addRange(definedNameCells(nameText));
      }
    }
  }

  private addRange(cells: number): void {
    this.totals.rangeCells += cells;
    if (this.totals.rangeCells > this.limits.maxRangeCells)
      throw SpreadsheetRefusal.over('ranges', this.limits);
  }

  /** Past a comment, CDATA section, processing instruction or end tag; a DTD is refused. */
  private skipSpecial(text: string, lt: number): number {
    const after = (marker: string, from: number) => {
      const at = text.indexOf(marker, from);
      return at < 0 ? text.length : at + marker.length;
    };
    if (text.startsWith('<!--', lt)) return after('-->', lt + 4);
    if (text.startsWith('<![CDATA[', lt)) return after(']]>', lt + 9);
    if (text.startsWith('<!DOCTYPE', lt) || text.startsWith('<!ENTITY', lt)) {
      throw malformed('不允许DOCTYPE或实体声明');
    }
    if (text.startsWith('<?', lt)) return after('?>', lt + 2);
    if (text.startsWith('</', lt)) return after('>', lt + 2);
    return lt + 2; // `<!` of anything else: not markup saxes would take
  }

  /**
   * The text exceljs collects for an element: every text node up to its end tag, joined (comments end
   * a text node but the parts are joined again; CDATA is dropped), references decoded. Nested elements
   * are stepped over, their text kept: more than exceljs may read, never less.
   */
  private elementText(text: string, from: number, name: string): { content: string; end: number } {
    const parts: string[] = [];
    let i = from;
    while (i < text.length) {
      const lt = text.indexOf('<', i);
      if (lt < 0) {
        parts.push(text.slice(i));
        i = text.length;
        break;
      }
      parts.push(text.slice(i, lt));
      if (text.startsWith(`</${name}`, lt)) {
        i = lt;
        break;
      }
      if (
        text.charCodeAt(lt + 1) === BANG ||
        text.charCodeAt(lt + 1) === QUESTION ||
        text.charCodeAt(lt + 1) === SLASH
      ) {
        i = this.skipSpecial(text, lt);
      } else {
        const gt = text.indexOf('>', lt);
        i = gt < 0 ? text.length : gt + 1;
      }
    }
    return { content: decodeXml(parts.join('')), end: i };
  }
}
