import type { Command, OptionValues } from 'commander';
import type { Api } from './client';
import type { ExitCode } from './exit';
import type { Io, Output } from './output';

/** What a command's action gets: the streams, the output mode, the server and its API client. */
export interface Ctx {
  io: Io;
  out: Output;
  server: string;
  /** The API as the configured credential (FIVESTAR_TOKEN, else the saved login). */
  api(): Promise<Api>;
}

export type Action = (ctx: Ctx, opts: OptionValues, ...args: string[]) => Promise<ExitCode | void>;

/** Wraps an action for commander: its positional arguments, then the options with the globals. */
export type Act = (action: Action) => (...params: unknown[]) => Promise<void>;

export type Register = (program: Command, act: Act) => void;
