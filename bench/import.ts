import type { ApiUser } from '../test/harness';

/** The password new users of a benchmark's directory file get. */
export const BENCH_PASSWORD = 'bench-initial-2026';

/** Seconds from sending a directory file to `POST /api/admin/users/import` to its answer, and the summary. */
export async function timedImport(admin: ApiUser, file: object, dryRun: boolean) {
  const t0 = performance.now();
  const r = await admin.post(`/api/admin/users/import?dryRun=${dryRun}`, {
    ...file,
    initialPassword: BENCH_PASSWORD,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 200)
    throw new Error(`import answered ${r.status} after ${seconds.toFixed(1)} s: ${JSON.stringify(r.body)}`);
  return {
    seconds,
    summary: r.body.summary as Record<string, number>,
    published: r.body.published as number,
  };
}
