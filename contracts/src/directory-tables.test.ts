import { decodeCsvBytes, parseCsv, toCsv } from './csv';
import {
  directoryFromTables,
  directoryTemplate,
  sheetTables,
  templateHeader,
  type SheetLike,
  type SourceTable,
  userColumn,
} from './directory-tables';

const county: SourceTable = { source: '县.csv', rows: [templateHeader('county'), ['411099', '示范县']] };
const townships: SourceTable = {
  source: '乡镇.csv',
  rows: [
    ['乡镇名称', '乡镇代码', '备注'],
    ['城关镇', '411099100', '列的顺序与多余的列都无妨'],
  ],
};
const branches: SourceTable = {
  source: '支部.csv',
  rows: [
    templateHeader('branches'),
    ['411099100201', '东关村党支部', '农村', '411099100', '否'],
    ['411099100202', '西关社区党支部', 'urban', '411099100', ''],
  ],
};
const users: SourceTable = {
  source: '用户.csv',
  rows: [
    ['用户名', '姓名', '角色', '辖区代码', '启用', '初始密码'],
    ['sec-1', '张书记', '村（社区）党支部书记', '411099100201', '', 'secret-pass-1'],
    [],
    ['coord-1', '李专班', 'coordinator', '411099', '是', ''],
  ],
};

describe('directory tables', () => {
  it('reads the four tables by their headers into the import request', () => {
    const r = directoryFromTables([users, branches, county, townships]);
    expect(r.errors).toEqual([]);
    expect(r.request).toEqual({
      county: { code: '411099', name: '示范县' },
      cities: [],
      counties: [],
      townships: [{ code: '411099100', name: '城关镇', countyCode: '411099' }],
      branches: [
        {
          code: '411099100201',
          name: '东关村党支部',
          type: 'rural',
          townshipCode: '411099100',
          countyCode: '411099',
          weak: false,
        },
        {
          code: '411099100202',
          name: '西关社区党支部',
          type: 'urban',
          townshipCode: '411099100',
          countyCode: '411099',
          weak: false,
        },
      ],
      users: [
        {
          username: 'sec-1',
          name: '张书记',
          role: 'village_secretary',
          jurisdiction: '411099100201',
          active: true,
          password: 'secret-pass-1',
        },
        { username: 'coord-1', name: '李专班', role: 'coordinator', jurisdiction: '411099', active: true },
      ],
      resetPasswords: false,
    });
    // The blank line is skipped; each user keeps its spreadsheet row.
    expect(r.userRows).toEqual([
      { source: '用户.csv', row: 2 },
      { source: '用户.csv', row: 4 },
    ]);
  });

  it('names the source, row and column of every problem', () => {
    const r = directoryFromTables([
      county,
      {
        source: '支部.csv',
        rows: [
          templateHeader('branches'),
          ['41109910020', '短代码村', '农村', '411099100', '否'],
          ['411099100203', '南街村', '乡村', '411099100', '也许'],
          ['411099100203', '重复村', '农村', '411099100', ''],
        ],
      },
      {
        source: '用户.csv',
        rows: [
          ['用户名', '姓名', '角色', '辖区代码'],
          ['sec-2', '王书记', '村（社区）党支部书记', '411099'],
          ['sec-2', '同名', '观摩评分员', '411099'],
        ],
      },
    ]);
    const at = r.errors.map((e) => `${e.source}:${e.row}:${e.column}`);
    expect(at).toEqual([
      '支部.csv:2:支部代码',
      '支部.csv:3:软弱涣散',
      '支部.csv:3:支部类型',
      '支部.csv:4:支部代码',
      '用户.csv:3:用户名',
    ]);
    expect(r.errors[1]!.message).toBe('应填“是”或“否”，不能是“也许”');
    expect(r.errors[3]!.message).toBe('与第 3 行重复');
    expect(r.errors[4]!.message).toBe('与第 2 行重复');
    // A user row the schema refuses still goes to the server, which rejects that row alone.
    expect(r.request?.users).toEqual([
      { username: 'sec-2', name: '王书记', role: 'village_secretary', jurisdiction: '411099', active: true },
    ]);
  });

  it("names a server answer's user field by its column", () => {
    expect(userColumn('body.users.3.jurisdiction')).toBe('辖区代码');
    expect(userColumn('body.county.code')).toBe('county.code');
  });

  it('reports missing tables and columns, and tables it cannot recognise', () => {
    const r = directoryFromTables([
      { source: 'a.csv', rows: [['名称', '地址']] },
      { source: '用户.csv', rows: [['用户名', '姓名']] },
    ]);
    expect(r.request).toBeUndefined();
    expect(r.errors.map((e) => [e.source, e.column])).toEqual([
      ['a.csv', ''],
      ['用户.csv', '角色'],
      ['用户.csv', '辖区代码'],
      ['县', ''],
    ]);
    expect(r.errors[3]!.message).toBe(
      '缺少省、市或县表：导入省的目录要有省表（表头含“省代码”），市的要有市表，县的要有县表（表头含“县代码”）',
    );
  });

  it('leaves the county unnamed when its name is blank or has no column: the stored name is kept', () => {
    const blank = directoryFromTables([{ ...county, rows: [county.rows[0]!, ['411099', '']] }, users]);
    expect(blank.errors).toEqual([]);
    expect(blank.request!.county).toEqual({ code: '411099' });
    const codeOnly = directoryFromTables([{ source: '县.csv', rows: [['县代码'], ['411099']] }, users]);
    expect(codeOnly.errors).toEqual([]);
    expect(codeOnly.request!.county).toEqual({ code: '411099' });
  });

  it('refuses a second table of the same kind and a county table of two rows', () => {
    const r = directoryFromTables([
      { ...county, rows: [...county.rows, ['411098', '邻县']] },
      users,
      { ...users, source: 'users2.csv' },
    ]);
    expect(r.request).toBeUndefined();
    expect(r.errors.map((e) => e.message)).toEqual([
      '与 用户.csv 同为用户表，只能有一张',
      '县表应恰好有一行（导入的是哪一级的目录），现有 2 行',
    ]);
  });
});

