import { Command, CommanderError } from 'commander';
import { Api, serverUrl } from './client';
import { registerAudit } from './commands/audit';
import { registerAuth } from './commands/auth';
import { registerCalendar } from './commands/calendar';
import { registerCampaigns } from './commands/campaigns';
import { registerCatalogs } from './commands/catalogs';
import { registerDirectory } from './commands/directory';
import { registerReports } from './commands/reports';
import { registerRounds } from './commands/rounds';
import type { Act } from './context';
import { CliError, Exit, type ExitCode } from './exit';
import { Output, type Io } from './output';

/** Commander's own outcomes that are not usage errors. */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs the tool on `argv` (without node and the script) against the given streams and answers the exit
 * code, so tests run it in-process. Nothing here calls process.exit.
 */
export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  const out = new Output(io, argv.includes('--json'));
  let code: ExitCode = Exit.ok;
  const program = new Command('fivestar')
    .description('五星支部创建考评平台的命令行工具（县级办公室使用；通过 HTTP 访问服务器）')
    .option('--server <url>', '服务器地址（默认取 FIVESTAR_SERVER，再默认 http://127.0.0.1:8080）')
    .option('--json', '标准输出只输出 JSON（供脚本使用）')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('（用 --help 查看用法）');

  const act: Act =
    (action) =>
    async (...params) => {
      const command = params[params.length - 1] as Command;
      const args = params.slice(0, -2) as string[];
      const opts = command.optsWithGlobals();
      const server = serverUrl(opts.server, io.env);
      const ctx = { io, out, server, api: () => Api.connect(server, io.env) };
      code = (await action(ctx, opts, ...args)) ?? Exit.ok;
    };
  for (const register of [
    registerAuth,
    registerDirectory,
    registerCampaigns,
    registerCatalogs,
    registerRounds,
    registerCalendar,
    registerReports,
    registerAudit,
  ])
    register(program, act);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (HELP_CODES.has(err.code)) return Exit.ok;
      // Commander has told it on stderr already.
      out.jsonFailure(new CliError(Exit.badInput, err.message));
      return Exit.badInput;
    }
    const failure =
      err instanceof CliError ? err : new CliError(Exit.server, `意外错误：${(err as Error).message}`);
    out.error(failure);
    return failure.exitCode;
  }
}
