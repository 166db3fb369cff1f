import { defaultCatalogFor } from '@fivestar/contracts';
import { Problem } from '../gateway/problem';
import { exportCatalog, importCatalog, JSON_CONTENT_TYPE, templateFile, XLSX_CONTENT_TYPE } from './files';
import { importProblem } from './routes';
import { catalogDigest, checkNewVersion } from './versions';
import { closeIdleWorkers } from '../spreadsheets';

const urban = defaultCatalogFor('urban')!;

afterAll(closeIdleWorkers);

describe('one call per route', () => {
  // The workbook is read in a worker thread, whose first start loads exceljs: give it time.
  it('exports JSON and xlsx files that import back unchanged', async () => {
    const json = await exportCatalog(urban, 'json');
    expect(json).toMatchObject({ filename: 'urban-default.v1.json', contentType: JSON_CONTENT_TYPE });
    const xlsx = await exportCatalog(urban, 'xlsx');
    expect(xlsx).toMatchObject({ filename: 'urban-default.v1.xlsx', contentType: XLSX_CONTENT_TYPE });
    // Told apart by content, whatever the declared type.
    expect(await importCatalog(json.body)).toEqual({ ok: true, catalog: urban });
    expect(await importCatalog(xlsx.body, 'application/octet-stream')).toEqual({ ok: true, catalog: urban });
    expect(await importCatalog(json.body.toString('utf8'))).toEqual({ ok: true, catalog: urban });
    expect(await importCatalog(JSON.parse(json.body.toString('utf8')))).toEqual({ ok: true, catalog: urban });
  }, 30_000);

  it('serves a blank template per branch type', async () => {
    const t = await templateFile('enterprise');
    expect(t).toMatchObject({ filename: 'catalog-template-enterprise.xlsx', contentType: XLSX_CONTENT_TYPE });
    expect(t.body.subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses what is not a catalog file, and turns errors into a 400 problem', async () => {
    expect(await importCatalog(undefined)).toMatchObject({ ok: false, errors: [{ path: '' }] });
    expect(await importCatalog(Buffer.from('not xlsx'), XLSX_CONTENT_TYPE)).toMatchObject({
      ok: false,
      errors: [{ path: '', message: expect.stringContaining('不是有效的Excel') }],
    });
    const p = importProblem([{ path: '任务!D7', message: '分值必须是1到100之间的整数' }]);
    expect(p).toBeInstanceOf(Problem);
    expect(p).toMatchObject({
      status: 400,
      detail: '目录校验未通过，共1处错误',
      errors: [{ field: '任务!D7', message: '分值必须是1到100之间的整数' }],
    });
  });
});

describe('versions', () => {
  const stored = [{ version: 1, branchType: 'urban' as const, digest: catalogDigest(urban) }];

  it('digests by content, not key order', () => {
    const reordered = Object.fromEntries(Object.entries(urban).reverse()) as typeof urban;
    expect(catalogDigest(reordered)).toBe(catalogDigest(urban));
    const edited = { ...urban, title: `${urban.title}（修订）` };
    expect(catalogDigest(edited)).not.toBe(catalogDigest(urban));
  });

  it('never changes a stored version: an edit is the next version', () => {
    expect(checkNewVersion([], urban)).toEqual({ kind: 'new' });
    expect(checkNewVersion(stored, urban)).toEqual({ kind: 'unchanged' });
    const edited = { ...urban, title: `${urban.title}（修订）` };
    expect(checkNewVersion(stored, edited)).toEqual({
      kind: 'conflict',
      message: '目录 urban-default 的第1版已存在且内容不同；已发布的版本不能修改，请将版本号改为2后重新导入',
    });
    expect(checkNewVersion(stored, { ...edited, version: 2 })).toEqual({ kind: 'new' });
    const two = [...stored, { version: 3, branchType: 'urban' as const, digest: 'x' }];
    expect(checkNewVersion(two, { ...edited, version: 2 })).toMatchObject({ kind: 'conflict' });
    expect(checkNewVersion(stored, { ...edited, version: 2, branchType: 'rural' })).toMatchObject({
      kind: 'conflict',
    });
  });
});
