import { z } from 'zod';
import { ROLE_LABELS, ROLES, roleTitle, SCOPES } from './cycle';
import { Branch, ImportCity, ImportCounty, ImportProvince, Township } from './directory';
import type { DirectoryImportRequest } from './identity';
import { branchTypeFromText, parseYesNo } from './table-cells';

/*
 * The directory as tables a county office keeps in Excel or CSV: 县 (one row), 乡镇, 支部 and 用户,
 * as sheets of one workbook or as one CSV file each. A table is known by its header row (columns in
 * any order, extra columns ignored, `（…）` hints after a header allowed), so file and sheet names
 * don't matter. The console and the CLI turn the tables into the import request; the server then
 * judges it (a dry run first).
 */

export type DirectoryTableKey =
  'province' | 'cities' | 'county' | 'townships' | 'units' | 'branches' | 'users';

interface Column {
  key: string;
  header: string;
  required: boolean;
  /** Shown in the template's header after the name, as `（…）`. */
  hint?: string;
}

const column = (key: string, header: string, hint?: string, required = true): Column => ({
  key,
  header,
  required,
  hint,
});

export const DIRECTORY_TABLES: Record<DirectoryTableKey, { title: string; columns: Column[] }> = {
  province: {
    title: '省',
    columns: [column('code', '省代码', '2位'), column('name', '省名称', '不填则保持原名', false)],
  },
  cities: {
    title: '市',
    columns: [column('code', '市代码', '4位'), column('name', '市名称', '不填则保持原名', false)],
  },
  county: {
    title: '县',
    // Left blank (or without the column) the directory keeps the county's name: adding townships renames nothing.
    columns: [column('code', '县代码', '6位'), column('name', '县名称', '不填则保持原名', false)],
  },
  townships: {
    title: '乡镇',
    columns: [column('code', '乡镇代码', '9位，前6位为所属县'), column('name', '乡镇名称')],
  },
  units: {
    title: '单位',
    // A unit's level is its code's: a county's, 市直 (xxxx00…) or 省直 (xx0000…), docs/hierarchy.md.
    columns: [
      column('code', '单位代码', '9位，前6位为所属县或市直xxxx00、省直xx0000'),
      column('name', '单位名称'),
    ],
  },
  branches: {
    title: '支部',
    columns: [
      column('code', '支部代码', '12位'),
      column('name', '支部名称'),
      column('type', '支部类型', '农村/城市社区/机关/企业'),
      column('townshipCode', '所属乡镇代码', '或所属单位代码'),
      column('weak', '软弱涣散', '是/否，默认否', false),
    ],
  },
  users: {
    title: '用户',
    columns: [
      column('username', '用户名'),
      column('name', '姓名'),
      column('role', '角色', Object.values(ROLE_LABELS).join('/')),
      column('jurisdiction', '辖区代码', '省2位/市4位/县6位/乡镇或单位9位/支部12位'),
      column('active', '启用', '是/否，默认是', false),
      column('password', '初始密码', '新用户必填，至少10位', false),
      column('id', '用户编号', '可不填', false),
    ],
  },
};

/** Tables in the order they are recognised and written: the most specific header first. */
const TABLE_ORDER: DirectoryTableKey[] = [
  'users',
  'branches',
  'units',
  'townships',
  'county',
  'cities',
  'province',
];
/** The column that tells each table apart: its first, the code (or the user name). */
const KEY_HEADER = Object.fromEntries(
  TABLE_ORDER.map((k) => [k, DIRECTORY_TABLES[k].columns[0]!.header]),
) as Record<DirectoryTableKey, string>;
/** A workbook sheet of instructions, not data. */
export const GUIDE_SHEET = '说明';

/** A table as read from a file: its source (file or sheet name) and its rows of cell texts. */
export interface SourceTable {
  source: string;
  rows: string[][];
}

/** Where a problem is: the source, its row (1-based; 0 for the table as a whole) and column header. */
export interface TableError {
  source: string;
  row: number;
  column: string;
  message: string;
}

/** Where a user row of the request came from, for the server's per-row answers. */
export interface SourceRow {
  source: string;
  row: number;
}

export interface DirectoryTablesResult {
  /** Absent when the file cannot make a request at all (no county, no users, broken tables). */
  request?: DirectoryImportRequest;
  /** `users[i]` of the request came from `userRows[i]`. */
  userRows: SourceRow[];
  errors: TableError[];
}

