import * as ExcelJS from 'exceljs';
import {
  BRANCH_TYPE_LABELS,
  BranchType,
  branchTypeFromText,
  defaultCatalogFor,
  parseYesNo,
  yesNo,
  type Catalog,
  type CatalogTask,
  type EvidenceRequirement,
} from '@fivestar/contracts';
import {
  checkCatalog,
  locate,
  messageFor,
  type CatalogError,
  type CatalogParseResult,
  type JsonPath,
} from './errors';

/*
 * The Excel template a county office fills in (layout in docs/catalogs.md):
 *   说明  the catalog's identity (目录标识, 版本号, 支部类型, 目录名称, 示例) in columns A/B, then instructions;
 *   星级  one row per star: 星级代码 | 星级名称 | 达标分 | 统领星(是/否) | 任务总分 (a formula, not read back);
 *   任务  one row per task: 星级代码 | 任务代码 | 任务名称 | 分值 | 佐证材料 | 否决条件, the last two one item a line.
 * Columns are found by their header, so reordering them or adding one's own columns is harmless.
 */

export const SHEET = { guide: '说明', stars: '星级', tasks: '任务' } as const;

type MetaKey = 'id' | 'version' | 'branchType' | 'title' | 'example';
const META: { key: MetaKey; label: string; hint: string }[] = [
  {
    key: 'id',
    label: '目录标识',
    hint: '1到40位小写字母、数字或连字符，如 rural-411099；一个县的一套标准用同一个标识',
  },
  {
    key: 'version',
    label: '版本号',
    hint: '正整数。修改已发布的目录时请把版本号加1后导入：已被创建轮次采用的版本不会被改动',
  },
  {
    key: 'branchType',
    label: '支部类型',
    hint: 'rural（农村）、urban（城市社区）、organ（机关）、enterprise（企业），也可直接填中文',
  },
  { key: 'title', label: '目录名称', hint: '如：某某县农村“五星”支部创建标准（2026年版）' },
  { key: 'example', label: '示例', hint: '“是”表示示例目录，正式标准填“否”' },
];

type StarKey = 'code' | 'name' | 'threshold' | 'capstone';
const STAR_COLUMNS: { key: StarKey; header: string; width: number }[] = [
  { key: 'code', header: '星级代码', width: 16 },
  { key: 'name', header: '星级名称', width: 16 },
  { key: 'threshold', header: '达标分', width: 10 },
  { key: 'capstone', header: '统领星（是/否）', width: 16 },
];
const STAR_TOTAL_HEADER = '任务总分（自动计算，不导入）';

type TaskKey = 'star' | 'code' | 'title' | 'points' | 'evidence' | 'vetoes';
const TASK_COLUMNS: { key: TaskKey; header: string; width: number }[] = [
  { key: 'star', header: '星级代码', width: 14 },
  { key: 'code', header: '任务代码', width: 12 },
  { key: 'title', header: '任务名称', width: 44 },
  { key: 'points', header: '分值', width: 8 },
  { key: 'evidence', header: '佐证材料（每行一项：代码|名称|必需(是/否)|类型(逗号分隔)）', width: 64 },
  { key: 'vetoes', header: '否决条件（每行一项：代码|描述）', width: 48 },
];

