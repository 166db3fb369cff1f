import * as ExcelJS from 'exceljs';
import { defaultCatalogFor } from '@fivestar/contracts';
import { problemOf as answerOf, type Problem } from '../gateway/problem';
import { Refusal } from '../refusal';
import { rowsXml, xlsxBomb, xlsxWithSheet } from '../spreadsheets/bombs.fixtures';
import { closeIdleWorkers, DEFAULT_SPREADSHEET_LIMITS } from '../spreadsheets';
import { catalogToWorkbook } from './excel';
import { importCatalog, parseCatalogUpload } from './files';

const rural = defaultCatalogFor('rural')!;
const MB = 1024 * 1024;

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function problemOf(p: Promise<unknown>): Promise<Problem> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Refusal);
  return answerOf(err as Refusal);
}

// Workbooks are read in worker threads, whose first start loads exceljs.
jest.setTimeout(30_000);
afterAll(closeIdleWorkers);

describe('an uploaded catalog workbook, read in a worker within the limits', () => {
  it('reads a workbook an office has dressed up (images, links, formats, tables, validations)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await catalogToWorkbook(rural)) as unknown as ExcelJS.Buffer);
    const tasks = wb.getWorksheet('任务')!;
    const image = wb.addImage({ buffer: PNG as unknown as ExcelJS.Buffer, extension: 'png' });
    tasks.addImage(image, 'H2:I4');
    tasks.addConditionalFormatting({
      ref: 'D2:D40',
      rules: [{ type: 'cellIs', operator: 'greaterThan', formulae: [5], priority: 1, style: {} }],
    });
    tasks.getCell('H1').value = { text: '说明', hyperlink: 'https://example.org/' };
    const extra = wb.addWorksheet('附表');
    extra.addTable({
      name: 'Extra',
      ref: 'A1',
      columns: [{ name: '项目' }, { name: '备注' }],
      rows: [
        ['甲', '乙'],
        ['丙', '丁'],
      ],
    });
    const dressed = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await parseCatalogUpload(dressed)).toEqual({ ok: true, catalog: rural });
  });

  it('refuses a zip bomb with the 413 naming the limit, before any worker', async () => {
    const started = Date.now();
    const p = await problemOf(importCatalog(xlsxBomb(256 * MB)));
    expect(p).toMatchObject({
      status: 413,
      title: '文件超出解析限制',
      detail: '文件解压后超过20MB，已拒绝',
      errors: [{ field: 'body', message: '文件解压后超过20MB，已拒绝' }],
    });
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('reports an archive whose sizes lie as an unreadable file (400 with the other import errors)', async () => {
    expect(await importCatalog(xlsxBomb(256 * MB, 64 * 1024))).toEqual({
      ok: false,
      errors: [
        { path: '', message: '文件不是有效的Excel工作簿（.xlsx）：解压后的实际大小与压缩包声明的不符' },
      ],
    });
  });

  it('refuses too many rows (413), and follows the limits it is given', async () => {
    const p = await problemOf(importCatalog(xlsxWithSheet(rowsXml(10_001))));
    expect(p).toMatchObject({ status: 413, detail: '工作表超过10000行，已拒绝' });
    const limits = { ...DEFAULT_SPREADSHEET_LIMITS, maxUncompressedBytes: 10 * 1024 };
    const small = await problemOf(importCatalog(await catalogToWorkbook(rural), undefined, { limits }));
    expect(small).toMatchObject({ status: 413, detail: '文件解压后超过10KB，已拒绝' });
  });
});