const headerName = (cell: string) =>
  cell
    .replace(/[（(].*$/s, '')
    .replace(/[*＊]/g, '')
    .trim();

/** The header row of every table in the template, hints included. */
export function templateHeader(key: DirectoryTableKey): string[] {
  return DIRECTORY_TABLES[key].columns.map((c) => (c.hint ? `${c.header}（${c.hint}）` : c.header));
}

/** Role codes from their code or Chinese name (`专班`, `县级专班`, `coordinator`); the level is the jurisdiction's. */
const ROLE_BY_TEXT = new Map<string, string>([
  ...ROLES.map((r) => [r, r] as const),
  ...Object.entries(ROLE_LABELS).map(([r, label]) => [label, r] as const),
  ...ROLES.flatMap((r) => SCOPES.map((scope) => [roleTitle(r, scope), r] as const)),
]);

const zhCN = { error: z.locales.zhCN().localeError };

interface Located {
  source: string;
  /** The header row's index in `rows`. */
  headerAt: number;
  columns: Map<string, number>;
  rows: { row: number; cells: string[] }[];
}

function locate(
  table: SourceTable,
  errors: TableError[],
): { key: DirectoryTableKey; located: Located } | undefined {
  const headerAt = table.rows.findIndex((r) => r.some((c) => c.trim() !== ''));
  if (headerAt < 0) {
    errors.push({ source: table.source, row: 0, column: '', message: '表是空的' });
    return undefined;
  }
  const headers = table.rows[headerAt]!.map(headerName);
  const key = TABLE_ORDER.find((k) => headers.includes(KEY_HEADER[k]));
  if (!key) {
    const expected = TABLE_ORDER.map((k) => `${DIRECTORY_TABLES[k].title}（${KEY_HEADER[k]}）`).join('、');
    errors.push({
      source: table.source,
      row: headerAt + 1,
      column: '',
      message: `认不出是哪张表：表头应含 ${expected} 之一的代码列`,
    });
    return undefined;
  }
  const columns = new Map<string, number>();
  for (const c of DIRECTORY_TABLES[key].columns) {
    const at = headers.indexOf(c.header);
    if (at >= 0) columns.set(c.key, at);
    else if (c.required)
      errors.push({ source: table.source, row: headerAt + 1, column: c.header, message: '缺少这一列' });
  }
  const rows = table.rows
    .map((cells, i) => ({ row: i + 1, cells: cells.map((c) => c.trim()) }))
    .slice(headerAt + 1)
    .filter((r) => r.cells.some((c) => c !== ''));
  return { key, located: { source: table.source, headerAt, columns, rows } };
}

/** `body.users.3.role` (a server's answer on a user row) → that column's header, `角色`. */
export function userColumn(field: string): string {
  const key = /^body\.users\.\d+\.(\w+)$/.exec(field)?.[1];
  return DIRECTORY_TABLES.users.columns.find((c) => c.key === key)?.header ?? field.replace(/^body\./, '');
}

/** The row's cells by column key; blank cells are left out. */
function record(t: Located, cells: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, at] of t.columns) if (cells[at]) out[key] = cells[at]!;
  return out;
}

/**
 * Turns one table's rows into values, reporting each problem at its row and column. Without a schema
 * the rows are taken as converted: user rows are the server's to judge one by one (it rejects a bad one
 * and takes the others), so only what blocks the whole file is reported here.
 */
function readRows<T>(
  key: DirectoryTableKey,
  t: Located,
  errors: TableError[],
  convert: (cells: Record<string, string>, fail: (field: string, message: string) => void) => unknown,
  schema?: z.ZodType<T>,
): { value: T; raw: unknown; row: number }[] {
  const headerOf = (field: string) =>
    DIRECTORY_TABLES[key].columns.find((c) => c.key === field)?.header ?? field;
  const out: { value: T; raw: unknown; row: number }[] = [];
  const firstRowOfCode = new Map<string, number>();
  for (const { row, cells } of t.rows) {
    const at = (field: string, message: string) =>
      errors.push({ source: t.source, row, column: headerOf(field), message });
    let failed = false;
    const raw = convert(record(t, cells), (field, message) => {
      failed = true;
      at(field, message);
    });
    const parsed = schema ? schema.safeParse(raw, zhCN) : { success: true as const, data: raw };
    if (!parsed.success) {
      failed = true;
      for (const issue of parsed.error.issues) at(String(issue.path[0] ?? ''), issue.message);
    }
    const code =
      (raw as { code?: string; username?: string }).code ?? (raw as { username?: string }).username;
    if (code !== undefined) {
      const first = firstRowOfCode.get(code);
      if (first !== undefined) {
        failed = true;
        at(key === 'users' ? 'username' : 'code', `与第 ${first} 行重复`);
      } else firstRowOfCode.set(code, row);
    }
    if (!failed) out.push({ value: parsed.data as T, raw, row });
  }
  return out;
}