/** The name a header must start with: `统领星（是/否）` is found as `统领星`, `佐证材料（…）` as `佐证材料`. */
const shortHeader = (header: string) => header.replace(/[（(].*$/, '');

type Kind = EvidenceRequirement['kinds'][number];
const KIND_LABEL: Record<Kind, string> = {
  image: '图片',
  pdf: 'PDF',
  document: '文档',
  spreadsheet: '表格',
  video: '视频',
};
const KIND_ALIASES: Record<string, Kind> = {
  图片: 'image',
  照片: 'image',
  image: 'image',
  pdf: 'pdf',
  文档: 'document',
  document: 'document',
  表格: 'spreadsheet',
  电子表格: 'spreadsheet',
  spreadsheet: 'spreadsheet',
  视频: 'video',
  video: 'video',
};

/** Rows with data validation in the written sheets beyond the last filled row, for the office to add to. */
const SPARE_ROWS = 300;

// ---------------------------------------------------------------------------------------------------------
// Writing

/** What the writer needs: a catalog, or a blank template's partial one (no id, no thresholds, no tasks). */
interface Draft {
  id: string;
  version: number;
  branchType: BranchType;
  title: string;
  example: boolean;
  stars: { code: string; name: string; threshold?: number; capstone: boolean; tasks: CatalogTask[] }[];
}

/**
 * Data validation over a whole range, written as one rule. (Setting it cell by cell makes exceljs 4.4
 * squeeze the cells into overlapping ranges, which Excel reports as a damaged file.)
 */
function validate(ws: ExcelJS.Worksheet, range: string, rule: ExcelJS.DataValidation): void {
  (
    ws as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }
  ).dataValidations.add(range, rule);
}

const headerStyle = (row: ExcelJS.Row) => {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  });
};

export function evidenceLine(e: EvidenceRequirement): string {
  return [e.code, e.title, yesNo(e.required), e.kinds.map((k) => KIND_LABEL[k]).join(',')].join('|');
}

function writeGuide(wb: ExcelJS.Workbook, draft: Draft): void {
  const ws = wb.addWorksheet(SHEET.guide);
  ws.columns = [{ width: 14 }, { width: 44 }, { width: 80 }];
  ws.getCell('A1').value = '“五星”支部创建标准目录（导入导出模板）';
  ws.getCell('A1').font = { bold: true, size: 14 };
  headerStyle(ws.addRow(['项目', '内容', '填写要求']));
  const values: Record<MetaKey, string | number> = {
    id: draft.id,
    version: draft.version,
    branchType: draft.branchType,
    title: draft.title,
    example: yesNo(draft.example),
  };
  for (const m of META) {
    const row = ws.addRow([m.label, values[m.key], m.hint]);
    row.getCell(1).font = { bold: true };
    if (m.key === 'branchType') {
      row.getCell(2).dataValidation = {
        type: 'list',
        allowBlank: false,
        formulae: [`"${BranchType.options.join(',')}"`],
      };
    }
    if (m.key === 'example') {
      row.getCell(2).dataValidation = { type: 'list', allowBlank: false, formulae: ['"是,否"'] };
    }
  }
  ws.addRow([]);
  ws.addRow(['填写说明']).font = { bold: true };
  const lines = [
    '1. 本工作簿有三张表：“说明”（本表，填写上方目录信息）、“星级”、“任务”。请勿修改表名和各表第一行的列名。',
    '2. “星级”表每行一个星级：星级代码（小写字母和下划线，如 party）、星级名称、达标分（该星各项任务得分之和达到此分即达标，不得超过该星任务总分）、统领星（是/否）。',
    '3. 统领星（如“支部过硬星”）只有在其他各星均获评时才授予，一个目录至多一个统领星。E列“任务总分”为自动计算，仅供核对。',
    '4. “任务”表每行一项重点任务：星级代码须是“星级”表中已有的代码；任务代码为大写字母开头的字母、数字、点或连字符（如 R-IND-1）；分值为1到100的整数。',
    '5. 佐证材料：单元格内每行一项（Alt+回车换行），格式“代码|名称|必需(是/否)|类型”，类型可填 图片、PDF、文档、表格、视频，多个用逗号分隔，留空表示不限类型。',
    '   例：R-IND-1-E1|村集体经济收支台账|是|表格,PDF',
    '6. 否决条件：单元格内每行一项，格式“代码|描述”。任一否决条件成立，该任务所属星级不予授予（一票否决）。例：R-SAF-1-V1|发生刑事案件',
    '7. 所有代码（星级、任务、佐证材料、否决条件）在整个目录中不得重复。',
    '8. 导入时逐项校验，错误会指明表名、单元格和原因（如“任务!D7: 分值必须是1到100之间的整数”），全部改正后才会导入。',
    `9. 支部类型对照：${BranchType.options.map((t) => `${t}=${BRANCH_TYPE_LABELS[t]}`).join('，')}。`,
  ];
  for (const line of lines) {
    const row = ws.addRow([line]);
    ws.mergeCells(row.number, 1, row.number, 3);
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
  }
}

