import type { BulletinDocumentResult, BulletinFormat, Figures } from '@fivestar/contracts';
import ExcelJS from 'exceljs';

/**
 * The printable HTML and xlsx of every ranking document (county and area bulletins, area rankings, the
 * list of five-star branches): a title and tables, the same tables as one sheet each.
 */

/** A table of a document: its sheet name in the xlsx, headers and rows of cells. */
export interface Table {
  sheet: string;
  headers: string[];
  rows: string[][];
}

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A paragraph of text (escaped). */
export const paragraph = (text: string): string => `<p>${escape(text)}</p>`;
/** A numbered section heading (escaped). */
export const heading = (text: string): string => `<h2>${escape(text)}</h2>`;

export function htmlTable({ headers, rows }: Pick<Table, 'headers' | 'rows'>): string {
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The printable page (Chinese): the title and the body's blocks, one a line. */
export function htmlPage(title: string, blocks: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font-family: "SimSun", "Songti SC", serif; margin: 2em; }
h1 { text-align: center; font-size: 20pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { border: 1px solid #000; padding: 4px 8px; text-align: center; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
${blocks.join('\n')}
</body>
</html>
`;
}

/** The xlsx workbook: one sheet per table, the title on its first row and the headers in bold. */
export async function xlsxBook(title: string, tables: readonly Table[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const { sheet, headers, rows } of tables) {
    const ws = wb.addWorksheet(sheet);
    ws.addRow([title]);
    ws.addRow(headers).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    ws.columns.forEach((col) => (col.width = 14));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The document answer of `format` named `<base>.html` / `<base>.xlsx`. */
export async function documentOf(
  base: string,
  format: BulletinFormat,
  html: () => string,
  xlsx: () => Promise<Buffer>,
): Promise<BulletinDocumentResult> {
  if (format === 'html')
    return {
      fileName: `${base}.html`,
      contentType: 'text/html; charset=utf-8',
      base64: Buffer.from(html(), 'utf8').toString('base64'),
    };
  return {
    fileName: `${base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    base64: (await xlsx()).toString('base64'),
  };
}

// ---- the tables every ranking prints, over areas of any level --------------------------------------

/** An area as the tables print it: its name and figures. */
export type NamedFigures = Figures & { name: string };

const LEVEL_COLUMNS = ['零星', '一星', '二星', '三星', '四星', '五星'];

/** 星级分布: per area, its branches at each level (`label` names the areas' column). */
export const levelTable = (sheet: string, label: string, areas: readonly NamedFigures[]): Table => ({
  sheet,
  headers: [label, ...LEVEL_COLUMNS],
  rows: areas.map((a) => [a.name, ...([0, 1, 2, 3, 4, 5] as const).map((l) => String(a.levelCounts[l]))]),
});

/** 各星创建情况: per area, how many branches hold each star. */
export const starTable = (
  sheet: string,
  label: string,
  stars: readonly { code: string; name: string }[],
  areas: readonly NamedFigures[],
): Table => ({
  sheet,
  headers: [label, ...stars.map((s) => s.name)],
  rows: areas.map((a) => [a.name, ...stars.map((s) => String(a.starCounts[s.code] ?? 0))]),
});

/** 支部数, 累计创星, 创建得分 and 三星以上占比 of an area: the cells every ranking row ends with. */
export const figureCells = (a: Figures): string[] => [
  String(a.branches),
  String(a.totalStars),
  a.averageStars,
  `${a.threeStarsOrMoreShare}%`,
];
export const FIGURE_HEADERS = ['支部数', '累计创星', '创建得分', '三星以上占比'];
