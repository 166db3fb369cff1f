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
