/**
 * Benchmark: the province's campaign opened by its 专班 (`POST /api/campaigns`, every step a year long)
 * and every county's round started under it (`POST /api/campaigns/:id/rounds`), timed until every
 * round's launcher is done (`launchDone`: every branch workflow started) — against a raw baseline on the
 * same Temporal server: as many trivial workflow starts on a task queue of their own. Then a county's
 * round progress (`GET /api/rounds/:id/progress`) `--requests` times (p50/p99) against its two aggregates
 * as plain SQL on the tasks service's read model. The province (or
 * the `--cities` of it: the dev server is slow, so a fraction is measured and the figure extrapolated) is
 * imported first through the API. The whole system runs in this process on the `fivestar_bench_rounds`
 * database (dropped and migrated afresh) and a private NATS.
 *
 *   npx tsx bench/province-rounds.ts [--branches 52000] [--cities 4101,4102] [--repeat 3]
 *
 * Needs `npm run build` and a Temporal dev server (`TEMPORAL_NAMESPACE=bench`).
 */
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { createDb, createLogger, ensureDatabase } from '@fivestar/platform';
import { ApiUser, eventually, startStack } from '../test/harness';
import { startPrivateNats } from '../test/private-nats';
import { quietSchedule } from '../test/round-schedules';
import { timedImport } from './import';
import { rawStarts, untilLaunched } from './launch';
import { benchProvince, citiesOf, PROVINCE, provinceSeed } from './province';
import { latency, runBench, spread } from './run';

const { values } = parseArgs({
  options: {
    branches: { type: 'string', default: '52000' },
    cities: { type: 'string', default: '4101,4102' },
    repeat: { type: 'string', default: '3' },
    requests: { type: 'string', default: '200' },
  },
});
const YEAR = new Date().getFullYear();
/** Starts of the raw baseline at once (the launcher starts 16 per round, rounds side by side). */
const RAW_CONCURRENCY = 64;

/** The round progress's two aggregates (tasks service, roundProgress) as plain SQL on its read model. */
async function rawProgress(db: Kysely<never>, roundId: string, county: string): Promise<void> {
  await sql`
    SELECT township_code, step, status, count(*)::int AS n FROM tasks.branch_progress
    WHERE round_id = ${roundId} AND county_code = ${county} GROUP BY 1, 2, 3`.execute(db);
  await sql`
    SELECT substr(branch_id, 1, 9), count(*)::int FROM tasks.tasks
    WHERE round_id = ${roundId} AND kind = 'step' AND status = 'open' AND branch_id LIKE ${`${county}%`}
      AND (deadline < now() OR overdue_at IS NOT NULL) GROUP BY 1`.execute(db);
}

async function main(): Promise<object> {
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench_rounds';
  await ensureDatabase(databaseUrl, createLogger('bench', 'warn'));
  const nats = await startPrivateNats();
  const whole = benchProvince(Number(values.branches));
  const file = values.cities ? citiesOf(whole, values.cities.split(',')) : whole;
  const runs: { seconds: number; launched: number; rounds: number; raw: number }[] = [];
  let progress: object = {};
  try {
    for (let i = 0; i < Number(values.repeat); i++) {
      const stack = await startStack({ databaseUrl, natsUrl: nats.url, directory: provinceSeed(file) });
      const db = createDb<never>(databaseUrl, 'tasks', 2);
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
        // The round progress of the largest county, once its read model has every branch.
        const sizes = (started.body.started as { countyCode: string; roundId: string }[]).map((s) => ({
          ...s,
          branches: file.branches.filter((b) => b.countyCode === s.countyCode).length,
        }));
        const { roundId, countyCode: county, branches } = sizes.sort((a, b) => b.branches - a.branches)[0]!;
        const url = `/api/rounds/${roundId}/progress?countyCode=${county}`;
        await eventually(
          () => coordinator.get(url),
          (r) => r.body?.total === branches,
          1_800_000,
        );
        const n = Number(values.requests);
        progress = {
          county,
          branches,
          http: await latency(n, () => coordinator.get(url)),
          rawSql: await latency(n, () => rawProgress(db, roundId, county)),
        };
      } finally {
        await db.destroy();
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
    roundProgress: progress,
  };
}

runBench(main);
