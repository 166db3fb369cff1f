/**
 * Replays recorded workflow histories on the current workflow code, in a plain Node process (jest's
 * module registry breaks protobufjs's type checks). Prints one line per history; exit 1 on any failure.
 *   npx tsx test/replay-runner.ts workflows/test/histories/*.json
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';

async function main(files: string[]): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowsPath = path.resolve(__dirname, '../workflows/src/workflows');
  let failed = 0;
  for (const file of files) {
    const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    try {
      await Worker.runReplayHistory({ workflowsPath }, history, path.basename(file));
      process.stdout.write(`replayed ${path.basename(file)} (${history.events?.length ?? 0} events)\n`);
    } catch (err) {
      failed += 1;
      process.stdout.write(`FAILED ${path.basename(file)}: ${String(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(2);
  },
);
