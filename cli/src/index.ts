export { run } from './program';
export { Exit, CliError, type ExitCode, type FieldError } from './exit';
export type { Io } from './output';
