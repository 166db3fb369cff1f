import * as ExcelJS from 'exceljs';
import { defaultCatalogFor, type Catalog } from '@fivestar/contracts';
import { at, defaultCatalogCases, failed, rural } from './catalogs.fixtures';
import { blankTemplate, catalogToWorkbook, parseCatalogWorkbook } from './excel';
import type { CatalogError, CatalogParseResult } from './errors';

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return wb;
}

/** The rural default's workbook, edited the way an office would in Excel, then read back. */
async function ruralEdited(edit: (wb: ExcelJS.Workbook) => void): Promise<CatalogParseResult> {
  const wb = await load(await catalogToWorkbook(rural));
  edit(wb);
  return parseCatalogWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
}

const sheet = (wb: ExcelJS.Workbook, name: string) => wb.getWorksheet(name)!;

/** A failure: exactly these errors, and no catalog. */
function expectErrors(r: CatalogParseResult, errors: CatalogError[]) {
  expect(r).toEqual(failed(...errors));
  expect('catalog' in r).toBe(false);
}

describe('catalog workbook round trip', () => {
  it.each(defaultCatalogCases)('%s → workbook → parse gives the same catalog', async (_id, catalog) => {
    const r = await parseCatalogWorkbook(await catalogToWorkbook(catalog));
    expect(r).toEqual({ ok: true, catalog });
  });

  it('lays out 说明, 星级 and 任务 as the template says', async () => {
    const wb = await load(await catalogToWorkbook(rural));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '星级', '任务']);
    const guide = sheet(wb, '说明');
    const meta = Object.fromEntries(
      [3, 4, 5, 6, 7].map((r) => [guide.getCell(r, 1).value, guide.getCell(r, 2).value]),
    );
    expect(meta).toEqual({
      目录标识: 'rural-default',
      版本号: 1,
      支部类型: 'rural',
      目录名称: rural.title,
      示例: '是',
    });
    const stars = sheet(wb, '星级');
    expect(stars.getRow(2).values).toEqual([
      undefined,
      'industry',
      '产业兴旺星',
      40,
      '否',
      expect.objectContaining({ result: 50 }),
    ]);
    expect(stars.getCell('D6').value).toBe('是');
    const tasks = sheet(wb, '任务');
    expect(tasks.getRow(2).values).toEqual([
      undefined,
      'industry',
      'R-IND-1',
      '村集体经济收入达到20万元以上',
      10,
      'R-IND-1-E1|村集体经济收支台账|是|表格,PDF\nR-IND-1-E2|乡镇农经部门出具的集体经济收入审核证明|是|PDF,图片',
      'R-IND-1-V1|村集体经济收入未达标而虚报、造假，或以借款、补助资金充抵经营收入',
    ]);
    expect(tasks.actualRowCount).toBe(1 + 29);
  });
});

