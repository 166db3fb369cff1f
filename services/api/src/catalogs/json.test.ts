import type { Catalog } from '@fivestar/contracts';
import { at, defaultCatalogCases, failed, rural } from './catalogs.fixtures';
import { catalogToJson, parseCatalogJson } from './json';

/** The rural default as plain JSON data, changed by `edit`, as text. */
const ruralWith = (edit: (c: any) => void): string => {
  const c = JSON.parse(catalogToJson(rural));
  edit(c);
  return JSON.stringify(c, null, 2);
};

describe('parseCatalogJson', () => {
  it.each(defaultCatalogCases)('reads %s back from its export', (_id, catalog) => {
    expect(parseCatalogJson(catalogToJson(catalog))).toEqual({ ok: true, catalog });
  });

  it('fills the defaults of a hand-written file and accepts a byte-order mark', () => {
    const text = JSON.stringify({
      id: 'rural-411099',
      version: 2,
      branchType: 'rural',
      title: '某县农村“五星”支部创建标准',
      example: false,
      stars: [
        {
          code: 'party',
          name: '支部过硬星',
          threshold: 8,
          tasks: [
            { code: 'P-1', title: '三会一课', points: 10, evidence: [{ code: 'P-1-E1', title: '记录' }] },
          ],
        },
      ],
    });
    const r = parseCatalogJson(`\uFEFF${text}`);
    expect(r.ok).toBe(true);
    const catalog = (r as { catalog: Catalog }).catalog;
    expect(catalog.stars[0]!.capstone).toBe(false);
    expect(catalog.stars[0]!.tasks[0]).toEqual({
      code: 'P-1',
      title: '三会一课',
      points: 10,
      evidence: [{ code: 'P-1-E1', title: '记录', kinds: [], required: true }],
      vetoes: [],
    });
  });

  it('names the line and column of a syntax error', () => {
    expect(parseCatalogJson('{\n  "id": "x",\n  "version": 1\n  "stars": []\n}')).toEqual(
      failed(at('', '不是有效的JSON：第4行第3列附近有语法错误')),
    );
    expect(parseCatalogJson('{"id": "x"')).toEqual(failed(at('', '不是有效的JSON：内容不完整（意外结束）')));
    expect(parseCatalogJson('  ')).toMatchObject(failed(at('', expect.any(String))));
    expect(parseCatalogJson('[1, 2]')).toEqual(failed(at('', '目录必须是一个JSON对象')));
  });

  it('points at a bad task score with its full path', () => {
    const r = parseCatalogJson(
      ruralWith((c) => {
        c.stars[2].tasks[4].points = '十';
        c.stars[3].tasks[0].points = 0;
        c.stars[3].tasks[1].points = 2.5;
      }),
    );
    expect(r).toEqual(
      failed(
        at('stars[2].tasks[4].points', '分值必须是1到100之间的整数'),
        at('stars[3].tasks[0].points', '分值必须是1到100之间的整数'),
        at('stars[3].tasks[1].points', '分值必须是1到100之间的整数'),
      ),
    );
  });

  it('names missing and malformed fields in Chinese', () => {
    const r = parseCatalogJson(
      ruralWith((c) => {
        delete c.stars[0].name;
        c.id = 'Rural Default';
        c.version = 0;
        c.branchType = 'village';
        c.example = 'yes';
        c.stars[1].code = 'Ecology';
        c.stars[1].threshold = -1;
        c.stars[0].tasks[0].code = 'r-ind-1';
        c.stars[0].tasks[0].evidence[0].kinds = ['photo'];
        c.stars[0].tasks[0].vetoes[0].description = '';
        c.stars[4].tasks = [];
      }),
    );
    expect(r.ok).toBe(false);
    expect((r as any).catalog).toBeUndefined();
    expect((r as any).errors).toEqual([
      at('id', '目录标识应为1到40位小写字母、数字或连字符'),
      at('version', '版本号必须是正整数'),
      at(
        'branchType',
        '支部类型必须是 rural（农村）、urban（城市社区）、organ（机关）、enterprise（企业）之一',
      ),
      at('example', '示例标记必须是 true 或 false'),
      at('stars[0].name', '缺少星级名称（字段 name）'),
      at('stars[0].tasks[0].code', '任务代码应为大写字母开头的字母、数字、点或连字符（至多24位）'),
      at(
        'stars[0].tasks[0].evidence[0].kinds[0]',
        '材料类型必须是 image、pdf、document、spreadsheet、video 中的一个或多个',
      ),
      at('stars[0].tasks[0].vetoes[0].description', '否决条件描述不能为空，至多300字'),
      at('stars[1].code', '星级代码应为小写字母开头的小写字母和下划线（至多40位）'),
      at('stars[1].threshold', '达标分必须是不小于0的整数'),
      at('stars[4].tasks', '任务必须是至少包含1项任务的数组'),
    ]);
  });

  it('reports duplicate codes with both places', () => {
    const r = parseCatalogJson(
      ruralWith((c) => {
        c.stars[1].tasks[2].code = 'R-IND-1';
        c.stars[2].tasks[0].vetoes[1].code = 'R-SAF-1-V1';
      }),
    );
    expect(r).toEqual(
      failed(
        at('stars[1].tasks[2].code', '代码 R-IND-1 与 stars[0].tasks[0].code 重复'),
        at('stars[2].tasks[0].vetoes[1].code', '代码 R-SAF-1-V1 与 stars[2].tasks[0].vetoes[0].code 重复'),
      ),
    );
  });

  it('refuses a threshold above the star total and a second capstone', () => {
    const r = parseCatalogJson(
      ruralWith((c) => {
        c.stars[0].threshold = 51;
        c.stars[1].capstone = true;
      }),
    );
    expect(r).toEqual(
      failed(
        at('stars[0].threshold', '达标分51超过该星各项任务总分50'),
        at('stars', '至多一个星级可设为统领星（capstone）'),
      ),
    );
  });

  it('refuses fields it does not know rather than dropping them', () => {
    const r = parseCatalogJson(
      ruralWith((c) => {
        c.stars[0].tasks[0].veto = c.stars[0].tasks[0].vetoes;
        delete c.stars[0].tasks[0].vetoes;
        c.author = '县委组织部';
      }),
    );
    expect(r).toEqual(
      failed(
        at('stars[0].tasks[0].veto', '未知字段“veto”（任务可用字段：code、title、points、evidence、vetoes）'),
        at('author', '未知字段“author”（目录可用字段：id、version、branchType、title、example、stars）'),
      ),
    );
  });
});
