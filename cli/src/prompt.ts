import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Io } from './output';

/** Asks on the terminal (stderr); a hidden answer is not echoed. */
export async function ask(io: Io, question: string, hidden = false): Promise<string> {
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) io.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: io.stdin, output: echo, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(question, resolve));
  muted = hidden;
  try {
    return await answer;
  } finally {
    rl.close();
    if (hidden) io.stderr.write('\n');
  }
}

/** All of stdin (`--password-stdin`), without the final line break. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
