import { PassThrough, Readable } from 'node:stream';
import type { Io } from '../output';

/** Streams that keep what was written, for running the tool in-process. */
export interface MemoryIo extends Io {
  out(): string;
  err(): string;
}

export function memoryIo(env: Record<string, string | undefined> = {}, stdin = ''): MemoryIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.out.push(c));
  stderr.on('data', (c: Buffer) => chunks.err.push(c));
  return {
    stdout,
    stderr,
    stdin: Readable.from([Buffer.from(stdin)]),
    env,
    out: () => Buffer.concat(chunks.out).toString('utf8'),
    err: () => Buffer.concat(chunks.err).toString('utf8'),
  };
}
