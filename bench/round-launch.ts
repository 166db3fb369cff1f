/**
 * Benchmark: how fast a round of N branches launches, and how fast the resulting events become tasks
 * and notices. The whole system runs in this process on the real Temporal dev server, a private NATS
 * server and the `fivestar_bench` database (dropped and migrated afresh).
 *
 *   npx tsx bench/round-launch.ts [--branches 1000] [--page-size 200] [--pages-per-run 10]
 *
 * Needs `npm run build` and a Temporal dev server (`bash infra/temporal.sh start`).
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { demoCounty } from '@fivestar/api';
import { createDb, createLogger, ensureDatabase } from '@fivestar/platform';
import { roundWorkflowId } from '@fivestar/contracts/workflow';
import { ApiUser, eventually, startStack } from '../test/harness';
import { startPrivateNats } from '../test/private-nats';
import { runBench } from './run';

const { values } = parseArgs({
  options: {
    branches: { type: 'string', default: '1000' },
    'page-size': { type: 'string', default: '200' },
    'pages-per-run': { type: 'string', default: '10' },
  },
});
const branches = Number(values.branches);
const pageSize = Number(values['page-size']);
const pagesPerRun = Number(values['pages-per-run']);
const COUNTY = '419999';

async function main(): Promise<object> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench';
  await ensureDatabase(databaseUrl, createLogger('bench', 'warn'));
  const nats = await startPrivateNats();
  const directory = demoCounty(COUNTY, Math.ceil(branches / 3));
  directory.branches = directory.branches.slice(0, branches);
  const stack = await startStack({ databaseUrl, natsUrl: nats.url, directory });
  const db = createDb<never>(databaseUrl, 'public', 2);
  const count = async (table: string, where: string) =>
    Number(
      (
        await sql<{ n: string }>`select count(*) as n from ${sql.raw(table)} where ${sql.raw(where)}`.execute(
          db,
        )
      ).rows[0]!.n,
    );
  try {
    const coordinator = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
    const roundId = `bench-${stack.runId}`;
    const t0 = performance.now();
    const started = await coordinator.post('/api/rounds', {
      roundId,
      countyCode: COUNTY,
      year: 2026,
      title: 'bench',
      pageSize,
      pagesPerRun,
    });
    if (started.status !== 201) throw new Error(`round not started: ${JSON.stringify(started.body)}`);
    const seconds = () => (performance.now() - t0) / 1000;

    const launched = await eventually(
      () => coordinator.get(`/api/rounds/${roundId}`),
      (r) => r.body?.progress?.launchDone,
      600_000,
    );
    const tLaunch = seconds();
    await eventually(
      () => count('tasks.tasks', `round_id = '${roundId}'`),
      (n) => n >= branches,
      600_000,
    );
    const tTasks = seconds();
    await eventually(
      () => count('notifications.notices', `round_id = '${roundId}'`),
      (n) => n >= branches,
      600_000,
    );
    const tNotices = seconds();
    const round = await stack.temporal.workflow.getHandle(roundWorkflowId(roundId)).describe();

    const figures = {
      branches,
      pageSize,
      pagesPerRun,
      launchSeconds: tLaunch.toFixed(2),
      branchesPerSecond: (branches / tLaunch).toFixed(1),
      allTasksSeconds: tTasks.toFixed(2),
      allNoticesSeconds: tNotices.toFixed(2),
      roundRuns: launched.body.progress.runs,
      roundHistoryEventsThisRun: round.historyLength,
    };
    return figures;
  } finally {
    await db.destroy();
    await stack.stop();
    await nats.stop();
  }
}

runBench(main);
