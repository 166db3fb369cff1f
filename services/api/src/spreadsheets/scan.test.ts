import * as ExcelJS from 'exceljs';
import { blankTemplate, catalogToWorkbook } from '../catalogs/excel';
import { defaultCatalogFor } from '@fivestar/contracts';
import { rowsXml, SHEET_HEAD, SHEET_TAIL, xlsxWithSheet } from './bombs.fixtures';
import { DEFAULT_SPREADSHEET_LIMITS as LIMITS, SpreadsheetRefusal } from './limits';
import { decodeAddressLoose, decodeXml, definedNameCells, rangeCells, WorkbookScanner } from './scan';
import { inspectWorkbook } from './serve';

// exceljs's own address decoder, which the scanner imitates.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const colCache = require('exceljs/lib/utils/col-cache') as {
  decodeAddress(v: string): { col?: number; row?: number };
};

const scan = (xml: string) => {
  const s = new WorkbookScanner(LIMITS);
  s.scan(Buffer.from(xml, 'utf8'));
  return s.totals;
};

function refusedBy(xml: string): string | undefined {
  try {
    scan(xml);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(SpreadsheetRefusal);
    return (err as SpreadsheetRefusal).limit ?? (err as SpreadsheetRefusal).message;
  }
}

const sheet = (inner: string, after = '') =>
  `${SHEET_HEAD}${inner}${SHEET_TAIL.replace('</worksheet>', `${after}</worksheet>`)}`;

