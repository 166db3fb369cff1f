import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectNats, createLogger, ensureEventStream } from '@fivestar/platform';

export interface PrivateNats {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A JetStream server of one's own (a throwaway store on a free loopback port), with the event
 * stream created, so a test run or a benchmark shares nothing with a running system.
 */
export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const store = mkdtempSync(path.join(tmpdir(), 'fivestar-nats-'));
  const child: ChildProcess = spawn(
    'nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store],
    {
      stdio: 'ignore',
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin` },
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', (err) =>
      reject(new Error(`cannot start nats-server (install it: apt-get install nats-server): ${err.message}`)),
    );
    child.once('spawn', () => resolve());
  });
  const url = `nats://127.0.0.1:${port}`;
  const log = createLogger('private-nats', 'warn');
  for (let i = 0; ; i++) {
    try {
      const nc = await connectNats(url, 'fivestar-private-nats');
      await ensureEventStream(nc, log);
      await nc.close();
      break;
    } catch (err) {
      if (i >= 50) throw new Error(`nats-server at ${url} does not answer: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(store, { recursive: true, force: true });
    },
  };
}
