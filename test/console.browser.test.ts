/**
 * The web console in a real browser (Debian's chromium via playwright-core) on the whole stack: a
 * branch goes from self-check to award entirely through the UI — a return with reasons included — and
 * the branch page ends with the stars and the award's explanation. Screenshots of each page go to
 * var/screenshots/console/. Needs the console built first (`npm run build -w console`).
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { consolePages, fillScores, type ConsolePages } from './console-page';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = '411099100201';
/** A small solid PNG: evidence the API sniffs as an image, so the branch page previews it. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.from([0, ...Array.from({ length: width }, () => rgb).flat()]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = png(96, 64, [179, 38, 30]);
/** A star that is not the capstone (支部过硬星 needs all the others). */
const STAR = 'civility';
const REASON = '会议记录照片不清晰，请重新上传';
const TITLE = '2026年度五星支部创建';
/** What 事项 says of each reviewer's task (the village is named in its own column). */
const STEP_NAMES: Record<string, string> = {
  TOWNSHIP_REVIEW: '乡镇审核',
  COUNTY_PRE_REVIEW: '县级预审',
  ON_SITE_OBSERVATION: '现场观摩',
};

let stack: Stack;
let browser: Browser;
let roundId: string;
let ui: ConsolePages;

beforeAll(async () => {
  stack = await startStack({ console: true });
  roundId = `console-${stack.runId}`;
  const coordinator = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: TITLE,
    // Nothing falls due during the test; no 公示, so the award publishes at once.
    schedule: quietSchedule(1800, { publicNotice: null }),
  });
  expect(started.status).toBe(201);
  await eventually(
    () => coordinator.get(`/api/rounds/${roundId}/branches/${BRANCH}`),
    (r) => r.body?.state?.step === 'SELF_CHECK',
  );
  browser = await launchChromium();
  ui = consolePages(browser, stack.baseUrl, 'console');
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const branchPath = () => `/rounds/${roundId}/branches/${BRANCH}`;
const atStep = (page: Page, step: string) =>
  page.waitForSelector(`[data-testid=branch-step][data-step=${step}]`, { timeout: 20_000 });

/** Task lists are read models fed by events: reload until `selector` shows up. */
async function reloadUntil(page: Page, selector: string): Promise<void> {
  await eventually(
    async () => {
      await page.reload();
      return page.waitForSelector(selector, { timeout: 2000 }).then(
        () => true,
        () => false,
      );
    },
    (found) => found,
  );
}

async function openTaskOf(page: Page, step: string, shotName?: string, claim = false): Promise<void> {
  const row = `[data-testid=task-row][data-branch="${BRANCH}"][data-step=${step}]`;
  await reloadUntil(page, row);
  if (claim) {
    // Bulk claim answers per item; the row then names the claimant.
    await page.check(`${row} [data-testid=task-select]`);
    await page.click('[data-testid=bulk-claim]');
    expect(await (await page.waitForSelector(`${row} [data-testid=task-result]`)).textContent()).toBe('成功');
    await eventually(
      () => page.textContent(`${row} [data-testid=task-assignee]`),
      (name) => !!name && name !== '—',
    );
  }
  expect(await page.textContent(`${row} [data-testid=task-open]`)).toBe(STEP_NAMES[step]);
  if (shotName) await ui.screenshot(page, shotName);
  await page.click(`${row} [data-testid=task-open]`);
  await atStep(page, step);
}

async function review(
  username: string,
  step: string,
  decide: (page: Page) => Promise<void>,
  shotName: string,
  claim = false,
) {
  const page = await ui.signIn(username);
  await page.goto(`${stack.baseUrl}/tasks`);
  // Drop-downs, nothing to type: the round by its title; a township reviewer has no township to pick.
  await page
    .locator('[data-testid=filter-roundId] option', { hasText: TITLE })
    .waitFor({ state: 'attached' });
  if (step === 'TOWNSHIP_REVIEW')
    expect(await page.locator('[data-testid=filter-townshipCode]').count()).toBe(0);
  else
    await page
      .locator('[data-testid=filter-townshipCode] option', { hasText: '城关镇' })
      .waitFor({ state: 'attached' });
  await openTaskOf(page, step, `${shotName}-tasks`, claim);
  await decide(page);
  await ui.screenshot(page, shotName);
  await page.click('[data-testid=review-submit]');
  await page.waitForSelector(`[data-testid=branch-step]:not([data-step=${step}])`, { timeout: 20_000 });
  await page.context().close();
}