function yesNoCell(
  cells: Record<string, string>,
  field: string,
  fail: (field: string, message: string) => void,
): boolean | undefined {
  const text = cells[field];
  if (text === undefined) return undefined;
  const b = parseYesNo(text);
  if (b === undefined) fail(field, `应填“是”或“否”，不能是“${text}”`);
  return b;
}

/**
 * The import request of a directory given as tables, with every problem that keeps it from being sent.
 * User rows are judged by the server's dry run, which alone knows the existing users and places.
 */
export function directoryFromTables(tables: readonly SourceTable[]): DirectoryTablesResult {
  const errors: TableError[] = [];
  const found = new Map<DirectoryTableKey, Located>();
  for (const table of tables) {
    const hit = locate(table, errors);
    if (!hit) continue;
    const earlier = found.get(hit.key);
    if (earlier) {
      errors.push({
        source: table.source,
        row: 0,
        column: '',
        message: `与 ${earlier.source} 同为${DIRECTORY_TABLES[hit.key].title}表，只能有一张`,
      });
      continue;
    }
    found.set(hit.key, hit.located);
  }
  const usersTable = found.get('users');
  if (!usersTable)
    errors.push({
      source: DIRECTORY_TABLES.users.title,
      row: 0,
      column: '',
      message: `缺少${DIRECTORY_TABLES.users.title}表（表头含“${KEY_HEADER.users}”）`,
    });
  const root = rootOf(found, errors);
  if (!root || !usersTable) return { userRows: [], errors };

  const read = <T>(
    key: DirectoryTableKey,
    schema: z.ZodType<T>,
    convert = (c: Record<string, string>) => c as unknown,
  ) => {
    const table = found.get(key);
    return table ? readRows(key, table, errors, convert, schema).map((r) => r.value) : [];
  };
  const places = {
    province: read('province', ImportProvince),
    cities: read('cities', ImportCity),
    counties: read('county', ImportCounty),
  };
  // A township's, unit's or branch's county is its code's first six digits (codes nest).
  const townships = [
    ...read('townships', Township, (c) => ({ ...c, countyCode: c.code?.slice(0, 6) })),
    ...read('units', Township, (c) => ({ ...c, countyCode: c.code?.slice(0, 6), kind: 'unit' })),
  ];
  const branchesTable = found.get('branches');
  const branches = branchesTable
    ? readRows(
        'branches',
        branchesTable,
        errors,
        (c, fail) => ({
          ...c,
          type: c.type === undefined ? undefined : branchTypeFromText(c.type),
          countyCode: c.townshipCode?.slice(0, 6),
          weak: yesNoCell(c, 'weak', fail) ?? false,
        }),
        Branch,
      )
    : [];
  const users = readRows('users', usersTable, errors, (c, fail) => ({
    ...c,
    role: c.role === undefined ? undefined : (ROLE_BY_TEXT.get(c.role) ?? c.role),
    active: yesNoCell(c, 'active', fail) ?? true,
  }));
  const rootPlace = places[root === 'county' ? 'counties' : root === 'city' ? 'cities' : 'province'][0];
  if (!rootPlace || users.length === 0) return { userRows: [], errors };
  const [, ...otherCities] = root === 'city' ? places.cities : [undefined, ...places.cities];
  const [, ...otherCounties] = root === 'county' ? places.counties : [undefined, ...places.counties];
  return {
    request: {
      [root]: rootPlace,
      cities: otherCities.filter((c) => c !== undefined),
      counties: otherCounties.filter((c) => c !== undefined),
      townships,
      branches: branches.map((b) => b.value),
      users: users.map((u) => u.raw),
      resetPasswords: false,
    },
    userRows: users.map((u) => ({ source: usersTable.source, row: u.row })),
    errors,
  };
}

/**
 * What the tables are of: the province when there is a 省 table, else the city of a one-row 市 table, else
 * the county of a one-row 县 table. The root's table must have exactly one row.
 */