function writeStars(wb: ExcelJS.Workbook, draft: Draft): void {
  const ws = wb.addWorksheet(SHEET.stars, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [...STAR_COLUMNS.map((c) => ({ width: c.width })), { width: 18 }];
  headerStyle(ws.addRow([...STAR_COLUMNS.map((c) => c.header), STAR_TOTAL_HEADER]));
  draft.stars.forEach((star, i) => {
    const r = i + 2;
    const total = star.tasks.reduce((sum, t) => sum + t.points, 0);
    ws.addRow([
      star.code,
      star.name,
      star.threshold ?? null,
      yesNo(star.capstone),
      { formula: `SUMIF('${SHEET.tasks}'!$A:$A,A${r},'${SHEET.tasks}'!$D:$D)`, result: total },
    ]);
  });
  const last = draft.stars.length + 10;
  validate(ws, `C2:C${last}`, {
    type: 'whole',
    operator: 'greaterThanOrEqual',
    formulae: [0],
    showErrorMessage: true,
    errorTitle: '达标分',
    error: '达标分必须是不小于0的整数',
  });
  validate(ws, `D2:D${last}`, { type: 'list', allowBlank: true, formulae: ['"是,否"'] });
}

function writeTasks(wb: ExcelJS.Workbook, draft: Draft): void {
  const ws = wb.addWorksheet(SHEET.tasks, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = TASK_COLUMNS.map((c) => ({ width: c.width }));
  headerStyle(ws.addRow(TASK_COLUMNS.map((c) => c.header)));
  for (const star of draft.stars) {
    for (const t of star.tasks) {
      const row = ws.addRow([
        star.code,
        t.code,
        t.title,
        t.points,
        t.evidence.map(evidenceLine).join('\n'),
        t.vetoes.map((v) => `${v.code}|${v.description}`).join('\n'),
      ]);
      row.alignment = { vertical: 'top', wrapText: true };
    }
  }
  const last = ws.rowCount + SPARE_ROWS;
  validate(ws, `A2:A${last}`, {
    type: 'list',
    allowBlank: true,
    formulae: [`'${SHEET.stars}'!$A$2:$A$${draft.stars.length + 10}`],
    showErrorMessage: true,
    errorTitle: '星级代码',
    error: '请填写“星级”表中已有的星级代码',
  });
  validate(ws, `D2:D${last}`, {
    type: 'whole',
    operator: 'between',
    formulae: [1, 100],
    showErrorMessage: true,
    errorTitle: '分值',
    error: '分值必须是1到100之间的整数',
  });
}

async function writeWorkbook(draft: Draft): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'fivestar';
  writeGuide(wb, draft);
  writeStars(wb, draft);
  writeTasks(wb, draft);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A catalog as an .xlsx workbook in the template's layout; `parseCatalogWorkbook` reads it back unchanged. */
export function catalogToWorkbook(catalog: Catalog): Promise<Buffer> {
  return writeWorkbook(catalog);
}

/**
 * An empty template for a branch type: identity to fill in (version 1, not an example), the type's stars
 * (codes, names and the capstone flag of the shipped default) with thresholds left blank, and no tasks.
 */
export function blankTemplate(branchType: BranchType): Promise<Buffer> {
  const stars = (defaultCatalogFor(branchType)?.stars ?? []).map((s) => ({
    code: s.code,
    name: s.name,
    capstone: s.capstone,
    tasks: [],
  }));
  return writeWorkbook({ id: '', version: 1, branchType, title: '', example: false, stars });
}

// ---------------------------------------------------------------------------------------------------------
// Reading

/** A cell's content as trimmed text, whatever Excel stored (rich text, formula result, hyperlink, …). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\r\n?/g, '\n').trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return cellText(value.richText.map((r) => r.text).join(''));
  if ('result' in value && value.result !== undefined) return cellText(value.result as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return '';
  if ('text' in value) return cellText(value.text);
  if ('error' in value) return String(value.error);
  return '';
}

/** A number cell (or numeric text) as a number, blank as undefined, anything else as its text. */
function cellNumber(value: ExcelJS.CellValue): number | string | undefined {
  if (typeof value === 'number') return value;
  if (value !== null && typeof value === 'object' && 'result' in value && typeof value.result === 'number') {
    return value.result;
  }
  const text = cellText(value);
  if (text === '') return undefined;
  return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

const colLetter = (col: number): string => {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};
const cellRef = (sheet: string, col: number, row: number) => `${sheet}!${colLetter(col)}${row}`;

/** Column number (1-based) of each expected header in row 1; missing headers are reported. */
function findColumns<K extends string>(
  ws: ExcelJS.Worksheet,
  sheet: string,
  columns: { key: K; header: string }[],
  errors: CatalogError[],
): Record<K, number> | undefined {
  const headers = new Map<string, number>();
  ws.getRow(1).eachCell((cell, col) => {
    const text = cellText(cell.value);
    if (text && !headers.has(text)) headers.set(text, col);
  });
  const found = {} as Record<K, number>;
  let complete = true;
  for (const c of columns) {
    const short = shortHeader(c.header);
    const col = [...headers].find(([text]) => shortHeader(text).trim() === short)?.[1];
    if (col === undefined) {
      errors.push({ path: `${sheet}!1:1`, message: `缺少列“${short}”（第1行应为列名）` });
      complete = false;
    } else found[c.key] = col;
  }
  return complete ? found : undefined;
}

const isBlankRow = (row: ExcelJS.Row, cols: number[]) =>
  cols.every((c) => cellText(row.getCell(c).value) === '');

/** Where each part of the assembled catalog came from, to point schema issues back at cells. */
interface Origins {
  meta: Partial<Record<MetaKey, string>>;
  starCols: Record<StarKey, number>;
  taskCols: Record<TaskKey, number>;
  starRows: number[];
  /** Per star, the 任务 row of each of its tasks. */
  taskRows: number[][];
  /** Per `si.ti.evidence` / `si.ti.vetoes`, the line (1-based, blank lines not counted) of each item. */
  itemLines: Map<string, number[]>;
}

const STAR_FIELD_COL: Record<string, StarKey> = {
  code: 'code',
  name: 'name',
  threshold: 'threshold',
  capstone: 'capstone',
};

/** A JSON path inside the assembled catalog → the cell it came from, with the line for evidence and vetoes. */
function cellOf(path: JsonPath, o: Origins): { ref: string; note?: string } {
  const [head, si, sub, ti, list, li] = path;
  if (head !== 'stars') {
    const meta = typeof head === 'string' ? o.meta[head as MetaKey] : undefined;
    return { ref: meta ?? SHEET.guide };
  }
  if (typeof si !== 'number') return { ref: SHEET.stars };
  const starRow = o.starRows[si]!;
  if (sub !== 'tasks') {
    const key = typeof sub === 'string' ? STAR_FIELD_COL[sub] : undefined;
    return { ref: cellRef(SHEET.stars, key ? o.starCols[key] : o.starCols.code, starRow) };
  }
  if (typeof ti !== 'number') return { ref: cellRef(SHEET.stars, o.starCols.code, starRow) };
  const row = o.taskRows[si]![ti]!;
  if ((list === 'evidence' || list === 'vetoes') && typeof li === 'number') {
    return {
      ref: cellRef(SHEET.tasks, o.taskCols[list], row),
      note: `第${o.itemLines.get(`${si}.${ti}.${list}`)?.[li] ?? li + 1}条${list === 'evidence' ? '佐证材料' : '否决条件'}`,
    };
  }
  const field = locate(path).field as TaskKey | undefined;
  const col = field && field in o.taskCols ? o.taskCols[field] : o.taskCols.code;
  return { ref: cellRef(SHEET.tasks, col, row) };
}

const renderCell = (o: Origins) => (path: JsonPath) => {
  const { ref, note } = cellOf(path, o);
  return note ? `${ref}（${note}）` : ref;
};

/** Splits a cell into its non-blank lines; full-width bars are taken as bars. */
const itemLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/｜/g, '|').trim())
    .filter((l) => l !== '');

/** One evidence or veto item read from a line of its cell. */
interface Item {
  value: Record<string, unknown>;
  line: number;
}

function parseEvidence(text: string, ref: string, errors: CatalogError[]): Item[] {
  return itemLines(text).flatMap((line, i): Item[] => {
    const at = `第${i + 1}条佐证材料`;
    const parts = line.split('|').map((p) => p.trim());
    if (parts.length < 2) {
      errors.push({ path: ref, message: `${at}“${line}”格式应为“代码|名称|必需(是/否)|类型”` });
      return [];
    }
    // code|title[|required[|kinds]]; with four or more parts the title may itself contain bars.
    const [code, ...rest] = parts as [string, ...string[]];
    const kindsText = rest.length >= 3 ? rest.pop()! : '';
    const requiredText = rest.length >= 2 ? rest.pop()! : '';
    const title = rest.join('|');
    let required = true;
    if (requiredText !== '') {
      const b = parseYesNo(requiredText);
      if (b === undefined) {
        errors.push({ path: ref, message: `${at}的“必需”应填“是”或“否”，不能是“${requiredText}”` });
        return [];
      }
      required = b;
    }
    const kinds: Kind[] = [];
    for (const k of kindsText.split(/[,，、;；\s]+/).filter((s) => s !== '')) {
      const kind = KIND_ALIASES[k.toLowerCase()];
      if (!kind) {
        errors.push({
          path: ref,
          message: `${at}的类型“${k}”无效，可填：${Object.values(KIND_LABEL).join('、')}`,
        });
        return [];
      }
      if (!kinds.includes(kind)) kinds.push(kind);
    }
    return [{ value: { code, title, required, kinds }, line: i + 1 }];
  });
}

function parseVetoes(text: string, ref: string, errors: CatalogError[]): Item[] {
  return itemLines(text).flatMap((line, i): Item[] => {
    const bar = line.indexOf('|');
    if (bar < 0) {
      errors.push({ path: ref, message: `第${i + 1}条否决条件“${line}”格式应为“代码|描述”` });
      return [];
    }
    return [
      { value: { code: line.slice(0, bar).trim(), description: line.slice(bar + 1).trim() }, line: i + 1 },
    ];
  });
}

function fail(errors: CatalogError[]): CatalogParseResult {
  return { ok: false, errors };
}

/**
 * Reads a workbook in the template's layout. Structure first (sheets, column headers, the identity rows
 * of 说明), then every cell (是/否, the evidence and veto lines, star codes in 任务), then the Catalog
 * schema's own checks (formats, points, unique codes, threshold ≤ total), each pointed back at its cell.
 *
 * exceljs runs on the calling thread, without limits: for workbooks we wrote, and inside the upload
 * worker. An upload goes through `importCatalog` / `parseCatalogUpload` (files.ts), which holds it to the
 * spreadsheet limits and parses it in a worker thread.
 */
export async function parseCatalogWorkbook(
  buffer: Buffer | Uint8Array | ArrayBuffer,
  /** exceljs's reader options (`EXCELJS_READ_OPTIONS` in the upload worker). */
  options?: Partial<ExcelJS.XlsxReadOptions>,
): Promise<CatalogParseResult> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer, options);
  } catch {
    return fail([
      { path: '', message: '文件不是有效的Excel工作簿（.xlsx），旧版 .xls 请另存为 .xlsx 后导入' },
    ]);
  }

  // Structure.
  const errors: CatalogError[] = [];
  const sheets = {
    guide: wb.getWorksheet(SHEET.guide),
    stars: wb.getWorksheet(SHEET.stars),
    tasks: wb.getWorksheet(SHEET.tasks),
  };
  for (const key of ['guide', 'stars', 'tasks'] as const) {
    if (!sheets[key]) errors.push({ path: SHEET[key], message: `缺少工作表“${SHEET[key]}”` });
  }
  if (!sheets.guide || !sheets.stars || !sheets.tasks) return fail(errors);
  const metaRows = new Map<string, number>();
  sheets.guide.eachRow((row, r) => {
    const label = cellText(row.getCell(1).value).replace(/[:：]$/, '');
    if (!metaRows.has(label)) metaRows.set(label, r);
  });
  for (const m of META) {
    if (!metaRows.has(m.label)) {
      errors.push({ path: SHEET.guide, message: `缺少“${m.label}”一行（A列填“${m.label}”，B列填其内容）` });
    }
  }
  const starCols = findColumns(sheets.stars, SHEET.stars, STAR_COLUMNS, errors);
  const taskCols = findColumns(sheets.tasks, SHEET.tasks, TASK_COLUMNS, errors);
  if (errors.length > 0 || !starCols || !taskCols) return fail(errors);

  // Cells. Paths already reported here are not reported again by the schema.
  const reported = new Set<string>();
  const report = (path: JsonPath, ref: string, message: string) => {
    errors.push({ path: ref, message });
    reported.add(JSON.stringify(path));
  };
  const o: Origins = { meta: {}, starCols, taskCols, starRows: [], taskRows: [], itemLines: new Map() };

  const raw: Record<string, unknown> = {};
  for (const m of META) {
    const r = metaRows.get(m.label)!;
    const ref = cellRef(SHEET.guide, 2, r);
    o.meta[m.key] = ref;
    const value = sheets.guide.getCell(r, 2).value;
    const text = cellText(value);
    if (text === '') {
      report([m.key], ref, `${m.label}不能为空`);
      continue;
    }
    if (m.key === 'version') raw.version = cellNumber(value);
    else if (m.key === 'branchType') {
      const t = text.replace(/[（(].*$/, '').trim();
      raw.branchType = branchTypeFromText(t);
    } else if (m.key === 'example') {
      const b = parseYesNo(text);
      if (b === undefined) report(['example'], ref, `示例应填“是”或“否”，不能是“${text}”`);
      raw.example = b;
    } else raw[m.key] = text;
  }

  const stars: Record<string, unknown>[] = [];
  const starIndex = new Map<string, number>();
  const duplicateStars = new Set<number>();
  const starWs = sheets.stars;
  for (let r = 2; r <= starWs.rowCount; r++) {
    const row = starWs.getRow(r);
    if (isBlankRow(row, Object.values(starCols))) continue;
    const si = stars.length;
    const code = cellText(row.getCell(starCols.code).value);
    const capText = cellText(row.getCell(starCols.capstone).value);
    const capstone = capText === '' ? false : parseYesNo(capText);
    if (capstone === undefined) {
      report(
        ['stars', si, 'capstone'],
        cellRef(SHEET.stars, starCols.capstone, r),
        `统领星应填“是”或“否”，不能是“${capText}”`,
      );
    }
    const threshold = cellNumber(row.getCell(starCols.threshold).value);
    if (threshold === undefined) {
      report(['stars', si, 'threshold'], cellRef(SHEET.stars, starCols.threshold, r), '达标分不能为空');
    }
    stars.push({ code, name: cellText(row.getCell(starCols.name).value), threshold, capstone, tasks: [] });
    o.starRows.push(r);
    o.taskRows.push([]);
    const first = starIndex.get(code);
    if (first !== undefined) {
      // Its tasks go to the first star of that code; this row is reported once, not once per rule.
      report(
        ['stars', si],
        cellRef(SHEET.stars, starCols.code, r),
        `星级代码 ${code} 与 ${cellRef(SHEET.stars, starCols.code, o.starRows[first]!)} 重复`,
      );
      duplicateStars.add(si);
    } else if (code !== '') starIndex.set(code, si);
  }
  if (stars.length === 0) report(['stars'], `${SHEET.stars}!2:2`, '“星级”表中没有星级（第2行起每行一个）');
  raw.stars = stars;

  const taskWs = sheets.tasks;
  let orphanRows = 0;
  for (let r = 2; r <= taskWs.rowCount; r++) {
    const row = taskWs.getRow(r);
    if (isBlankRow(row, Object.values(taskCols))) continue;
    const starCode = cellText(row.getCell(taskCols.star).value);
    const si = starIndex.get(starCode);
    if (si === undefined) {
      orphanRows++;
      errors.push({
        path: cellRef(SHEET.tasks, taskCols.star, r),
        message: starCode === '' ? '星级代码不能为空' : `星级代码“${starCode}”不在“星级”表中`,
      });
      continue;
    }
    const star = stars[si]!;
    const tasks = star.tasks as Record<string, unknown>[];
    o.taskRows[si]!.push(r);
    const points = cellNumber(row.getCell(taskCols.points).value);
    if (points === undefined) {
      report(
        ['stars', si, 'tasks', tasks.length, 'points'],
        cellRef(SHEET.tasks, taskCols.points, r),
        '分值不能为空',
      );
    }
    const evidence = parseEvidence(
      cellText(row.getCell(taskCols.evidence).value),
      cellRef(SHEET.tasks, taskCols.evidence, r),
      errors,
    );
    const vetoes = parseVetoes(
      cellText(row.getCell(taskCols.vetoes).value),
      cellRef(SHEET.tasks, taskCols.vetoes, r),
      errors,
    );
    o.itemLines.set(
      `${si}.${tasks.length}.evidence`,
      evidence.map((e) => e.line),
    );
    o.itemLines.set(
      `${si}.${tasks.length}.vetoes`,
      vetoes.map((v) => v.line),
    );
    tasks.push({
      code: cellText(row.getCell(taskCols.code).value),
      title: cellText(row.getCell(taskCols.title).value),
      points,
      evidence: evidence.map((e) => e.value),
      vetoes: vetoes.map((v) => v.value),
    });
  }
  const emptyStars = new Set<number>();
  stars.forEach((star, si) => {
    if ((star.tasks as unknown[]).length > 0) return;
    emptyStars.add(si);
    if (star.code !== '' && !duplicateStars.has(si)) {
      report(
        ['stars', si, 'tasks'],
        cellRef(SHEET.stars, starCols.code, o.starRows[si]!),
        `星级“${String(star.code)}”在“任务”表中没有任务`,
      );
    }
  });

  // The Catalog schema's own checks, pointed back at cells.
  const result = checkCatalog(raw);
  if (!result.success) {
    const render = renderCell(o);
    for (const issue of result.error.issues) {
      const covered = issue.path.some((_, i) => reported.has(JSON.stringify(issue.path.slice(0, i + 1))));
      if (covered) continue;
      // A task row that fit no star leaves the star totals short, and a star without tasks has none:
      // "threshold above the total" would only repeat those errors.
      const [, si, field] = issue.path;
      const totalUnknown = orphanRows > 0 || (typeof si === 'number' && emptyStars.has(si));
      if (issue.code === 'custom' && field === 'threshold' && totalUnknown) continue;
      const { ref, note } = cellOf(issue.path, o);
      const message = messageFor(issue, raw, render, { missing: (label) => `${label}不能为空` });
      errors.push({ path: ref, message: note ? `${note}：${message}` : message });
    }
  }
  if (errors.length > 0 || !result.success) return fail(inSheetOrder(errors));
  return { ok: true, catalog: result.data };
}

const SHEET_ORDER: string[] = [SHEET.guide, SHEET.stars, SHEET.tasks];

/** Errors by sheet (说明, 星级, 任务), then row, then column; a whole sheet or row before its cells. */
function inSheetOrder(errors: CatalogError[]): CatalogError[] {
  const key = (e: CatalogError) => {
    const [sheet = '', ref = ''] = e.path.split('!');
    const m = /^([A-Z]*)(\d*)/.exec(ref)!;
    const col = m[1]!.split('').reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    return [SHEET_ORDER.indexOf(sheet), m[2] ? Number(m[2]) : 0, col];
  };
  return errors
    .map((e, i) => ({ e, i, k: key(e) }))
    .sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]! || a.k[2]! - b.k[2]! || a.i - b.i)
    .map((x) => x.e);
}
