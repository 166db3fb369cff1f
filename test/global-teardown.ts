import type { TestResources } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const r = (globalThis as { __fivestarTest?: TestResources }).__fivestarTest;
  if (!r) return;
  await Promise.all(r.containers.map((c) => c.stop()));
  await r.nats?.stop();
}
