/**
 * Benchmark: the province's campaign opened by its 专班 (`POST /api/campaigns`, every step a year long)
 * and every county's round started under it (`POST /api/campaigns/:id/rounds`), timed until every
 * round's launcher is done (`launchDone`: every branch workflow started) — against a raw baseline on the
 * same Temporal server: as many trivial workflow starts on a task queue of their own. The province (or
 * the `--cities` of it: the dev server is slow, so a fraction is measured and the figure extrapolated) is
 * imported first through the API. The whole system runs in this process on the `fivestar_bench_rounds`
 * database (dropped and migrated afresh) and a private NATS.
 *
 *   npx tsx bench/province-rounds.ts [--branches 52000] [--cities 4101,4102] [--repeat 3]
 *
 * Needs `npm run build` and a Temporal dev server (`TEMPORAL_NAMESPACE=bench`).
 */
import { parseArgs } from 'node:util';
import { createLogger, ensureDatabase } from '@fivestar/platform';
import { ApiUser, startStack } from '../test/harness';
import { startPrivateNats } from '../test/private-nats';
import { quietSchedule } from '../test/round-schedules';
import { timedImport } from './import';
import { rawStarts, untilLaunched } from './launch';
import { benchProvince, citiesOf, PROVINCE, provinceSeed } from './province';
import { runBench, spread } from './run';

const { values } = parseArgs({
  options: {
    branches: { type: 'string', default: '52000' },
    cities: { type: 'string', default: '4101,4102' },
    repeat: { type: 'string', default: '3' },
  },
});
const YEAR = new Date().getFullYear();
/** Starts of the raw baseline at once (the launcher starts 16 per round, rounds side by side). */
const RAW_CONCURRENCY = 64;

async function main(): Promise<object> {
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench_rounds';
  await ensureDatabase(databaseUrl, createLogger('bench', 'warn'));
  const nats = await startPrivateNats();
  const whole = benchProvince(Number(values.branches));
  const file = values.cities ? citiesOf(whole, values.cities.split(',')) : whole;
  const runs: { seconds: number; launched: number; rounds: number; raw: number }[] = [];
  try {
    for (let i = 0; i < Number(values.repeat); i++) {
      const stack = await startStack({ databaseUrl, natsUrl: nats.url, directory: provinceSeed(whole) });
      try {
        await timedImport(await ApiUser.login(stack.baseUrl, `admin-${PROVINCE}`), file, false);
        const coordinator = await ApiUser.login(stack.baseUrl, `coord-${PROVINCE}`);
        const opened = await coordinator.post('/api/campaigns', {
          provinceCode: PROVINCE,
          year: YEAR,
          title: '五星支部创建',
          schedule: quietSchedule(365 * 86_400),
        });
        if (opened.status !== 201) throw new Error(`campaign not opened: ${JSON.stringify(opened.body)}`);
        const t0 = performance.now();
        const started = await coordinator.post(`/api/campaigns/${opened.body.campaignId}/rounds`, {});
        if (started.status !== 200)
          throw new Error(`rounds: ${started.status} ${JSON.stringify(started.body)}`);
        const roundIds = (started.body.started as { roundId: string }[]).map((s) => s.roundId);
        const launched = await untilLaunched(coordinator, roundIds);
        const seconds = (performance.now() - t0) / 1000;
        const raw = await rawStarts(stack.temporal, launched, RAW_CONCURRENCY, `${stack.runId}`);
        const run = { seconds, launched, rounds: roundIds.length, raw };
        runs.push(run);
        process.stderr.write(`run ${i + 1}: ${JSON.stringify(run)}\n`);
      } finally {
        await stack.stop();
      }
    }
  } finally {
    await nats.stop();
  }
  const perSecond = runs.map((r) => r.launched / r.seconds);
  const median = Number(spread(perSecond, 1).median);
  return {
    cities: file.cities.map((c) => c.code),
    counties: runs[0]!.rounds,
    branches: runs[0]!.launched,
    repeat: runs.length,
    launchSeconds: spread(runs.map((r) => r.seconds)),
    branchesPerSecond: spread(perSecond, 1),
    rawStartsPerSecond: spread(
      runs.map((r) => r.launched / r.raw),
      1,
    ),
    ratioToRaw: spread(runs.map((r) => r.seconds / r.raw)),
    // Extrapolated at the median rate: the whole province launched by the same server.
    wholeProvinceMinutes: (whole.branches.length / median / 60).toFixed(1),
  };
}

runBench(main);
