/**
 * The start-round form in a real browser on the whole stack: a catalog version picked per branch type,
 * townships ticked with their branch counts (全选/全不选), the escalation ladder edited, each refusal in
 * Chinese next to its field; the round started pins the picked version and launches the ticked township
 * only. Screenshots in var/screenshots/console-start-round/.
 */
import type { Browser } from 'playwright-core';
import { defaultCatalogFor, type Catalog } from '@fivestar/contracts';
import { launchChromium } from './browser';
import { consolePages, type ConsolePages } from './console-page';
import { ApiUser, eventually, startStack, type Stack } from './harness';

const COUNTY = '411099';
const TOWNSHIP = '411099100';

let stack: Stack;
let browser: Browser;
let ui: ConsolePages;

/** The county's own rural catalog at `version` (the default under another id). */
const countyRural = (version: number): Catalog => ({
  ...defaultCatalogFor('rural')!,
  id: `rural-${COUNTY}`,
  version,
  title: '示范县农村“五星”支部创建标准',
  example: false,
});

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ console: true }), launchChromium()]);
  ui = consolePages(browser, stack.baseUrl, 'console-start-round');
  const admin = await ApiUser.login(stack.baseUrl, `admin-${COUNTY}`);
  for (const version of [1, 2])
    expect((await admin.post('/api/catalogs/import', countyRural(version))).status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the coordinator picks a catalog version, one township and a ladder, and starts the round', async () => {
  const page = await ui.signIn(`coord-${COUNTY}`);
  await page.getByTestId('nav-coordinator').click();
  await page.getByTestId('start-round-form').waitFor();
  // One working day a step: every deadline stays inside the calendar's years.
  for (const step of ['SELF_CHECK', 'TOWNSHIP_REVIEW', 'COUNTY_PRE_REVIEW', 'ON_SITE_OBSERVATION', 'AWARD'])
    await page.getByTestId(`days-${step}`).fill('1');

  // The county's version 2 is in force and chosen; version 1 is offered too.
  const rural = page.getByTestId('catalog-rural');
  await eventually(
    () => rural.locator('option:checked').textContent(),
    (text) => text === '示范县农村“五星”支部创建标准 · 第2版（现行）',
  );
  await rural.selectOption(`rural-${COUNTY}@1`);
  await eventually(
    () => page.getByTestId('townships-summary').textContent(),
    (text) => text === '已选 3 个乡镇，共 30 个支部',
  );
  await ui.screenshot(page, 'defaults');

  // None ticked is refused next to the townships; then only 城关镇.
  await page.getByTestId('townships-none').click();
  await page.getByTestId('start-round-submit').click();
  await page.getByText('至少选择一个乡镇').waitFor();
  await page.getByTestId(`township-${TOWNSHIP}`).check();
  expect(await page.getByTestId('townships-summary').textContent()).toBe('已选 1 个乡镇，共 10 个支部');

  // A ladder out of order is refused under it; the blue rung off, the red one to the coordinator.
  await page.getByTestId('rung-yellow-days').fill('9');
  await page.getByTestId('start-round-submit').click();
  await page.getByTestId('error-schedule.escalation').getByText('时限逐级递增').waitFor();
  await page.getByTestId('rung-yellow-days').fill('3');
  expect(await page.getByTestId('error-schedule.escalation').count()).toBe(0);
  await page.getByTestId('rung-blue-enabled').uncheck();
  await page.getByTestId('rung-red-role').selectOption('coordinator');
  await page.getByTestId('policy-revocation').uncheck();
  await ui.screenshot(page, 'edited');

  const roundId = `browser-${stack.runId}`;
  await page.getByTestId('round-id').fill(roundId);
  await page.getByTestId('start-round-submit').click();
  await page.waitForURL(`**/coordinator/rounds/${roundId}`);

  const coordinator = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
  const round = await eventually(
    () => coordinator.get(`/api/rounds/${roundId}`),
    (r) => r.body?.progress?.launchDone === true,
    60_000,
  );
  expect(round.body.catalogs[0]).toEqual({ id: `rural-${COUNTY}`, version: 1 });
  expect(round.body.progress).toMatchObject({ launched: 10, skipped: 0 });
  const input = (await stack.temporal.workflow.getHandle(`round/${roundId}`).fetchHistory()).events![0]!
    .workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  const started = JSON.parse(Buffer.from(input.data!).toString()) as {
    townshipCodes: string[];
    schedule: { escalation: unknown[]; revocation: unknown };
  };
  expect(started.townshipCodes).toEqual([TOWNSHIP]);
  expect(started.schedule.escalation).toEqual([
    { level: 'yellow', after: { workingDays: 3 }, notify: { role: 'coordinator', scope: 'county' } },
    { level: 'red', after: { workingDays: 6 }, notify: { role: 'coordinator', scope: 'county' } },
  ]);
  expect(started.schedule.revocation).toEqual({ proposeAtLastRung: false });
  await ui.screenshot(page, 'round');
  expect(ui.pageErrors).toEqual([]);
});