test('a branch goes from self-check to award in the browser', async () => {
  // The secretary signs in, finds the branch from the home page and fills the self-check.
  const secretary = await ui.signIn(`sec-${BRANCH}`, 'login');
  await reloadUntil(secretary, '[data-testid=my-branch-link]');
  // The round by its title, not its id.
  await eventually(
    () => secretary.textContent('[data-testid=my-branch-link]'),
    (text) => !!text?.includes(TITLE),
  );
  await ui.screenshot(secretary, 'secretary-home');
  await secretary.click('[data-testid=my-branch-link]');
  await secretary.waitForSelector('[data-testid=self-check-form]');

  // Client-side validation with the API's schema: the message is Chinese, next to the field.
  await secretary.click('[data-testid=self-check-submit]');
  expect(await secretary.textContent('[data-testid=error-targetStars]')).toBe('至少申报一颗星');

  await secretary.check(`[data-testid=star-${STAR}]`);
  expect(await secretary.locator('[data-testid=error-targetStars]').count()).toBe(0);
  await fillScores(secretary, '[data-testid=self-check-form]', (max) => max);
  // A score above the task's points is refused next to it; corrected, the message goes at once.
  const firstScore = secretary.locator('[data-testid=self-check-form] input[data-testid^=score-]').first();
  const max = Number(await firstScore.getAttribute('max'));
  const scoreError = `[data-testid="error-scores.${(await firstScore.getAttribute('data-testid'))!.slice(6)}"]`;
  await firstScore.fill(String(max + 1));
  await secretary.click('[data-testid=self-check-submit]');
  expect(await secretary.textContent(scoreError)).toBe(`得分不能超过该项满分 ${max} 分`);
  await firstScore.fill(String(max));
  expect(await secretary.locator(scoreError).count()).toBe(0);
  // Leave the field now: its change event at a later blur would scroll the page under a click.
  await firstScore.blur();
  const files = secretary.locator(`[data-testid=self-check-star-${STAR}] [data-testid=evidence-file]`);
  const requirements = await files.count();
  // Every required requirement of the claimed star is listed as missing until a file answers it.
  expect(await secretary.locator('[data-testid=missing-item]').count()).toBeGreaterThan(0);
  const attached = secretary.locator(
    `[data-testid=self-check-star-${STAR}] [data-testid=evidence-requirement] .ok`,
  );
  for (let i = 0; i < requirements; i++) {
    await files.nth(i).setInputFiles({ name: `记录${i + 1}.png`, mimeType: 'image/png', buffer: PNG });
    await eventually(
      () => attached.count(),
      (n) => n === i + 1,
    );
  }
  expect(await secretary.locator('[data-testid=missing-item]').count()).toBe(0);
  // The page's evidence list shows the uploads before the form is sent.
  await secretary.locator('[data-testid=evidence-list] [data-testid=evidence-item]').first().waitFor();
  // Nothing entered is lost to a reload: the star, the scores and the files come back as they were.
  await secretary.getByTestId('self-check-notes').fill('本年度重点推进文明实践');
  await secretary.reload();
  await secretary.waitForSelector('[data-testid=self-check-form]');
  expect(await secretary.isChecked(`[data-testid=star-${STAR}]`)).toBe(true);
  expect(await firstScore.inputValue()).toBe(String(max));
  expect(await attached.count()).toBe(requirements);
  expect(await secretary.getByTestId('self-check-notes').inputValue()).toBe('本年度重点推进文明实践');
  await ui.screenshot(secretary, 'self-check');
  await secretary.click('[data-testid=self-check-submit]');
  await atStep(secretary, 'TOWNSHIP_REVIEW');

  // The township reviewer returns it; a return without reasons is refused next to the field first.
  await review(
    `twp-${TOWNSHIP}-1`,
    'TOWNSHIP_REVIEW',
    async (page) => {
      await page.check('[data-testid=decision-return]');
      await page.click('[data-testid=review-submit]');
      expect(await page.textContent('[data-testid=error-reasons]')).toBe('退回时必须填写理由');
      await page.fill('[data-testid=return-reasons]', REASON);
      expect(await page.locator('[data-testid=error-reasons]').count()).toBe(0);
    },
    'township-return',
    true,
  );

  // The secretary sees the reasons, fixes a file and resubmits (the form keeps the first submission).
  await secretary.reload();
  await atStep(secretary, 'SELF_CHECK');
  expect(await secretary.locator('[data-testid=timeline-reasons]').allTextContents()).toContain(REASON);
  expect(await secretary.locator('[data-testid=missing-item]').count()).toBe(0);
  await ui.screenshot(secretary, 'secretary-returned');
  await files.first().setInputFiles({ name: '会议记录-清晰.png', mimeType: 'image/png', buffer: PNG });
  await secretary.waitForSelector('text=会议记录-清晰.png');
  await secretary.click('[data-testid=self-check-submit]');
  await atStep(secretary, 'TOWNSHIP_REVIEW');
  await secretary.waitForSelector('[data-testid=evidence-preview]');

  // Both review levels approve every claimed star.
  await review(`twp-${TOWNSHIP}-1`, 'TOWNSHIP_REVIEW', async () => undefined, 'township-approve');
  await review(`cty-${COUNTY}-1`, 'COUNTY_PRE_REVIEW', async () => undefined, 'county-approve');

  // Two observers score; the second closes the observation at quorum.
  for (const [n, close] of [
    [1, false],
    [2, true],
  ] as const) {
    const observer = await ui.signIn(`obs-${COUNTY}-${n}`);
    await openTaskOf(observer, 'ON_SITE_OBSERVATION', `observer-${n}-home`);
    // Scored independently: nothing prefilled from the self-check, and the form says so.
    expect(await observer.textContent('[data-testid=observation-hint]')).toContain('独立打分');
    expect(
      await observer.inputValue('[data-testid=observation-form] input[data-testid^=score-] >> nth=0'),
    ).toBe('');
    await fillScores(observer, '[data-testid=observation-form]', (max) => max - n + 1);
    await observer.click('[data-testid=observation-submit]');
    await observer.waitForSelector(`text=已收到评分表 ${n} 份`);
    if (close) {
      await ui.screenshot(observer, 'observation');
      await observer.click('[data-testid=observation-close]');
      await atStep(observer, 'AWARD');
    }
    await observer.context().close();
  }

  // The coordinator confirms the award; the branch page shows the stars and the explanation.
  const coordinator = await ui.signIn(`coord-${COUNTY}`);
  await coordinator.goto(`${stack.baseUrl}${branchPath()}`);
  await atStep(coordinator, 'AWARD');
  // Both observers' sheets are named on the page, not only the one who closed the observation.
  expect(await coordinator.getByTestId('observation-sheets').textContent()).toMatch(/评分表 2 份：.+、.+/);
  await ui.screenshot(coordinator, 'award-form');
  await coordinator.click('[data-testid=award-submit]');
  await coordinator.waitForSelector('[data-testid=award-why]', { timeout: 20_000 });
  await ui.screenshot(coordinator, 'branch-awarded');
  const awarded = coordinator.locator(`[data-testid=star-card][data-star=${STAR}]`);
  expect(await awarded.getAttribute('class')).toContain('awarded');
  expect(await awarded.locator('[data-testid=star-why]').textContent()).toContain('授予');
  expect(await coordinator.textContent('[data-testid=branch-step]')).toContain('1星');

  // The secretary's view of the same page agrees.
  await secretary.reload();
  await secretary.waitForSelector('[data-testid=award-why]');
  expect(await secretary.locator('[data-testid=star-card].awarded').count()).toBe(1);
  await ui.screenshot(secretary, 'secretary-awarded');

  // The English switch: the same page in English, kept across a reload.
  await secretary.click('[data-testid=lang-switch]');
  await secretary.reload();
  await secretary.waitForSelector('[data-testid=award-why]');
  expect(await secretary.textContent('[data-testid=nav-tasks]')).toBe('My tasks');
  await ui.screenshot(secretary, 'secretary-awarded-en');
  expect(ui.pageErrors).toEqual([]);
});