describe('blank template', () => {
  it("carries the type's stars and no tasks, and is refused until filled in", async () => {
    const buffer = await blankTemplate('organ');
    const wb = await load(buffer);
    expect(sheet(wb, '说明').getCell('B5').value).toBe('organ');
    const starCodes = [2, 3, 4, 5, 6].map((r) => sheet(wb, '星级').getCell(r, 1).value);
    expect(starCodes).toEqual(defaultCatalogFor('organ')!.stars.map((s) => s.code));
    expect(sheet(wb, '任务').actualRowCount).toBe(1);
    const r = await parseCatalogWorkbook(buffer);
    expect(r.ok).toBe(false);
    expect((r as { errors: unknown[] }).errors).toEqual(
      expect.arrayContaining([
        at('说明!B3', '目录标识不能为空'),
        at('说明!B6', '目录名称不能为空'),
        at('星级!C2', '达标分不能为空'),
        at('星级!A6', '星级“party”在“任务”表中没有任务'),
      ]),
    );
  });

  it('reads a template filled in by hand, in the forms people type', async () => {
    const wb = await load(await blankTemplate('rural'));
    const guide = sheet(wb, '说明');
    guide.getCell('B3').value = 'rural-411099';
    guide.getCell('B4').value = '3'; // typed as text
    guide.getCell('B5').value = '农村';
    guide.getCell('B6').value = '  某县农村“五星”支部创建标准（2026年版） ';
    guide.getCell('B7').value = '否';
    const stars = sheet(wb, '星级');
    [2, 3, 4, 5, 6].forEach((r) => (stars.getCell(r, 3).value = 8));
    const tasks = sheet(wb, '任务');
    const codes = ['industry', 'ecology', 'safety', 'civility', 'party'];
    codes.forEach((star, i) =>
      tasks.addRow([
        star,
        `T-${i + 1}`,
        `任务${i + 1}`,
        i === 0 ? '10' : 10,
        i === 0
          ? { richText: [{ text: 'T-1-E1｜收支台账｜是｜表格、pdf\r\n' }, { text: '\nT-1-E2|照片|否|' }] }
          : `T-${i + 1}-E1|记录`,
        i === 2 ? 'T-3-V1|发生刑事案件\nT-3-V2|描述里也可以有|竖线' : null,
      ]),
    );
    const r = await parseCatalogWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(r.ok).toBe(true);
    const c = (r as { catalog: Catalog }).catalog;
    expect(c).toMatchObject({
      id: 'rural-411099',
      version: 3,
      branchType: 'rural',
      title: '某县农村“五星”支部创建标准（2026年版）',
      example: false,
    });
    expect(c.stars.map((s) => [s.code, s.threshold, s.capstone, s.tasks.length])).toEqual([
      ['industry', 8, false, 1],
      ['ecology', 8, false, 1],
      ['safety', 8, false, 1],
      ['civility', 8, false, 1],
      ['party', 8, true, 1],
    ]);
    expect(c.stars[0]!.tasks[0]).toEqual({
      code: 'T-1',
      title: '任务1',
      points: 10,
      evidence: [
        { code: 'T-1-E1', title: '收支台账', required: true, kinds: ['spreadsheet', 'pdf'] },
        { code: 'T-1-E2', title: '照片', required: false, kinds: [] },
      ],
      vetoes: [],
    });
    expect(c.stars[1]!.tasks[0]!.evidence).toEqual([
      { code: 'T-2-E1', title: '记录', required: true, kinds: [] },
    ]);
    expect(c.stars[2]!.tasks[0]!.vetoes).toEqual([
      { code: 'T-3-V1', description: '发生刑事案件' },
      { code: 'T-3-V2', description: '描述里也可以有|竖线' },
    ]);
  });

  it('finds columns by their header, wherever they are', async () => {
    const r = await ruralEdited((wb) => {
      const tasks = sheet(wb, '任务');
      tasks.spliceColumns(3, 0, []); // an office's own column before 任务名称
      tasks.getCell('C1').value = '责任人';
      tasks.getCell('C2').value = '张三';
    });
    expect(r).toEqual({ ok: true, catalog: rural });
  });
});

