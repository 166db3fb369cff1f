import type { CliError } from './exit';

/** Where the tool reads and writes: the process's streams, or a test's. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** Display width: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6);
    w += wide ? 2 : 1;
  }
  return w;
}

/** Rows as aligned columns (the first row is the header), two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - displayWidth(cell))))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * Human text or, with `--json`, one JSON document on stdout and nothing else there; notes and errors
 * go to stderr either way.
 */
export class Output {
  constructor(
    private readonly io: Io,
    readonly json: boolean,
  ) {}

  result(human: string | readonly string[], data: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else this.io.stdout.write(`${typeof human === 'string' ? human : human.join('\n')}\n`);
  }

  note(message: string): void {
    this.io.stderr.write(`${message}\n`);
  }

  error(err: CliError): void {
    this.io.stderr.write(`${errorText(err).join('\n')}\n`);
    this.jsonFailure(err);
  }

  /** The failure as JSON on stdout (with --json), for errors already told on stderr. */
  jsonFailure(err: CliError): void {
    if (this.json)
      this.io.stdout.write(
        `${JSON.stringify({ ok: false, exitCode: err.exitCode, message: err.message, errors: err.errors }, null, 2)}\n`,
      );
  }
}

export function errorText(err: CliError): string[] {
  return [`错误：${err.message}`, ...err.errors.map((e) => `  ${e.field}：${e.message}`)];
}
