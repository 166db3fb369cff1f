import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { Refusal } from '../refusal';
import {
  DEFAULT_SPREADSHEET_LIMITS,
  MAX_PARALLEL_PARSES,
  MAX_WAITING_PARSES,
  SpreadsheetRefusal,
  type SpreadsheetLimits,
} from './limits';
import type { WorkerJob, WorkerMessage } from './serve';
import { readCentralDirectory } from './zip';

/** A worker whose code (its own, then the parser's) has not loaded by then is ended (overloaded): 503. */
const STARTUP_MS = 15_000;
/** Seconds a client is told to wait when every parse slot and the queue are taken. */
const BUSY_RETRY_SECONDS = 5;

/**
 * A worker for an entry file: compiled JavaScript as it is; TypeScript (jest, tsx) through tsx's
 * CommonJS hook, which the worker loads before the entry.
 */
function startWorker(entry: string, options: WorkerOptions): Worker {
  const worker =
    path.extname(entry) !== '.ts'
      ? new Worker(entry, options)
      : new Worker(
          `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`,
          {
            ...options,
            eval: true,
          },
        );
  // A worker may fail while idle or while being ended (out of memory as it is terminated): an 'error'
  // nobody listens to would bring the API down. A job listens for its own errors besides.
  worker.on('error', () => undefined);
  return worker;
}

let running = 0;
const waiting: (() => void)[] = [];

/** A parse slot; refused as busy when all are taken and the queue is full. */
function acquire(): Promise<void> {
  if (running < MAX_PARALLEL_PARSES) {
    running++;
    return Promise.resolve();
  }
  if (waiting.length >= MAX_WAITING_PARSES) {
    return Promise.reject(
      new Refusal('busy', '正在解析的表格文件过多，请稍后重试', undefined, BUSY_RETRY_SECONDS),
    );
  }
  return new Promise((resolve) =>
    waiting.push(() => {
      running++;
      resolve();
    }),
  );
}

function release(): void {
  running--;
  waiting.shift()?.();
}

/** How long a worker that answered stays ready for the next file (its parser loaded) before it ends. */
const IDLE_MS = 30_000;

interface IdleWorker {
  worker: Worker;
  key: string;
  timer: NodeJS.Timeout;
  onExit: () => void;
}
const idle: IdleWorker[] = [];

function dropIdle(x: IdleWorker): void {
  const i = idle.indexOf(x);
  if (i >= 0) idle.splice(i, 1);
  clearTimeout(x.timer);
  x.worker.off('exit', x.onExit);
}

/** A ready worker for this entry and heap, if one waits. */
function takeIdle(key: string): Worker | undefined {
  const x = idle.find((w) => w.key === key);
  if (!x) return undefined;
  dropIdle(x);
  x.worker.ref();
  return x.worker;
}

/** Keeps a worker that answered for the next file; it holds no process open while it waits. */
function keepIdle(worker: Worker, key: string): void {
  const x: IdleWorker = {
    worker,
    key,
    timer: setTimeout(() => {
      dropIdle(x);
      void worker.terminate();
    }, IDLE_MS).unref(),
    onExit: () => dropIdle(x),
  };
  worker.once('exit', x.onExit);
  worker.unref();
  idle.push(x);
}

/** Ends the workers waiting for a file (a service stopping; tests). */
export async function closeIdleWorkers(): Promise<void> {
  const all = [...idle];
  all.forEach(dropIdle);
  await Promise.all(all.map((x) => x.worker.terminate()));
}

/** Parses running and waiting, and workers ready (for tests and stats). */
export const parseLoad = () => ({ running, waiting: waiting.length, idle: idle.length });

/**
 * Runs a spreadsheet parse off the request thread: the central directory is checked here first (cheap,
 * nothing inflated: a bomb that says what it is never costs a worker), then `entry` — a file calling
 * `serveSpreadsheetJob` — inspects and parses the file in a worker thread with a capped heap. The
 * worker is ended when the inspection or the parse passes `limits.timeMs` (each timed on its own;
 * loading code is not), when its heap runs out, or when `signal` aborts (the client left, or the
 * request's bound answered for it); a worker that answered stays ready for the next file a while. At
 * most MAX_PARALLEL_PARSES run at once. Throws a SpreadsheetRefusal for a file past a limit or
 * malformed, a `busy` Refusal when busy, an Error when the worker itself failed.
 */
export async function parseInWorker<T>(
  entry: string,
  bytes: Uint8Array,
  limits: SpreadsheetLimits = DEFAULT_SPREADSHEET_LIMITS,
  signal?: AbortSignal,
): Promise<T> {
  readCentralDirectory(bytes, limits);
  await acquire();
  try {
    if (signal?.aborted) throw new Error('spreadsheet parse abandoned: the request has ended');
    return await runJob<T>(entry, bytes, limits, signal);
  } finally {
    release();
  }
}

function runJob<T>(
  entry: string,
  bytes: Uint8Array,
  limits: SpreadsheetLimits,
  signal?: AbortSignal,
): Promise<T> {
  const key = `${entry}\0${limits.heapMb}`;
  const worker =
    takeIdle(key) ??
    startWorker(entry, {
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    const onStartupTimeout = () =>
      finish(new Refusal('busy', '表格解析暂不可用，请稍后重试', undefined, BUSY_RETRY_SECONDS));
    let startup = setTimeout(onStartupTimeout, STARTUP_MS);
    /** `reusable`: the worker answered and may take the next file. */
    const finish = (err: unknown, value?: T, reusable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(startup);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reusable) keepIdle(worker, key);
      else void worker.terminate();
      if (err === undefined) resolve(value as T);
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = () => finish(new Error('spreadsheet parse abandoned: the request has ended'));
    const onMessage = (m: WorkerMessage) => {
      switch (m.type) {
        case 'started':
        case 'parsing':
          // The file's own work is timed: the inspection, then the parse; loading code is not.
          clearTimeout(startup);
          clearTimeout(deadline);
          deadline = setTimeout(() => finish(SpreadsheetRefusal.over('time', limits)), limits.timeMs);
          break;
        case 'loading':
          clearTimeout(deadline);
          startup = setTimeout(onStartupTimeout, STARTUP_MS);
          break;
        case 'done':
          finish(undefined, m.value as T, true);
          break;
        case 'refused':
          finish(new SpreadsheetRefusal(m.kind, m.message, m.limit), undefined, true);
          break;
        case 'failed':
          finish(new Error(`spreadsheet worker failed: ${m.message}`));
          break;
      }
    };
    const onError = (err: Error & { code?: string }) =>
      finish(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? SpreadsheetRefusal.over('memory', limits) : err);
    const onExit = (code: number) =>
      finish(new Error(`spreadsheet worker exited with ${code} before answering`));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    const job: WorkerJob = { bytes, limits };
    worker.postMessage(job);
  });
}
