/** Progress on stderr (the report goes to stdout), with the wall time and the run's elapsed seconds. */
const started = Date.now();

export function say(message: string): void {
  const now = new Date().toISOString().slice(11, 19);
  const elapsed = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[faults ${now} +${elapsed}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Polls `probe` until it returns a value other than undefined, or gives undefined after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}