/** A worksheet over rows of texts, as exceljs reads one. */
const sheet = (name: string, rows: string[][]): SheetLike => ({
  name,
  rowCount: rows.length,
  columnCount: Math.max(...rows.map((r) => r.length)),
  getRow: (r) => ({ getCell: (c) => ({ text: rows[r - 1]?.[c - 1] ?? '' }) }),
});

describe('directory workbook', () => {
  it('reads its own template back (the 说明 sheet left out) into a valid request', () => {
    const tables = sheetTables(
      directoryTemplate().map((s) => sheet(s.name, s.rows)),
      '名册.xlsx',
    );
    expect(tables.map((t) => t.source)).toEqual([
      '名册.xlsx「县」',
      '名册.xlsx「乡镇」',
      '名册.xlsx「单位」',
      '名册.xlsx「支部」',
      '名册.xlsx「用户」',
    ]);
    const r = directoryFromTables(tables);
    expect(r.errors).toEqual([]);
    expect(r.request?.users).toEqual([
      {
        username: 'sec-411099100201',
        name: '张三',
        role: 'village_secretary',
        jurisdiction: '411099100201',
        active: true,
      },
    ]);
  });
});

describe('csv', () => {
  it('reads quotes, doubled quotes, line breaks inside quotes and CRLF', () => {
    expect(parseCsv('a,"b,1","say ""hi"""\r\n"two\nlines",,x\n')).toEqual([
      ['a', 'b,1', 'say "hi"'],
      ['two\nlines', '', 'x'],
    ]);
  });

  it('writes what it reads back, with a BOM for Excel', () => {
    const rows = [
      ['支部名称', '备注'],
      ['东关村, 一组', '他说"好"'],
    ];
    const text = toCsv(rows);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(decodeCsvBytes(new TextEncoder().encode(text)))).toEqual(rows);
  });

  it('decodes GB18030 files as Excel on Chinese Windows saves them', () => {
    // 县代码 in GB18030.
    const gbk = Uint8Array.from([0xcf, 0xd8, 0xb4, 0xfa, 0xc2, 0xeb]);
    expect(decodeCsvBytes(gbk)).toBe('县代码');
  });
});

