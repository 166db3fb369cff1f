/**
 * The coordinator's console in a real browser on the whole stack: start a round from the form (working
 * days, due dates previewed, a bad round id refused next to the field), follow its progress; the
 * reviewers take a branch to the award step over the HTTP API and the coordinator confirms the award on
 * the branch page; the rankings show the stars, the month's bulletin is snapshotted, read and published;
 * the inbox loads. A screenshot of every page in
 * var/screenshots/console-coordinator/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { catalogTasks, defaultCatalogFor } from '@fivestar/contracts';
import { launchChromium } from './browser';
import { ApiUser, eventually, startStack, type Stack } from './harness';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = '411099100201';
const SHOTS = path.resolve(__dirname, '../var/screenshots/console-coordinator');

const rural = defaultCatalogFor('rural')!;
const allStars = rural.stars.map((s) => s.code);
const fullScores = Object.fromEntries(catalogTasks(rural).map((t) => [t.code, t.points]));
const approveAll = { decision: 'approve', stars: allStars.map((star) => ({ star, approved: true })) };

let stack: Stack;
let browser: Browser;
let shot = 0;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [stack, browser] = await Promise.all([startStack({ console: true }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill('demo-password-2026');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

/** The text of a test id once `ok` holds (the page fetches after it renders). */
const textOf = (page: Page, testId: string, ok: (text: string) => boolean) =>
  eventually(async () => (await page.getByTestId(testId).textContent({ timeout: 10_000 })) ?? '', ok, 20_000);

async function screenshot(page: Page, name: string): Promise<void> {
  shot += 1;
  await page.screenshot({
    path: path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

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
  const page = await signIn(`coord-${COUNTY}`);
  const roundId = `console-${stack.runId}`;

  // Start a round from the form: working days with a due date per step, 公示 off, self-check waits.
  await page.getByTestId('nav-coordinator').click();
  await page.getByTestId('start-round-form').waitFor();
  await textOf(page, 'due-SELF_CHECK', (d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  // One working day a step: every deadline (and its escalation) stays inside the calendar's years.
  for (const step of ['SELF_CHECK', 'TOWNSHIP_REVIEW', 'COUNTY_PRE_REVIEW', 'ON_SITE_OBSERVATION', 'AWARD'])
    await page.getByTestId(`days-${step}`).fill('1');
  await page.getByTestId('days-rectification').fill('1');
  await page.getByTestId('days-reminder').fill('0');
  await textOf(page, 'due-AWARD', (d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  await page.getByTestId('days-public-notice').fill('0');
  await page.getByTestId('unsigned-policy').selectOption('wait');
  await page.getByTestId('catalogs-in-force').locator('li').first().waitFor();
  await page.getByTestId('round-id').fill('Bad Id');
  await page.getByTestId('start-round-submit').click();
  // Refused in the browser by the contract's schema, in Chinese, next to the field.
  await textOf(page, 'error-roundId', (m) => m.includes('轮次编号'));
  await screenshot(page, 'start-round');
  await page.getByTestId('round-id').fill(roundId);
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
  await screenshot(page, 'round-progress');

  // Rankings before the award: no stars yet.
  await page.getByTestId('nav-rankings').click();
  await textOf(page, `stars-${TOWNSHIP}`, (stars) => stars === '0');

  // The branch is taken to its award over the API; the coordinator confirms it on the branch page
  // (no 公示: published at once).
  await driveToAward(roundId);
  await page.goto(`${stack.baseUrl}/rounds/${roundId}/branches/${BRANCH}`);
  await page.getByTestId('award-submit').click();
  await page.getByTestId('award-why').waitFor();
  await screenshot(page, 'award');
  await page.getByTestId('nav-rankings').click();

  // The ranking follows: the township's stars, the branch at the top with its level.
  await eventually(
    async () => {
      await page.reload();
      return page.getByTestId(`stars-${TOWNSHIP}`).textContent();
    },
    (stars) => stars === String(allStars.length),
  );
  await textOf(page, `branch-ranking-${BRANCH}`, (row) => row.includes(String(allStars.length)));
  await page.getByTestId('chart-levels').locator('canvas').waitFor();
  await screenshot(page, 'rankings');

  // The month's bulletin: take the snapshot from the page, read it, publish it.
  await page.getByTestId('bulletin-link').click();
  await page.getByTestId('bulletin-snapshot').click();
  await textOf(page, 'bulletin-county-stars', (stars) => stars === String(allStars.length));
  await page.getByTestId('bulletin-publish').click();
  await textOf(page, 'bulletin-message', (m) => m === '已发布');
  await screenshot(page, 'bulletin');

  // The inbox lists the coordinator's notices.
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('inbox-page').waitFor();
  await screenshot(page, 'inbox');
});
