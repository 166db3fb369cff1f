/**
 * Benchmark: a county's directory imported in one file through the API — the server's dry run, the
 * first import (every township, branch and user new) and a re-import (all unchanged). The API and the
 * services run in this process on a private NATS server and the `fivestar_bench_directory` database
 * (dropped and migrated afresh); Temporal must answer (the stack's worker connects to it).
 *
 *   npx tsx bench/directory-import.ts [--branches 1000]
 *
 * Needs `npm run build`.
 */
import { parseArgs } from 'node:util';
import { demoCounty } from '@fivestar/api';
import { createLogger, ensureDatabase } from '@fivestar/platform';
import { ApiUser, startStack } from '../test/harness';
import { startPrivateNats } from '../test/private-nats';
import { timedImport } from './import';
import { runBench } from './run';

const { values } = parseArgs({ options: { branches: { type: 'string', default: '1000' } } });
const branches = Number(values.branches);
const COUNTY = '419998';

async function main(): Promise<object> {
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench_directory';
  await ensureDatabase(databaseUrl, createLogger('bench', 'warn'));
  const nats = await startPrivateNats();
  // The stack starts with the county's administrator only; the file brings everything else.
  const seed = demoCounty(COUNTY, 1);
  const stack = await startStack({
    databaseUrl,
    natsUrl: nats.url,
    directory: { ...seed, users: seed.users.filter((u) => u.role === 'admin') },
  });
  try {
    const admin = await ApiUser.login(stack.baseUrl, `admin-${COUNTY}`);
    // The county's own file: without its city's and province's places and users (the import takes
    // exactly one of province, city, county), and without the secretaries of branches cut off.
    const { province: _province, city: _city, ...county } = demoCounty(COUNTY, Math.ceil(branches / 3));
    county.branches = county.branches.slice(0, branches);
    const placed = new Set([
      COUNTY,
      ...county.townships.map((t) => t.code),
      ...county.branches.map((b) => b.code),
    ]);
    const file = {
      ...county,
      users: county.users.filter((u) => placed.has(u.jurisdiction)),
    };
    const timed = async (dryRun: boolean) => {
      const { seconds, summary } = await timedImport(admin, file, dryRun);
      return { seconds: seconds.toFixed(2), summary };
    };
    const dryRun = await timed(true);
    const first = await timed(false);
    const again = await timed(false);
    const figures = {
      branches: county.branches.length,
      townships: county.townships.length,
      users: file.users.length,
      fileKiB: Math.round(JSON.stringify(file).length / 1024),
      dryRun,
      firstImport: first,
      reImport: again,
    };
    return figures;
  } finally {
    await stack.stop();
    await nats.stop();
  }
}

runBench(main);
