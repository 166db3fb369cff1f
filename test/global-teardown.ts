import { rmSync } from 'node:fs';
import type { TestResources } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const r = (globalThis as { __fivestarTest?: TestResources }).__fivestarTest;
  if (!r) return;
  await Promise.all(r.containers.map((c) => c.stop()));
  if (r.natsProcess) {
    const exited = new Promise((resolve) => r.natsProcess!.once('exit', resolve));
    r.natsProcess.kill('SIGTERM');
    await exited;
  }
  if (r.natsStore) rmSync(r.natsStore, { recursive: true, force: true });
}