test('the API serves the console: SPA fallback, cached and compressed assets, API paths untouched', async () => {
  const page = await fetch(`${stack.baseUrl}/rounds/x/branches/y`);
  expect(page.status).toBe(200);
  expect(page.headers.get('cache-control')).toBe('no-cache');
  const html = await page.text();
  expect(html).toContain('<div id="root"></div>');
  // helmet's CSP allows the bundle: same-origin script files, no inline script.
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

  const asset = html.match(/\/assets\/[\w.-]+\.js/)![0];
  const js = await fetch(`${stack.baseUrl}${asset}`);
  expect(js.status).toBe(200);
  expect(js.headers.get('cache-control')).toContain('immutable');
  // Compressed for the slow links of township offices (fetch asks for it and decodes it).
  expect(js.headers.get('content-encoding')).toMatch(/^(br|gzip)$/);
  expect((await fetch(`${stack.baseUrl}/assets/missing.js`)).status).toBe(404);

  // An unknown API path stays the API's (signed out: 401), never the console's index.html.
  const api = await fetch(`${stack.baseUrl}/api/no-such-route`);
  expect(api.status).toBe(401);
  expect(api.headers.get('content-type')).toContain('application/problem+json');
  expect((await fetch(`${stack.baseUrl}/login`, { method: 'POST' })).status).toBe(404);
});
