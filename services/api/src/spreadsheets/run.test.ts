import path from 'node:path';
import { problemOf } from '../gateway/problem';
import { Refusal } from '../refusal';
import { entry, writeZip, xlsxBomb } from './bombs.fixtures';
import {
  DEFAULT_SPREADSHEET_LIMITS as LIMITS,
  MAX_PARALLEL_PARSES,
  MAX_WAITING_PARSES,
  SpreadsheetRefusal,
} from './limits';
import { closeIdleWorkers, parseInWorker, parseLoad } from './run';

const ENTRY = path.join(__dirname, 'misbehave.fixtures.ts');
const job = (mode: string) => writeZip([entry('mode', mode)]);

/** How late a 10 ms timer fires, at worst, on this thread while `work` runs. */
async function worstTimerLag(work: Promise<unknown>): Promise<number> {
  let worst = 0;
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  await work.catch(() => undefined);
  clearInterval(timer);
  return worst;
}

afterAll(closeIdleWorkers);

describe('a parse in a worker thread', () => {
  it('answers what the parser returns, and keeps the worker ready for the next file', async () => {
    expect(await parseInWorker(ENTRY, job('echo'))).toEqual({ echo: 'echo' });
    expect(parseLoad()).toEqual({ running: 0, waiting: 0, idle: 1 });
    const started = Date.now();
    expect(await parseInWorker(ENTRY, job('again'))).toEqual({ echo: 'again' });
    expect(Date.now() - started).toBeLessThan(200);
    expect(parseLoad()).toEqual({ running: 0, waiting: 0, idle: 1 });
    await closeIdleWorkers();
    expect(parseLoad().idle).toBe(0);
  });

  it('ends a parse past the time limit, while this thread stays free', async () => {
    const started = Date.now();
    const parse = parseInWorker(ENTRY, job('loop'), { ...LIMITS, timeMs: 500 });
    const [lag] = await Promise.all([
      worstTimerLag(parse),
      expect(parse).rejects.toMatchObject({
        kind: 'limit',
        limit: 'time',
        message: '文件解析超过0.5秒，已拒绝',
      }),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lag).toBeLessThan(200);
  });

  it('ends a parse past the memory limit', async () => {
    await expect(parseInWorker(ENTRY, job('oom'), { ...LIMITS, heapMb: 64 })).rejects.toMatchObject({
      limit: 'memory',
      message: '文件解析所需内存超过64MB，已拒绝',
    });
  });

  it('reports a parser that fails as an error, not as a refusal', async () => {
    const err = await parseInWorker(ENTRY, job('throw')).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(SpreadsheetRefusal);
    expect((err as Error).message).toMatch(/^spreadsheet worker failed: Error: boom/);
  });

  it('survives a worker that fails while it waits for the next file', async () => {
    expect(await parseInWorker(ENTRY, job('late-crash'))).toEqual({ echo: 'late-crash' });
    await new Promise((r) => setTimeout(r, 500));
    expect(parseLoad()).toMatchObject({ running: 0, idle: 0 });
    expect(await parseInWorker(ENTRY, job('after'))).toEqual({ echo: 'after' });
  });

  it('refuses a declared bomb on this thread, without a worker', async () => {
    const started = Date.now();
    await expect(parseInWorker(ENTRY, xlsxBomb(256 * 1024 * 1024))).rejects.toMatchObject({
      limit: 'uncompressed',
    });
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses a lying bomb in the worker, within its declared size', async () => {
    await expect(parseInWorker(ENTRY, xlsxBomb(256 * 1024 * 1024, 64 * 1024))).rejects.toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining('实际大小与压缩包声明的不符'),
    });
  });

  it('runs a few at a time, queues a few more, and is busy (503) beyond', async () => {
    const stop = new AbortController();
    const held = Array.from({ length: MAX_PARALLEL_PARSES + MAX_WAITING_PARSES }, () =>
      parseInWorker(ENTRY, job('loop'), { ...LIMITS, timeMs: 60_000 }, stop.signal).catch((e: unknown) => e),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(parseLoad()).toMatchObject({ running: MAX_PARALLEL_PARSES, waiting: MAX_WAITING_PARSES });
    const busy = await parseInWorker(ENTRY, job('echo')).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(Refusal);
    expect(problemOf(busy as Refusal)).toMatchObject({ status: 503, retryAfter: 5 });
    // The request is over: running workers are ended, waiting ones never start.
    stop.abort();
    const outcomes = await Promise.all(held);
    expect(outcomes.every((o) => o instanceof Error && /abandoned/.test(o.message))).toBe(true);
    expect(parseLoad()).toMatchObject({ running: 0, waiting: 0 });
  });
});