describe('a bad workbook gives the precise error and no catalog', () => {
  it('missing sheet', async () => {
    expectErrors(await ruralEdited((wb) => wb.removeWorksheet(sheet(wb, '任务').id)), [
      at('任务', '缺少工作表“任务”'),
    ]);
  });

  it('missing column', async () => {
    expectErrors(await ruralEdited((wb) => (sheet(wb, '任务').getCell('D1').value = '得分')), [
      at('任务!1:1', '缺少列“分值”（第1行应为列名）'),
    ]);
  });

  it('missing identity row in 说明', async () => {
    expectErrors(await ruralEdited((wb) => (sheet(wb, '说明').getCell('A4').value = '版本')), [
      at('说明', '缺少“版本号”一行（A列填“版本号”，B列填其内容）'),
    ]);
  });

  it('non-numeric, zero, fractional and too large points', async () => {
    expectErrors(
      await ruralEdited((wb) => {
        const t = sheet(wb, '任务');
        t.getCell('D7').value = '十';
        t.getCell('D8').value = 0;
        t.getCell('D9').value = 2.5;
        t.getCell('D10').value = 101;
        t.getCell('D11').value = null;
      }),
      [
        at('任务!D7', '分值必须是1到100之间的整数'),
        at('任务!D8', '分值必须是1到100之间的整数'),
        at('任务!D9', '分值必须是1到100之间的整数'),
        at('任务!D10', '分值必须是1到100之间的整数'),
        at('任务!D11', '分值不能为空'),
      ],
    );
  });

  it('duplicate codes: task, evidence, star', async () => {
    expectErrors(
      await ruralEdited((wb) => {
        const t = sheet(wb, '任务');
        t.getCell('B8').value = 'R-IND-1';
        t.getCell('E3').value = 'R-IND-1-E1|合作社章程|是|PDF';
      }),
      [
        at('任务!E3', '第1条佐证材料：代码 R-IND-1-E1 与 任务!E2（第1条佐证材料） 重复'),
        at('任务!B8', '代码 R-IND-1 与 任务!B2 重复'),
      ],
    );
    expectErrors(await ruralEdited((wb) => sheet(wb, '星级').addRow(['party', '支部过硬星', 10, '否'])), [
      at('星级!A7', '星级代码 party 与 星级!A6 重复'),
    ]);
  });

  it('unknown star code in 任务', async () => {
    expectErrors(
      await ruralEdited((wb) => {
        const t = sheet(wb, '任务');
        t.getCell('A5').value = 'industy';
        t.getCell('A6').value = null;
      }),
      [at('任务!A5', '星级代码“industy”不在“星级”表中'), at('任务!A6', '星级代码不能为空')],
    );
  });

  it('threshold above the star total', async () => {
    expectErrors(await ruralEdited((wb) => (sheet(wb, '星级').getCell('C2').value = 60)), [
      at('星级!C2', '达标分60超过该星各项任务总分50'),
    ]);
  });

  it('bad 是/否, evidence and veto lines', async () => {
    expectErrors(
      await ruralEdited((wb) => {
        sheet(wb, '星级').getCell('D3').value = '也许';
        sheet(wb, '说明').getCell('B7').value = '示例';
        const t = sheet(wb, '任务');
        t.getCell('E2').value = 'R-IND-1-E1|村集体经济收支台账|必需|表格';
        t.getCell('E3').value = 'R-IND-2-E1|合作社章程|是|扫描件';
        t.getCell('E4').value = 'R-IND-3-E1 村企合作协议';
        t.getCell('E5').value = 'R-IND-4-E1|“三资”清查台账|是|表格\nr-ind-4-e2|发包合同|是|PDF';
        // The first line is malformed: the second keeps its own line number in the message.
        t.getCell('E6').value = 'R-IND-5-E1 台账\n\nr-ind-5-e2|名册|是|表格';
        t.getCell('F5').value = '违规处置集体资产';
      }),
      [
        at('说明!B7', '示例应填“是”或“否”，不能是“示例”'),
        at('星级!D3', '统领星应填“是”或“否”，不能是“也许”'),
        at('任务!E2', '第1条佐证材料的“必需”应填“是”或“否”，不能是“必需”'),
        at('任务!E3', '第1条佐证材料的类型“扫描件”无效，可填：图片、PDF、文档、表格、视频'),
        at('任务!E4', '第1条佐证材料“R-IND-3-E1 村企合作协议”格式应为“代码|名称|必需(是/否)|类型”'),
        at('任务!E5', '第2条佐证材料：佐证材料代码应为大写字母开头的字母、数字、点或连字符（至多24位）'),
        at('任务!F5', '第1条否决条件“违规处置集体资产”格式应为“代码|描述”'),
        at('任务!E6', '第1条佐证材料“R-IND-5-E1 台账”格式应为“代码|名称|必需(是/否)|类型”'),
        at('任务!E6', '第2条佐证材料：佐证材料代码应为大写字母开头的字母、数字、点或连字符（至多24位）'),
      ],
    );
  });

  it('a star with no tasks, and no stars at all', async () => {
    expectErrors(
      await ruralEdited((wb) => {
        const t = sheet(wb, '任务');
        for (let r = 25; r <= 30; r++) t.getCell(r, 1).value = 'civility';
      }),
      [at('星级!A6', '星级“party”在“任务”表中没有任务')],
    );
    const none = await ruralEdited((wb) => {
      const s = sheet(wb, '星级');
      for (let r = 2; r <= 6; r++) s.getRow(r).values = [];
    });
    expect(none).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([at('星级!2:2', '“星级”表中没有星级（第2行起每行一个）')]),
    });
  });

  it('not a workbook at all', async () => {
    expectErrors(await parseCatalogWorkbook(Buffer.from('星级,任务\n')), [
      at('', '文件不是有效的Excel工作簿（.xlsx），旧版 .xls 请另存为 .xlsx 后导入'),
    ]);
  });
});
