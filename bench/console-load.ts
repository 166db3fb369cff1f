/**
 * Benchmark: how fast the console's pages come up on a modest office machine — chromium with its CPU
 * slowed down (`--cpu`, 4× by default) on a throttled link (`--mbps`, `--latency-ms`), each page opened
 * cold (empty cache) and again warm. A county of `--branches` with its round launched, so 我的待办 and
 * the rankings have rows. The whole stack runs in this process on a private NATS server and the
 * `fivestar_bench_console` database (dropped and migrated afresh); Temporal must answer.
 *
 *   npx tsx bench/console-load.ts [--branches 300] [--cpu 4] [--mbps 10] [--latency-ms 40]
 *
 * Needs `npm run build` (the console's dist) and /usr/bin/chromium.
 */
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, demoCounty } from '@fivestar/api';
import { createLogger, ensureDatabase } from '@fivestar/platform';
import { launchChromium } from '../test/browser';
import { ApiUser, eventually, startStack } from '../test/harness';
import { startPrivateNats } from '../test/private-nats';
import { quietSchedule } from '../test/round-schedules';
import { runBench } from './run';

const { values } = parseArgs({
  options: {
    branches: { type: 'string', default: '300' },
    cpu: { type: 'string', default: '4' },
    mbps: { type: 'string', default: '10' },
    'latency-ms': { type: 'string', default: '40' },
  },
});
const COUNTY = '419997';
const TOWNSHIP = `${COUNTY}100`;

/** A page of the console and what shows it is ready to use. */
interface Target {
  name: string;
  user: string;
  path: string;
  ready: string;
}
const TARGETS = (roundId: string): Target[] => [
  { name: '登录', user: '', path: '/login', ready: '[data-testid=login-submit]' },
  { name: '我的待办（村书记）', user: `sec-${TOWNSHIP}201`, path: '/tasks', ready: '[data-testid=task-row]' },
  {
    name: '轮次看板（乡镇×环节）',
    user: `coord-${COUNTY}`,
    path: `/coordinator/rounds/${roundId}`,
    ready: `[data-testid=grid-${TOWNSHIP}]`,
  },
  {
    name: '排名（图表）',
    user: `coord-${COUNTY}`,
    path: '/rankings',
    ready: '[data-testid=chart-levels] canvas',
  },
];

async function throttle(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(values.cpu) });
  const bytesPerSecond = (Number(values.mbps) * 1_000_000) / 8;
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: Number(values['latency-ms']),
    downloadThroughput: bytesPerSecond,
    uploadThroughput: bytesPerSecond,
  });
}

/** Milliseconds from navigation to `ready`, and the script bytes fetched over the wire for it. */
async function open(page: Page, baseUrl: string, t: Target) {
  const t0 = performance.now();
  await page.goto(`${baseUrl}${t.path}`);
  await page.waitForSelector(t.ready, { timeout: 120_000 });
  const ms = Math.round(performance.now() - t0);
  const scriptKiB = await page.evaluate(() =>
    Math.round(
      (performance.getEntriesByType('resource') as unknown as { name: string; transferSize: number }[])
        .filter((e) => e.name.endsWith('.js'))
        .reduce((n, e) => n + e.transferSize, 0) / 1024,
    ),
  );
  return { ms, scriptKiB };
}

/** A context signed in through the API (the session stored as the console stores it), throttled. */
async function contextFor(browser: Browser, baseUrl: string, user: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  if (user) {
    await page.goto(`${baseUrl}/login`);
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
    // The measured visits start with an empty cache.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
  }
  await throttle(page);
  return page;
}

async function main(): Promise<object> {
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar_bench_console';
  await ensureDatabase(databaseUrl, createLogger('bench', 'warn'));
  const nats = await startPrivateNats();
  const directory = demoCounty(COUNTY, Math.ceil(Number(values.branches) / 3));
  const stack = await startStack({ databaseUrl, natsUrl: nats.url, directory, console: true });
  const browser = await launchChromium();
  try {
    const coordinator = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
    const roundId = `bench-console-${stack.runId}`;
    await coordinator.post('/api/rounds', {
      roundId,
      countyCode: COUNTY,
      year: 2026,
      title: '压测轮次',
      schedule: quietSchedule(3600),
    });
    await eventually(
      () => coordinator.get(`/api/rounds/${roundId}`),
      (r) => r.body?.progress?.launchDone === true,
      600_000,
    );
    // The task ledger is a read model fed by the launch's events: wait until the last branch has its task.
    const secretary = await ApiUser.login(stack.baseUrl, `sec-${directory.branches.at(-1)!.code}`);
    await eventually(
      () => secretary.get('/api/tasks'),
      (r) => r.body?.items?.length > 0,
      600_000,
    );
    const pages = [];
    for (const target of TARGETS(roundId)) {
      const page = await contextFor(browser, stack.baseUrl, target.user);
      const cold = await open(page, stack.baseUrl, target);
      const warm = await open(page, stack.baseUrl, target);
      pages.push({
        page: target.name,
        path: target.path,
        coldMs: cold.ms,
        warmMs: warm.ms,
        scriptKiB: cold.scriptKiB,
      });
      await page.context().close();
    }
    const figures = {
      branches: directory.branches.length,
      cpuSlowdown: Number(values.cpu),
      linkMbps: Number(values.mbps),
      latencyMs: Number(values['latency-ms']),
      pages,
    };
    return figures;
  } finally {
    await browser.close();
    await stack.stop();
    await nats.stop();
  }
}

runBench(main);