describe('the workbook of a province', () => {
  const rows = (key: Parameters<typeof templateHeader>[0], ...data: string[][]) => [
    templateHeader(key),
    ...data,
  ];
  const tables = [
    { source: '省', rows: rows('province', ['41', '河南省']) },
    { source: '市', rows: rows('cities', ['4101', '郑州市'], ['4110', '许昌市']) },
    { source: '县', rows: rows('county', ['410102', '中原区'], ['411002', '魏都区']) },
    { source: '乡镇', rows: rows('townships', ['410102001', '林山寨街道']) },
    { source: '单位', rows: rows('units', ['411000001', '许昌市直属机关工委']) },
    {
      source: '支部',
      rows: rows(
        'branches',
        ['410102001001', '建设路社区党支部', '城市社区', '410102001', '否'],
        ['411000001001', '市财政局机关党支部', '机关', '411000001', ''],
      ),
    },
    {
      source: '用户',
      rows: rows(
        'users',
        ['coord-4110', '许昌市专班', '市级专班', '4110', '是', '', ''],
        ['lead-41', '省领导', '省级领导（只读）', '41', '', '', ''],
      ),
    },
  ];

  it('is of the province, its cities and counties listed, units placed by their code under 市直', () => {
    const r = directoryFromTables(tables);
    expect(r.errors).toEqual([]);
    expect(r.request).toMatchObject({
      province: { code: '41', name: '河南省' },
      cities: [
        { code: '4101', name: '郑州市' },
        { code: '4110', name: '许昌市' },
      ],
      counties: [
        { code: '410102', name: '中原区' },
        { code: '411002', name: '魏都区' },
      ],
      townships: [
        { code: '410102001', name: '林山寨街道', countyCode: '410102' },
        { code: '411000001', name: '许昌市直属机关工委', countyCode: '411000', kind: 'unit' },
      ],
      branches: [
        { code: '410102001001', countyCode: '410102', type: 'urban' },
        { code: '411000001001', countyCode: '411000', type: 'organ' },
      ],
      users: [
        { username: 'coord-4110', role: 'coordinator', jurisdiction: '4110' },
        { username: 'lead-41', role: 'leader', jurisdiction: '41' },
      ],
    });
    expect(r.request).not.toHaveProperty('county');
  });

  it('reads the file of a city (a one-row 市 table) as the city file', () => {
    const r = directoryFromTables(tables.filter((t) => t.source !== '省'));
    expect(r.errors).toEqual([
      {
        source: '市',
        row: 0,
        column: '',
        message: '市表应恰好有一行（导入的是哪一级的目录），现有 2 行',
      },
    ]);
    const city = directoryFromTables([
      { source: '市', rows: rows('cities', ['4110', '许昌市']) },
      ...tables.slice(2),
    ]);
    expect(city.errors).toEqual([]);
    expect(city.request).toMatchObject({ city: { code: '4110', name: '许昌市' }, cities: [] });
  });

  it('has a template per level that reads back into a request of that level', () => {
    for (const level of ['province', 'city', 'county'] as const) {
      const r = directoryFromTables(
        sheetTables(
          directoryTemplate(level).map((s) => sheet(s.name, s.rows)),
          '名册.xlsx',
        ),
      );
      expect(r.errors).toEqual([]);
      expect(r.request).toHaveProperty(level);
    }
  });
});
