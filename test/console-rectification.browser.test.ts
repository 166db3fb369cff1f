/**
 * The console's lists and a rectification in a real browser on the whole stack. 我的待办: the 已办, 逾期
 * and 抄送 tabs each show their rows (a long village name stays on one line at 1366×768), and a township
 * reviewer urges two copied tasks at once, each row with its own outcome. A finding raised at the
 * township review becomes a rectification after the award: the secretary submits evidence with a photo
 * attached to it, the reviewer sees the photo's thumbnail inside the finding, refuses it once with a
 * reason, then closes it out (销号). Score sheets refuse a score
 * above the task's points next to the field. The steps not under test go over the HTTP API. Screenshots
 * in var/screenshots/console-rectification/.
 */
import type { Browser, Page } from 'playwright-core';
import { catalogTasks } from '@fivestar/contracts';
import { demoCounty } from '@fivestar/api';
import { launchChromium } from './browser';
import { consolePages, type ConsolePages } from './console-page';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { rural, allStars, fullScores, approveAll } from './rural-sheets';
import { quietSchedule, seconds } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = '411099100201';
/** Two branches that leave their self-check overdue. */
const LATE = '411099100202';
const LATER = '411099100203';
const LONG_NAME = '城关镇李庄村与王营村联合党支部（乡村振兴示范片区第一网格）';
const FINDING = '三会一课记录不全';
/** The self-checks fall due this long after the round starts; nothing else does during the test. */
const SELF_CHECK_SECONDS = 25;

/** A tiny valid PNG (1×1), which the API sniffs as an image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

let stack: Stack;
let browser: Browser;
let roundId: string;
let ui: ConsolePages;
const login = (username: string) => ApiUser.login(stack.baseUrl, username);
const branchUrl = () => `/api/rounds/${roundId}/branches/${BRANCH}`;

beforeAll(async () => {
  const directory = demoCounty();
  directory.branches = directory.branches.map((b) => (b.code === LATE ? { ...b, name: LONG_NAME } : b));
  [stack, browser] = await Promise.all([startStack({ console: true, directory }), launchChromium()]);
  ui = consolePages(browser, stack.baseUrl, 'console-rectification');
  roundId = `rectify-${stack.runId}`;
  const quiet = quietSchedule(1800);
  const started = await (
    await login(`coord-${COUNTY}`)
  ).post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '2026年度五星支部创建',
    schedule: { ...quiet, steps: { ...quiet.steps, SELF_CHECK: seconds(SELF_CHECK_SECONDS) } },
  });
  expect(started.status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A 我的待办 tab, reloaded until `selector` shows (the lists are read models fed by events). */
async function openTab(page: Page, view: string, selector: string): Promise<void> {
  await eventually(
    async () => {
      await page.goto(`${stack.baseUrl}/tasks?view=${view}`);
      return page.waitForSelector(selector, { timeout: 2000 }).then(
        () => true,
        () => false,
      );
    },
    (found) => found,
    40_000,
  );
}

const row = (branch: string, step = 'SELF_CHECK') =>
  `[data-testid=task-row][data-branch="${branch}"][data-step="${step}"]`;

/** The finding card once its status is `status` (the page reads the rectification after it renders). */
async function findingAt(page: Page, status: string): Promise<void> {
  await eventually(
    async () => {
      await page.reload();
      return page.waitForSelector(`[data-testid=finding][data-status=${status}]`, { timeout: 3000 }).then(
        () => true,
        () => false,
      );
    },
    (found) => found,
  );
}

async function openBranch(username: string): Promise<Page> {
  const page = await ui.signIn(username);
  await page.goto(`${stack.baseUrl}/rounds/${roundId}/branches/${BRANCH}`);
  await page.getByTestId('branch-page').waitFor();
  return page;
}

