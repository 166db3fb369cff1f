import type { Catalog } from '@fivestar/contracts';
import {
  checkCatalog,
  formatPath,
  messageFor,
  unknownFieldMessage,
  unknownFields,
  type CatalogError,
  type CatalogParseResult,
} from './errors';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function syntaxError(text: string, err: unknown): CatalogError {
  const detail = err instanceof Error ? err.message : String(err);
  const at = /at position (\d+)/.exec(detail);
  if (at && Number(at[1]) >= text.trimEnd().length) {
    return { path: '', message: '不是有效的JSON：内容不完整（意外结束）' };
  }
  if (at) {
    const { line, column } = lineColumn(text, Number(at[1]));
    return { path: '', message: `不是有效的JSON：第${line}行第${column}列附近有语法错误` };
  }
  if (/end of JSON input/i.test(detail))
    return { path: '', message: '不是有效的JSON：内容不完整（意外结束）' };
  return { path: '', message: '不是有效的JSON：存在语法错误' };
}

/**
 * Checks an already decoded value as a catalog: every schema issue with its path and a Chinese message,
 * and fields the schema does not know (a misspelt `veto` would otherwise be dropped without a word).
 */
export function checkCatalogValue(data: unknown): CatalogParseResult {
  const errors: CatalogError[] = unknownFields(data).map((p) => ({
    path: formatPath(p),
    message: unknownFieldMessage(p),
  }));
  const r = checkCatalog(data);
  if (!r.success) {
    for (const issue of r.error.issues) {
      errors.push({ path: formatPath(issue.path), message: messageFor(issue, data) });
    }
  }
  if (errors.length > 0 || !r.success) return { ok: false, errors };
  return { ok: true, catalog: r.data };
}

/** Parses a catalog from JSON text (as exported by `catalogToJson` or written by hand). */
export function parseCatalogJson(text: string): CatalogParseResult {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '')
    return { ok: false, errors: [{ path: '', message: '内容为空，应为目录的JSON对象' }] };
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    return { ok: false, errors: [syntaxError(body, err)] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, errors: [{ path: '', message: '目录必须是一个JSON对象' }] };
  }
  return checkCatalogValue(data);
}

/** A catalog as JSON text, every field spelt out (defaults included), two-space indented. */
export function catalogToJson(catalog: Catalog): string {
  return `${JSON.stringify(catalog, null, 2)}\n`;
}
