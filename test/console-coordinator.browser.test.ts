/**
 * The coordinator's console in a real browser on the whole stack: start a round from the form (working
 * days, due dates previewed, a bad round id refused next to the field and cleared once corrected), follow
 * its progress with its scope and catalogs; the reviewers take a branch to the award step over the HTTP
 * API, the coordinator finds the award in 我的待办 by drop-down filters (round by title, township by
 * name) and confirms it on the branch page; the rankings show the stars, the month's bulletin is
 * snapshotted, read and published; the inbox loads. A second round of one township lets its self-checks
 * fall due: the dashboard's overdue list names the villages and urges the ticked ones, each row with its
 * outcome. A screenshot of every page in var/screenshots/console-coordinator/.
 */
import type { Browser } from 'playwright-core';
import { catalogTasks } from '@fivestar/contracts';
import { demoCounty } from '@fivestar/api';
import { launchChromium } from './browser';
import { consolePages, type ConsolePages } from './console-page';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { rural, allStars, fullScores, approveAll } from './rural-sheets';
import { quietSchedule, seconds } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const OTHER_TOWNSHIP = '411099200';
const BRANCH = '411099100201';
const NAMES = new Map(demoCounty(COUNTY).branches.map((b) => [b.code, b.name]));

let stack: Stack;
let browser: Browser;
let pages: ConsolePages;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ console: true }), launchChromium()]);
  pages = consolePages(browser, stack.baseUrl, 'console-coordinator');
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The reviewers' part of the cycle over HTTP: self-check, both reviews, two observation sheets. */
async function driveToAward(roundId: string): Promise<void> {
  const login = (u: string) => ApiUser.login(stack.baseUrl, u);
  const [secretary, township, county, observer, observer2] = await Promise.all([
    login(`sec-${BRANCH}`),
    login(`twp-${TOWNSHIP}-1`),
    login(`cty-${COUNTY}-1`),
    login(`obs-${COUNTY}-1`),
    login(`obs-${COUNTY}-2`),
  ]);
  const url = `/api/rounds/${roundId}/branches/${BRANCH}`;
  await eventually(
    () => secretary.get(url),
    (r) => r.body?.state?.step === 'SELF_CHECK',
  );
  const pdf = Buffer.from('%PDF-1.4\n% 三会一课记录\n%%EOF\n');
  const { body: file } = await secretary.upload(
    `${url}/evidence?filename=records.pdf`,
    pdf,
    'application/pdf',
  );
  const evidence = catalogTasks(rural).flatMap((t) =>
    t.evidence.map((e) => ({ requirement: e.code, sha256: file.sha256, filename: 'records.pdf' })),
  );
  const steps: [ApiUser, string, unknown][] = [
    [secretary, 'self-check', { scores: fullScores, targetStars: allStars, evidence }],
    [township, 'review', approveAll],
    [county, 'review', approveAll],
    [observer, 'observation', { scores: fullScores }],
    [observer2, 'observation', { scores: fullScores }],
    [observer, 'observation/close', {}],
  ];
  for (const [user, action, body] of steps) {
    const answer = await user.post(`${url}/${action}`, body);
    expect([action, answer.status]).toEqual([action, 200]);
  }
}

