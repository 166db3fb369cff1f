/**
 * Runs a benchmark's `main` as a script: the figures it returns printed as JSON (nothing for a
 * benchmark that prints its own), exit 0; an error's stack on stderr, exit 1.
 */
export function runBench(main: () => Promise<object | void>): void {
  main().then(
    (figures) => {
      if (figures) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`${String(err?.stack ?? err)}\n`);
      process.exit(1);
    },
  );
}

/** The `q` quantile of ascending `sorted` (the nearest rank below). */
export const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Min, median and max of repeated figures, to `digits` decimals. */
export function spread(xs: number[], digits = 2): { min: string; median: string; max: string } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    min: s[0]!.toFixed(digits),
    median: quantile(s, 0.5).toFixed(digits),
    max: s.at(-1)!.toFixed(digits),
  };
}

/** p50 and p99 in ms of `n` calls of `call`, one after another. */
export async function latency(n: number, call: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: Number(quantile(ms, 0.5).toFixed(1)), p99: Number(quantile(ms, 0.99).toFixed(1)) };
}
