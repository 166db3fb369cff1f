/** The exit codes scripts rely on (cli/README.md). Stable: never renumber them. */
export const Exit = {
  ok: 0,
  /** The check failed: the audit chain is broken, a dry run found errors, rows were rejected. */
  checkFailed: 1,
  /** Usage error or a bad input file (also the server refusing the input: 400, 404, 409). */
  badInput: 2,
  /** Not signed in, the token refused, or the role / jurisdiction forbids it. */
  auth: 3,
  /** The server failed or could not be reached. */
  server: 4,
} as const;
export type ExitCode = (typeof Exit)[keyof typeof Exit];

export interface FieldError {
  field: string;
  message: string;
}

/** A failure the tool reports and exits with; `errors` name each offending field. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The exit code an HTTP error status maps to. */
export function exitForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return Exit.auth;
  // 429 (rate limit, login lockout) is the server's to lift: retry later, like a 5xx.
  if (status >= 400 && status < 500 && status !== 429) return Exit.badInput;
  return Exit.server;
}