test('the coordinator starts a round, follows it, and sees the ranking and the bulletin change', async () => {
  const page = await pages.signIn(`coord-${COUNTY}`);
  const roundId = `console-${stack.runId}`;

  // Start a round from the form: working days with a due date per step, 公示 off, self-check waits.
  await page.getByTestId('nav-coordinator').click();
  await page.getByTestId('start-round-form').waitFor();
  await pages.textOf(page, 'due-SELF_CHECK', (d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  // One working day a step: every deadline (and its escalation) stays inside the calendar's years.
  for (const step of ['SELF_CHECK', 'TOWNSHIP_REVIEW', 'COUNTY_PRE_REVIEW', 'ON_SITE_OBSERVATION', 'AWARD'])
    await page.getByTestId(`days-${step}`).fill('1');
  await page.getByTestId('days-rectification').fill('1');
  await page.getByTestId('days-reminder').fill('0');
  await pages.textOf(page, 'due-AWARD', (d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  await page.getByTestId('days-public-notice').fill('0');
  await page.getByTestId('unsigned-policy').selectOption('wait');
  await page.getByTestId('catalogs-in-force').locator('li').first().waitFor();
  await page.getByTestId('round-id').fill('Bad Id');
  await page.getByTestId('start-round-submit').click();
  // Refused in the browser by the contract's schema, in Chinese, next to the field.
  await pages.textOf(page, 'error-roundId', (m) => m.includes('轮次编号'));
  await pages.screenshot(page, 'start-round');
  // Corrected, the message goes at once (not at the next submit).
  await page.getByTestId('round-id').fill(roundId);
  expect(await page.getByTestId('error-roundId').count()).toBe(0);
  const title = await page.getByTestId('round-title').inputValue();
  await page.getByTestId('start-round-submit').click();

  // The round's dashboard: every branch launched, all waiting for their self-check.
  await page.waitForURL(`**/coordinator/rounds/${roundId}`);
  // Launched, and the progress read model has every branch of the township at its self-check.
  await eventually(
    async () => {
      await page.getByTestId('refresh-progress').click();
      const launch = await page.getByTestId('launch-progress').textContent();
      const row = page.getByTestId(`grid-${TOWNSHIP}`);
      return `${launch} ${(await row.count()) ? await row.locator('td').nth(1).textContent() : ''}`;
    },
    (text) => /30.* 10$/.test(text),
    60_000,
  );
  // The round by its title, its scope (the whole county) and the catalogs it pinned, by title.
  expect(await page.getByTestId('round-title').textContent()).toContain(title);
  expect(await page.getByTestId('round-scope').textContent()).toBe('全县');
  await pages.textOf(page, 'round-catalogs', (c) => c.includes(rural.title));
  await pages.screenshot(page, 'round-progress');

  // Rankings before the award: no stars yet.
  await page.getByTestId('nav-rankings').click();
  await pages.textOf(page, `stars-${TOWNSHIP}`, (stars) => stars === '0');

  // The branch is taken to its award over the API; the coordinator confirms it on the branch page
  // (no 公示: published at once).
  await driveToAward(roundId);
  // 我的待办 filtered by drop-downs: the round by its title, the township by its name.
  await page.getByTestId('nav-tasks').click();
  const rounds = page.getByTestId('filter-roundId');
  await rounds.locator('option', { hasText: title }).waitFor({ state: 'attached' });
  await rounds.selectOption({ label: title });
  const townships = page.getByTestId('filter-townshipCode');
  await townships.locator('option', { hasText: '黄河乡' }).waitFor({ state: 'attached' });
  await townships.selectOption({ label: '黄河乡' });
  await page.getByTestId('tasks-empty').waitFor();
  await townships.selectOption({ label: '城关镇' });
  const award = page.locator(`[data-testid=task-row][data-branch="${BRANCH}"][data-step=AWARD]`);
  await eventually(
    async () => {
      await page.reload();
      return award.waitFor({ timeout: 2000 }).then(
        () => true,
        () => false,
      );
    },
    (found) => found,
  );
  expect(page.url()).toContain(`roundId=${roundId}`);
  expect(page.url()).toContain(`townshipCode=${TOWNSHIP}`);
  // 事项 says what is owed; the village is named once, in its own column.
  expect(await award.getByTestId('task-open').textContent()).toBe('授星');
  expect(await award.getByTestId('task-branch').textContent()).toBe(`${NAMES.get(BRANCH)}${BRANCH}`);
  await pages.screenshot(page, 'tasks-filtered');
  await award.getByTestId('task-open').click();
  await page.getByTestId('award-submit').click();
  await page.getByTestId('award-why').waitFor();
  await pages.screenshot(page, 'award');
  await page.getByTestId('nav-rankings').click();

  // The ranking follows: the township's stars, the branch at the top with its level.
  await eventually(
    async () => {
      await page.reload();
      return page.getByTestId(`stars-${TOWNSHIP}`).textContent();
    },
    (stars) => stars === String(allStars.length),
  );
  await pages.textOf(page, `branch-ranking-${BRANCH}`, (row) => row.includes(String(allStars.length)));
  await page.getByTestId('chart-levels').locator('canvas').waitFor();
  await pages.screenshot(page, 'rankings');

  // The month's bulletin: take the snapshot from the page, read it, publish it.
  await page.getByTestId('bulletin-link').click();
  await page.getByTestId('bulletin-snapshot').click();
  await pages.textOf(page, 'bulletin-county-stars', (stars) => stars === String(allStars.length));
  // Per-star tallies name every star of the round's catalog.
  await pages.textOf(page, 'bulletin-stars', (table) => rural.stars.every((s) => table.includes(s.name)));
  await page.getByTestId('bulletin-publish').click();
  await pages.textOf(page, 'bulletin-message', (m) => m === '已发布');
  await pages.screenshot(page, 'bulletin');

  // The inbox lists the coordinator's notices.
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('inbox-page').waitFor();
  await pages.screenshot(page, 'inbox');
});

test('the overdue list names the villages and urges the ticked ones, each row with its outcome', async () => {
  // A round of one township whose self-checks fall due in seconds (nothing else does during the test).
  const roundId = `late-${stack.runId}`;
  const coordinatorApi = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
  const started = await coordinatorApi.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '2026年度五星支部创建（黄河乡补充）',
    schedule: quietSchedule(3600, {
      steps: { ...quietSchedule(3600).steps, SELF_CHECK: seconds(15) },
    }),
    townshipCodes: [OTHER_TOWNSHIP],
  });
  expect(started.status).toBe(201);
  // Every self-check overdue and at its first rung (the weak village's 整顿 item is not due yet).
  type Row = { kind: string; light: string; escalationLevel: string | null };
  await eventually(
    () => coordinatorApi.get(`/api/ledger?roundId=${roundId}`),
    (r) => {
      const steps = ((r.body?.rows ?? []) as Row[]).filter((row) => row.kind === 'step');
      return steps.length === 10 && steps.every((s) => s.light === 'red' && s.escalationLevel === 'blue');
    },
    60_000,
  );

  // The coordinator picks the round from the list (by title) and sees its scope by name.
  const page = await pages.signIn(`coord-${COUNTY}`);
  await page.getByTestId('nav-coordinator').click();
  await page.getByTestId('round-link').filter({ hasText: '黄河乡补充' }).click();
  await page.waitForURL(`**/coordinator/rounds/${roundId}`);
  await pages.textOf(page, 'round-scope', (scope) => scope === '黄河乡');
  const overdue = page.getByTestId('overdue-list');
  const rows = overdue.getByTestId('item-row');
  await eventually(
    () => rows.count(),
    (n) => n === 10,
  );
  const [first, second] = [rows.nth(0), rows.nth(1)];
  const firstCode = (await first.getAttribute('data-branch'))!;
  const name = first.getByTestId('task-branch');
  expect(await name.getAttribute('title')).toBe(`${NAMES.get(firstCode)}（${firstCode}）`);
  expect(await first.textContent()).toContain('村自评');

  // Two ticked, one 批量催办: each row answers for itself.
  await first.getByTestId('task-select').check();
  await second.getByTestId('task-select').check();
  await overdue.getByTestId('bulk-urge').click();
  for (const row of [first, second])
    expect(await row.getByTestId('task-result').textContent({ timeout: 10_000 })).toBe('已催办');
  expect(await rows.nth(2).getByTestId('task-result').count()).toBe(0);

  // The same branch again from the escalated list: refused as too soon, in Chinese, on its row.
  const escalated = page.getByTestId('escalated-list');
  const again = escalated.locator(`[data-testid=item-row][data-branch="${firstCode}"]`);
  await again.getByTestId('task-select').check();
  await escalated.getByTestId('bulk-urge').click();
  const refused = again.getByTestId('task-result');
  await refused.waitFor();
  expect(await refused.getAttribute('class')).toBe('error');
  expect(await refused.textContent()).toMatch(/[\u4e00-\u9fa5]/);
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
  await pages.screenshot(page, 'overdue-urged');
  expect(pages.pageErrors).toEqual([]);
});
