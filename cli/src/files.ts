import { readFile, writeFile } from 'node:fs/promises';
import type { z } from 'zod';
import { CliError, Exit, type FieldError } from './exit';
import { jsonErrorOffset } from './json-syntax';

/** Reads an input file; a missing or unreadable file is a bad input (exit 2). */
export async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '文件不存在' : code === 'EISDIR' ? '这是一个目录' : String(err);
    throw new CliError(Exit.badInput, `无法读取文件 ${file}：${why}`);
  }
}

export async function writeOutput(file: string, bytes: Buffer | string): Promise<void> {
  try {
    await writeFile(file, bytes);
  } catch (err) {
    throw new CliError(Exit.badInput, `无法写入文件 ${file}：${(err as Error).message}`);
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Parses JSON text, naming the line and column of a syntax error. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = (err as Error).message;
    const at = jsonErrorOffset(text.replace(/^\uFEFF/, ''));
    const where = at === null ? null : lineColumn(text, at);
    const place = where ? `第 ${where.line} 行第 ${where.column} 列` : '';
    throw new CliError(Exit.badInput, `${file} 不是有效的 JSON${place ? `（${place}）` : ''}`, [
      { field: where ? `${file}:${where.line}:${where.column}` : file, message },
    ]);
  }
}

export async function readJson(file: string): Promise<unknown> {
  return parseJson((await readInput(file)).toString('utf8'), file);
}

/** Zod issues as field errors: `steps.SELF_CHECK`, `users.3.role` (the server's naming, without `body.`). */
export function fieldErrors(
  issues: readonly z.core.$ZodIssue[],
  rename: Record<string, string> = {},
): FieldError[] {
  return issues.map((i) => {
    const field = i.path.map(String).join('.');
    return { field: rename[field] ?? (field || '(整个文件)'), message: i.message };
  });
}

/** Validates with a contracts schema or throws a bad input (exit 2) naming every field. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  message: string,
  rename: Record<string, string> = {},
): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new CliError(Exit.badInput, message, fieldErrors(r.error.issues, rename));
  return r.data;
}