function rootOf(
  found: Map<DirectoryTableKey, Located>,
  errors: TableError[],
): 'province' | 'city' | 'county' | undefined {
  const key = (['province', 'cities', 'county'] as const).find((k) => found.has(k));
  if (!key) {
    errors.push({
      source: DIRECTORY_TABLES.county.title,
      row: 0,
      column: '',
      message:
        '缺少省、市或县表：导入省的目录要有省表（表头含“省代码”），市的要有市表，县的要有县表（表头含“县代码”）',
    });
    return undefined;
  }
  const table = found.get(key)!;
  if (table.rows.length !== 1) {
    errors.push({
      source: table.source,
      row: 0,
      column: '',
      message: `${DIRECTORY_TABLES[key].title}表应恰好有一行（导入的是哪一级的目录），现有 ${table.rows.length} 行`,
    });
    return undefined;
  }
  return key === 'cities' ? 'city' : key;
}

/** What is read of a worksheet (exceljs's shape; contracts does not depend on exceljs). */
export interface SheetLike {
  name: string;
  rowCount: number;
  columnCount: number;
  getRow(row: number): { getCell(column: number): { text: string } };
}

/** A workbook's sheets as tables, its 说明 sheet left out. */
export function sheetTables(sheets: readonly SheetLike[], file: string): SourceTable[] {
  return sheets
    .filter((s) => s.name !== GUIDE_SHEET)
    .map((s) => ({
      source: `${file}「${s.name}」`,
      rows: Array.from({ length: s.rowCount }, (_, r) =>
        Array.from({ length: s.columnCount }, (_, c) => s.getRow(r + 1).getCell(c + 1).text ?? ''),
      ),
    }));
}

const EXAMPLE_ROWS: Record<DirectoryTableKey, string[][]> = {
  province: [['41', '河南省']],
  cities: [['4110', '许昌市']],
  county: [['411099', '示范县']],
  townships: [['411099100', '城关镇']],
  units: [['411099901', '示范县直属机关工委']],
  branches: [['411099100201', '东关村党支部', '农村', '411099100', '否']],
  users: [['sec-411099100201', '张三', ROLE_LABELS.village_secretary, '411099100201', '是', '', '']],
};

/** The tables of each level's file, in the template's order. */
const TEMPLATE_TABLES: Record<'province' | 'city' | 'county', DirectoryTableKey[]> = {
  province: ['province', 'cities', 'county', 'townships', 'units', 'branches', 'users'],
  city: ['cities', 'county', 'townships', 'units', 'branches', 'users'],
  county: ['county', 'townships', 'units', 'branches', 'users'],
};

const TEMPLATE_SCOPE = {
  province: ['全省', '省表只有一行（本省）；市表、县表列出各市、县（区），市直、省直单位填在单位表。'],
  city: ['全市', '市表只有一行（本市）；县表列出各县（区），市直单位填在单位表。'],
  county: ['本县', '县表只有一行。'],
} as const;

/** The directory template of a province's, city's or county's file: instructions, then each table's header and an example row. */
export function directoryTemplate(
  level: 'province' | 'city' | 'county' = 'county',
): { name: string; rows: string[][] }[] {
  const keys = TEMPLATE_TABLES[level];
  const [area, rootRule] = TEMPLATE_SCOPE[level];
  const guide = [
    ['名册导入说明'],
    [
      `1. ${keys.map((k) => DIRECTORY_TABLES[k].title).join('、')}${keys.length}张表；${rootRule}表凭表头认出，列的顺序可以调整，多余的列不读，不用的表可以删去（用户表必须有）。`,
    ],
    ['2. 也可以把每张表另存为一个 CSV 文件，一起选中导入（UTF-8 或 Excel 默认的中文编码均可）。'],
    [
      '3. 导入前先试运行：逐行列出将新建、更新、不变或被拒绝的用户，以及将改名的市、县、乡镇、支部，确认后再导入。',
    ],
    ['   名称不填时保持目录中的名称；填了而与目录不同，即为改名。'],
    ['4. 已有用户的密码不会被改动；新用户没有初始密码时使用导入页面填写的统一初始密码。'],
    [
      `5. 代码逐级包含：乡镇、单位的前6位是所属县（或市直、省直），支部的前9位是所属乡镇或单位。请删除示例行后填写${area}数据。`,
    ],
  ];
  return [
    { name: GUIDE_SHEET, rows: guide },
    ...keys.map((k) => ({ name: DIRECTORY_TABLES[k].title, rows: [templateHeader(k), ...EXAMPLE_ROWS[k]] })),
  ];
}
