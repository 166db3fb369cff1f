import { z } from 'zod';
import { decodeCsvBytes, parseCsv } from './csv';
import {
  directoryFromTables,
  sheetTables,
  type DirectoryTablesResult,
  type SheetLike,
  type SourceTable,
} from './directory-tables';
import { DirectoryImportRequest } from './identity';

/** A file chosen for a directory import: its name (the extension tells its kind) and bytes. */
export interface DirectoryFile {
  name: string;
  bytes: Uint8Array;
}

/** Opens an .xlsx workbook (exceljs in the browser and in the CLI). */
export type WorkbookLoader = (bytes: Uint8Array) => Promise<readonly SheetLike[]>;

const zhCN = { error: z.locales.zhCN().localeError };
const extension = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

/** A directory JSON file: the API's request as it is (its user rows are the server's to judge). */
function fromJson(file: DirectoryFile): DirectoryTablesResult {
  const fail = (column: string, message: string) => ({ source: file.name, row: 0, column, message });
  let json: unknown;
  try {
    json = JSON.parse(decodeCsvBytes(file.bytes));
  } catch (e) {
    return { userRows: [], errors: [fail('', `不是有效的 JSON：${(e as Error).message}`)] };
  }
  const parsed = DirectoryImportRequest.safeParse(json, zhCN);
  if (!parsed.success)
    return { userRows: [], errors: parsed.error.issues.map((i) => fail(i.path.join('.'), i.message)) };
  return {
    request: parsed.data,
    userRows: parsed.data.users.map((_, i) => ({ source: file.name, row: i + 1 })),
    errors: [],
  };
}

/**
 * The import request of the files chosen: one JSON file (the API's request as it is), or an Excel
 * workbook and/or CSV files holding the tables (see directory-tables). Every problem is named by file,
 * row and column.
 */
export async function readDirectoryFiles(
  files: readonly DirectoryFile[],
  loadWorkbook: WorkbookLoader,
): Promise<DirectoryTablesResult> {
  const json = files.filter((f) => extension(f.name) === 'json');
  if (json.length === 1 && files.length === 1) return fromJson(json[0]!);
  const fail = (source: string, message: string): DirectoryTablesResult => ({
    userRows: [],
    errors: [{ source, row: 0, column: '', message }],
  });
  if (files.length === 0) return fail('', '请选择文件');
  if (json.length) return fail(json[0]!.name, 'JSON 目录文件须单独导入，不能与表格一起选');
  const tables: SourceTable[] = [];
  for (const file of files) {
    const kind = extension(file.name);
    if (kind === 'csv') tables.push({ source: file.name, rows: parseCsv(decodeCsvBytes(file.bytes)) });
    else if (kind === 'xlsx') {
      let sheets: readonly SheetLike[];
      try {
        sheets = await loadWorkbook(file.bytes);
      } catch (e) {
        return fail(file.name, `无法打开 Excel 文件：${(e as Error).message}`);
      }
      tables.push(...sheetTables(sheets, file.name));
    } else return fail(file.name, '不支持的文件类型：只支持 .xlsx、.csv 或 .json');
  }
  return directoryFromTables(tables);
}
