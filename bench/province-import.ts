/**
 * Benchmark: the province's directory (bench/province.ts, 52,000 branches by default) imported by the
 * province's administrator in one file through the API — the dry run, the first import and a re-import
 * changing nothing — against a raw baseline on the same server: the same rows written by plain
 * multi-row INSERTs into empty copies of the same tables (schema `bench_raw`, `LIKE … INCLUDING ALL`:
 * the same keys and indexes, no foreign keys), in one transaction. Each repetition starts from a fresh
 * stack (API schema dropped and migrated afresh, database `fivestar_bench_province`, a private NATS);
 * Temporal must answer (the stack's worker connects to it).
 *
 *   npx tsx bench/province-import.ts [--branches 52000] [--repeat 3]
 *
 * Needs `npm run build`.
 */
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { hashPassword, type ApiDatabase } from '@fivestar/api';
import { createDb, createLogger, ensureDatabase } from '@fivestar/platform';
import { ApiUser, startStack } from '../test/harness';
import { startPrivateNats } from '../test/private-nats';
import { BENCH_PASSWORD, timedImport } from './import';
import { benchProvince, PROVINCE, provinceSeed, type ProvinceFile } from './province';
import { runBench, spread } from './run';

const { values } = parseArgs({
  options: { branches: { type: 'string', default: '52000' }, repeat: { type: 'string', default: '3' } },
});
const RAW = 'bench_raw';
const TABLES = ['provinces', 'cities', 'counties', 'townships', 'branches', 'users'] as const;
const CHUNK = 1000;

/** Every row the file puts in the directory: its places and users (the 市直 rows the import makes too). */
const rowCount = (f: ProvinceFile) =>
  1 + f.cities.length + f.counties.length + f.townships.length + f.branches.length + f.users.length;

/** Seconds to write the file's rows by plain multi-row INSERTs into empty copies of the API's tables. */
async function rawImport(db: Kysely<ApiDatabase>, f: ProvinceFile): Promise<number> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(RAW)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(RAW)}`.execute(db);
  for (const t of TABLES)
    await sql`CREATE TABLE ${sql.id(RAW, t)} (LIKE ${sql.id('api', t)} INCLUDING ALL)`.execute(db);
  const ownLevels = [...new Set(f.townships.map((t) => t.countyCode))]
    .filter((c) => c.endsWith('00'))
    .map((code) => ({ code, name: `${code}直` }));
  const t0 = performance.now();
  const hash = await hashPassword(BENCH_PASSWORD);
  await db.transaction().execute(async (trx) => {
    const raw = trx.withSchema(RAW);
    const insert = async <T extends (typeof TABLES)[number]>(table: T, rows: object[]) => {
      for (let i = 0; i < rows.length; i += CHUNK)
        await raw
          .insertInto(table)
          .values(rows.slice(i, i + CHUNK) as never)
          .execute();
    };
    await insert('provinces', [f.province]);
    await insert('cities', f.cities);
    await insert('counties', [...f.counties, ...ownLevels]);
    await insert(
      'townships',
      f.townships.map((t) => ({
        code: t.code,
        name: t.name,
        county_code: t.countyCode,
        kind: t.kind ?? 'township',
      })),
    );
    await insert(
      'branches',
      f.branches.map((b) => ({
        code: b.code,
        name: b.name,
        type: b.type,
        township_code: b.townshipCode,
        county_code: b.countyCode,
        weak: b.weak,
      })),
    );
    await insert(
      'users',
      f.users.map((u) => ({ ...u, id: `u-${u.username}`, active: true, password_hash: hash })),
    );
  });
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<object> {
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench_province';
  await ensureDatabase(databaseUrl, createLogger('bench', 'warn'));
  const nats = await startPrivateNats();
  const file = benchProvince(Number(values.branches));
  const rows = rowCount(file);
  const runs: Record<'raw' | 'dryRun' | 'firstImport' | 'reImport', number>[] = [];
  try {
    for (let i = 0; i < Number(values.repeat); i++) {
      const stack = await startStack({ databaseUrl, natsUrl: nats.url, directory: provinceSeed(file) });
      const db = createDb<ApiDatabase>(databaseUrl, 'api', 2);
      try {
        const admin = await ApiUser.login(stack.baseUrl, `admin-${PROVINCE}`);
        const dryRun = await timedImport(admin, file, true);
        const first = await timedImport(admin, file, false);
        const again = await timedImport(admin, file, false);
        if (first.summary.created !== file.users.length - 2 || again.summary.unchanged !== file.users.length)
          throw new Error(`unexpected summaries: ${JSON.stringify([first.summary, again.summary])}`);
        const raw = await rawImport(db, file);
        const run = { raw, dryRun: dryRun.seconds, firstImport: first.seconds, reImport: again.seconds };
        runs.push(run);
        process.stderr.write(`run ${i + 1}: ${JSON.stringify(run)} published ${first.published}\n`);
      } finally {
        await db.destroy();
        await stack.stop();
      }
    }
  } finally {
    await nats.stop();
  }
  const phase = (k: keyof (typeof runs)[number]) => ({
    seconds: spread(runs.map((r) => r[k])),
    rowsPerSecond: spread(
      runs.map((r) => rows / r[k]),
      0,
    ),
    ...(k === 'raw' ? {} : { ratioToRaw: spread(runs.map((r) => r[k] / r.raw)) }),
  });
  return {
    branches: file.branches.length,
    townships: file.townships.length,
    counties: file.counties.length,
    users: file.users.length,
    rows,
    fileMiB: (JSON.stringify(file).length / 2 ** 20).toFixed(1),
    repeat: runs.length,
    raw: phase('raw'),
    dryRun: phase('dryRun'),
    firstImport: phase('firstImport'),
    reImport: phase('reImport'),
  };
}

runBench(main);