describe('what the XML asks exceljs to build', () => {
  it('lets the workbooks we write through, with small totals', async () => {
    for (const book of [await catalogToWorkbook(defaultCatalogFor('rural')!), await blankTemplate('organ')]) {
      const totals = await inspectWorkbook(book, LIMITS);
      expect(totals.rows).toBeGreaterThan(5);
      expect(totals.rows).toBeLessThan(100);
      expect(totals.rangeCells).toBeLessThan(1000);
    }
  });

  it('counts rows and cells, and refuses past the limits', () => {
    expect(scan(rowsXml(3))).toMatchObject({ rows: 3, cells: 3, maxRow: 3 });
    expect(refusedBy(rowsXml(10_001))).toBe('rows');
    // One row numbered a million: the reader would walk every row up to it.
    expect(refusedBy(sheet('<row r="1000000"><c r="A1000000"/></row>'))).toBe('rows');
    // parseInt, as exceljs reads it: "1e9" is row 1.
    expect(scan(sheet('<row r="1e9"/>')).maxRow).toBe(1);
    const wide = `<row r="1">${'<c t="n"><v>1</v></c>'.repeat(100_001)}</row>`;
    expect(refusedBy(sheet(wide))).toBe('cells');
  });

  it('reads attributes the way saxes does: quotes, entities, prefixes, odd spacing', () => {
    // A `>` inside a value does not end the tag.
    expect(refusedBy(sheet(`<row foo=">" r='2000000'/>`))).toBe('rows');
    expect(refusedBy(sheet('<row r = "&#x32;000000"/>'))).toBe('rows');
    expect(refusedBy(sheet('<x:row r="2000000"/>'))).toBe('rows');
    expect(refusedBy(sheet('<!-- <row r="2000000"/> --><![CDATA[<row r="2000000"/>]]>'))).toBeUndefined();
    expect(decodeXml('&lt;&#65;&#x42;&amp;&bogus;')).toBe('<AB&&bogus;');
  });

  it('refuses column definitions past the last column (exceljs makes one object per column)', () => {
    expect(
      refusedBy(sheet('', '').replace('<sheetData>', '<cols><col min="1" max="16384"/></cols><sheetData>')),
    ).toBeUndefined();
    expect(
      refusedBy(sheet('').replace('<sheetData>', '<cols><col min="1" max="2000000000"/></cols><sheetData>')),
    ).toBe('columns');
  });

  it('measures merged ranges as exceljs loops over them, and counts them', () => {
    expect(scan(sheet('', '<mergeCells><mergeCell ref="A1:B3"/></mergeCells>')).rangeCells).toBe(6);
    expect(refusedBy(sheet('', '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>'))).toBe('ranges');
    // exceljs's decoder skips what it does not know: `$`, spaces, lower case before the column.
    expect(refusedBy(sheet('', '<mergeCells><mergeCell ref="$A$1: x$XFD$1048576"/></mergeCells>'))).toBe(
      'ranges',
    );
    const many = '<mergeCell ref="A1:A1"/>'.repeat(1001);
    expect(refusedBy(sheet('', `<mergeCells>${many}</mergeCells>`))).toBe('merges');
  });

  it('measures the ranges of defined names, through comments, entities and loose addresses', () => {
    expect(definedNameCells("'星级'!$A$2:$A$301")).toBe(300);
    expect(definedNameCells('Sheet1!$A$1:$XFD$1048576')).toBe(16_384 * 1_048_576);
    expect(definedNameCells('Sheet1!$A$1:$X_F_D$1048576')).toBe(16_384 * 1_048_576);
    expect(definedNameCells('OFFSET(Sheet1!$A$1,0,0,COUNTA(Sheet1!$A:$A),1)')).toBe(1);
    expect(definedNameCells('Sheet1!A1:B2')).toBe(0); // no `$col$row`: exceljs keeps no cells for it
    const names = (text: string, name = 'x') =>
      `<workbook><definedNames><definedName name="${name}">${text}</definedName></definedNames></workbook>`;
    expect(refusedBy(names('Sheet1!$A$1:$XFD$1048576'))).toBe('ranges');
    expect(refusedBy(names('Sheet1!$A$1:<!-- </definedName> -->$XFD$1048576'))).toBe('ranges');
    expect(refusedBy(names('Sheet1!$A$1:&#36;XFD&#36;1048576'))).toBe('ranges');
    // The print area goes to the page setup, not to the name index.
    expect(refusedBy(names('Sheet1!$A$1:$XFD$1048576', '_xlnm.Print_Area'))).toBeUndefined();
  });

  it('refuses a DTD (entity expansion) outright', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><worksheet/>';
    expect(refusedBy(xml)).toEqual(expect.stringContaining('不允许DOCTYPE'));
  });

  it('decodes addresses exactly as exceljs does', () => {
    for (const v of [
      'A1',
      '$A$1',
      'XFD1048576',
      'x$XFD$1048576',
      'AB12CD',
      ' B2',
      '12',
      'AB',
      '$A',
      '1A2',
      'A$1$',
      '',
    ]) {
      const ours = decodeAddressLoose(v);
      const theirs = colCache.decodeAddress(v);
      expect([v, ours.col, ours.row]).toEqual([v, theirs.col, theirs.row]);
    }
    expect(rangeCells('B2:A1')).toBe(4);
    expect(rangeCells('A:A')).toBe(0);
  });

  it('is linear on input built to make a naive scanner quadratic', () => {
    const started = Date.now();
    expect(refusedBy(`<a b="${'<c '.repeat(1_000_000)}`)).toBeUndefined();
    expect(refusedBy('<c '.repeat(1_000_000))).toBeUndefined(); // one tag that never ends (saxes refuses it)
    expect(refusedBy('<c/>'.repeat(1_000_000))).toBe('cells');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('a whole workbook', () => {
  it('inspects every part, whatever its name', async () => {
    const book = xlsxWithSheet(rowsXml(20_000));
    await expect(inspectWorkbook(book, LIMITS)).rejects.toMatchObject({ limit: 'rows' });
    const named = xlsxWithSheet(SHEET_HEAD + SHEET_TAIL, {
      definedNames: '<definedName name="a">S!$A$1:$Z$1000000</definedName>',
    });
    await expect(inspectWorkbook(named, LIMITS)).rejects.toMatchObject({ limit: 'ranges' });
  });

  it('lets a small sheet with a few merges and names through, which exceljs then reads', async () => {
    const xml = sheet(
      '<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c></row>',
      '<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>',
    );
    const book = xlsxWithSheet(xml, { definedNames: '<definedName name="a">任务!$A$1:$B$2</definedName>' });
    expect(await inspectWorkbook(book, LIMITS)).toMatchObject({
      rows: 1,
      cells: 1,
      merges: 1,
      rangeCells: 8,
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(book as unknown as ExcelJS.Buffer);
    expect(wb.getWorksheet('任务')?.getCell('A1').value).toBe('甲');
  });
});