test('我的待办: done, overdue and copied-to-me tabs; a bulk urge answers per task', async () => {
  // The branch's self-check goes in over the API before it falls due; the secretary finds it under 已办.
  const secretary = await login(`sec-${BRANCH}`);
  await eventually(
    () => secretary.get(branchUrl()),
    (r) => r.body?.state?.step === 'SELF_CHECK',
  );
  const file = await secretary.upload(
    `${branchUrl()}/evidence?filename=records.pdf`,
    Buffer.from('%PDF-1.4\n%%EOF\n'),
    'application/pdf',
  );
  const evidence = catalogTasks(rural).flatMap((t) =>
    t.evidence.map((e) => ({ requirement: e.code, sha256: file.body.sha256, filename: 'records.pdf' })),
  );
  const submitted = await secretary.post(`${branchUrl()}/self-check`, {
    scores: fullScores,
    targetStars: allStars,
    evidence,
  });
  expect(submitted.status).toBe(200);
  const done = await ui.signIn(`sec-${BRANCH}`);
  await openTab(done, 'done', row(BRANCH));
  expect(await done.getByTestId('task-row').count()).toBe(1);
  await ui.screenshot(done, 'tasks-done');

  // The other branches let theirs fall due: 逾期, red, with the village's name (a long one on one line).
  const late = await ui.signIn(`sec-${LATE}`);
  await openTab(late, 'overdue', row(LATE));
  const lateRow = late.locator(row(LATE));
  expect(await lateRow.locator('.light-red').count()).toBe(1);
  const name = lateRow.getByTestId('task-branch');
  expect(await name.getAttribute('title')).toBe(`${LONG_NAME}（${LATE}）`);
  expect(await name.textContent()).toContain(LATE);
  expect((await name.boundingBox())!.height).toBeLessThan(30);
  // No horizontal scrolling: the page is no wider than the window.
  expect(await late.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
  await ui.screenshot(late, 'tasks-overdue');

  // Both late secretaries copy their task to the township reviewer; one branch was urged a moment ago.
  const reviewerId = `u-twp-${TOWNSHIP}-1`;
  for (const code of [LATE, LATER]) {
    const sec = await login(`sec-${code}`);
    const [task] = (await sec.get(`/api/tasks?roundId=${roundId}&view=overdue`)).body.items;
    expect((await sec.post('/api/tasks/cc', { key: task.key, userIds: [reviewerId] })).status).toBe(200);
  }
  const township = await login(`twp-${TOWNSHIP}-1`);
  expect((await township.post(`/api/rounds/${roundId}/branches/${LATER}/urge`, {})).status).toBe(200);

  // 抄送我的 lists both; urging them at once answers per task: one urged, one refused as too soon.
  const reviewer = await ui.signIn(`twp-${TOWNSHIP}-1`);
  await openTab(reviewer, 'cc', row(LATER));
  await reviewer.waitForSelector(row(LATE));
  for (const code of [LATE, LATER]) await reviewer.locator(`${row(code)} [data-testid=task-select]`).check();
  await reviewer.getByTestId('bulk-urge').click();
  const outcome = (code: string) => reviewer.locator(`${row(code)} [data-testid=task-result]`);
  await outcome(LATE).waitFor();
  expect(await outcome(LATE).textContent()).toBe('成功');
  expect(await outcome(LATER).getAttribute('class')).toBe('error');
  // The refusal names when it was urged, in Beijing time, and the interval in words.
  expect(await outcome(LATER).textContent()).toMatch(
    /已于\d{4}-\d{2}-\d{2} \d{2}:\d{2}催办，1小时内不能重复催办/,
  );
  await ui.screenshot(reviewer, 'tasks-cc-urged');

  // The coordinator's bulletin page before any snapshot explains what one is and offers to take it.
  const coordinator = await ui.signIn(`coord-${COUNTY}`);
  await coordinator.goto(`${stack.baseUrl}/rankings/bulletin`);
  await coordinator.getByTestId('bulletin-missing').waitFor();
  expect(await coordinator.getByTestId('bulletin-missing').textContent()).toContain('排名快照');
  await coordinator.getByTestId('bulletin-snapshot').waitFor();
  await ui.screenshot(coordinator, 'bulletin-empty');
  expect(ui.pageErrors).toEqual([]);
});

test('a finding is rectified: evidence with a photo, refused once with a reason, then closed out', async () => {
  // The township reviewer approves in the console and raises a finding with the approval.
  const reviewer = await openBranch(`twp-${TOWNSHIP}-1`);
  await reviewer.getByTestId('review-form').waitFor();
  await reviewer.getByTestId('findings-input').fill(FINDING);
  await ui.screenshot(reviewer, 'review-with-finding');
  await reviewer.getByTestId('review-submit').click();
  await reviewer.waitForSelector('[data-testid=branch-step][data-step=COUNTY_PRE_REVIEW]');

  // The county approves over the API; an observer's sheet refuses a score above the task's points.
  expect((await (await login(`cty-${COUNTY}-1`)).post(`${branchUrl()}/review`, approveAll)).status).toBe(200);
  const observer = await openBranch(`obs-${COUNTY}-1`);
  const first = observer.locator('[data-testid=observation-form] input[data-testid^=score-]').first();
  await first.waitFor();
  for (const input of await observer
    .locator('[data-testid=observation-form] input[data-testid^=score-]')
    .all())
    await input.fill((await input.getAttribute('max')) as string);
  const max = Number(await first.getAttribute('max'));
  const code = (await first.getAttribute('data-testid'))!.slice('score-'.length);
  await first.fill(String(max + 1));
  await observer.getByTestId('observation-submit').click();
  expect(await observer.getByTestId(`error-scores.${code}`).textContent()).toBe(
    `得分不能超过该项满分 ${max} 分`,
  );
  expect(await observer.textContent('[data-testid=observation]')).toContain('已收到评分表 0 份');
  await ui.screenshot(observer, 'observation-score-refused');
  await first.fill(String(max));
  await observer.getByTestId('observation-submit').click();
  await observer.waitForSelector('text=已收到评分表 1 份');

  // The second sheet, the close and the award over the API: the finding becomes a rectification.
  const observer2 = await login(`obs-${COUNTY}-2`);
  expect((await observer2.post(`${branchUrl()}/observation`, { scores: fullScores })).status).toBe(200);
  expect((await observer2.post(`${branchUrl()}/observation/close`, {})).status).toBe(200);
  expect((await (await login(`coord-${COUNTY}`)).post(`${branchUrl()}/award`, {})).status).toBe(200);

  // 我的待办 names the finding a rectification is about, not just 整改.
  const todo = await ui.signIn(`sec-${BRANCH}`);
  const rectificationRow = `[data-testid=task-row][data-branch="${BRANCH}"]`;
  await openTab(todo, 'todo', rectificationRow);
  expect(await todo.locator(rectificationRow).first().textContent()).toContain(FINDING);
  await todo.context().close();

  // The secretary: neither text nor a file is refused in Chinese; then the text and a photo.
  const secretary = await openBranch(`sec-${BRANCH}`);
  await findingAt(secretary, 'awaiting_evidence');
  await secretary.getByTestId('rectification-submit').click();
  expect(await secretary.getByTestId('error-description').textContent()).toBe('请写明整改情况或上传整改材料');
  await secretary.getByTestId('rectification-file').setInputFiles({
    name: '会议记录整改.png',
    mimeType: 'image/png',
    buffer: PNG,
  });
  expect(await secretary.getByTestId('rectification-files').textContent()).toContain('会议记录整改.png');
  await secretary.getByTestId('rectification-description').fill('已补齐2026年三会一课记录');
  await secretary.getByTestId('rectification-submit').click();
  await secretary.waitForSelector('[data-testid=finding][data-status=awaiting_verification]');
  // The photo belongs to the submission: a thumbnail and a download inside the finding's history.
  const submitted = secretary.getByTestId('history-evidence');
  await submitted.getByTestId('evidence-preview').waitFor();
  expect(await submitted.getByTestId('evidence-item').textContent()).toContain('会议记录整改.png');
  expect(await submitted.textContent()).not.toContain('附件：');
  await ui.screenshot(secretary, 'rectification-submitted');

  // The reviewer sees the photo inside the finding before deciding, and refuses it: a refusal needs its
  // reason, next to the field.
  await findingAt(reviewer, 'awaiting_verification');
  const toVerify = reviewer.locator('[data-testid=finding] [data-testid=history-evidence]');
  await toVerify.getByTestId('evidence-preview').waitFor();
  expect(await toVerify.getByTestId('evidence-preview').getAttribute('alt')).toBe('会议记录整改.png');
  await ui.screenshot(reviewer, 'verify-sees-photo');
  await reviewer.getByTestId('verify-rejected').check();
  await reviewer.getByTestId('verify-submit').click();
  expect(await reviewer.getByTestId('error-reasons').textContent()).toBe('不予销号时必须填写理由');
  await reviewer.getByTestId('verify-reasons').fill('缺少第三季度记录');
  await ui.screenshot(reviewer, 'verify-refuse');
  await reviewer.getByTestId('verify-submit').click();
  await reviewer.waitForSelector('[data-testid=finding][data-status=awaiting_evidence]');
  expect(await reviewer.getByTestId('history-rejected').textContent()).toContain('缺少第三季度记录');

  // The secretary sees why and submits again; the reviewer closes it out, and the branch closes.
  await findingAt(secretary, 'awaiting_evidence');
  await secretary.getByTestId('rectification-description').fill('已补第三季度记录');
  await secretary.getByTestId('rectification-submit').click();
  await secretary.waitForSelector('[data-testid=finding][data-status=awaiting_verification]');
  await findingAt(reviewer, 'awaiting_verification');
  await reviewer.getByTestId('verify-accepted').check();
  await reviewer.getByTestId('verify-submit').click();
  await reviewer.waitForSelector('[data-testid=finding][data-status=closed]');
  await reviewer.waitForSelector('[data-testid=branch-step][data-step=CLOSED]', { timeout: 20_000 });
  expect(await reviewer.locator('[data-testid=rectification-history] > li').count()).toBe(4);
  await reviewer.getByTestId('history-closed').waitFor();
  await ui.screenshot(reviewer, 'rectification-closed');
  expect(ui.pageErrors).toEqual([]);
});
