/**
 * The working-day calendar across the end of the year in a real browser on the whole stack, on a calendar
 * of the test's own (cn-mainland is left as shipped). A round whose self-check ends in next year, not
 * loaded yet, is started counting that year Monday–Friday: the village secretary sees 暂按工作日计算 on
 * the deadline in 我的待办 and on the branch page. The administrator picks the calendar in 系统管理 →
 * 工作日历 and loads next year from an .ics feed: previewed (breaks, make-up workdays, difference), then
 * confirmed, the new version listed and the re-planning started. The secretary's deadline then loses its
 * badge and moves past next year's first fortnight, and her self-check, sent from the console, answers.
 * The console's 503/202 handling of a sign-off is console/src/command.test.ts's. Screenshots in
 * var/screenshots/console-calendar/. Build the console first (`npm run build -w console`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beijingDate, formatBeijingTime, type TaskRow } from '@fivestar/contracts';
import { launchChromium } from './browser';
import { consolePages, fillScores, type ConsolePages } from './console-page';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { crossingSchedule, fortnightOff, nextYear, thisYear, thisYearData } from './year-end-calendar';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = '411099100201';
/** A star that is not the capstone (支部过硬星 needs all the others). */
const STAR = 'civility';
const PDF = Buffer.from('%PDF-1.4\n% 三会一课记录\n%%EOF\n');

/** Next year's first Saturday in February: the feed's make-up workday. */
const makeUpDay = [...Array(7).keys()]
  .map((d) => `${nextYear}-02-0${d + 1}`)
  .find((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 6)!;

/** Next year's working days with the fortnight off and the make-up Saturday worked. */
function workingDaysOfNextYear(): number {
  let n = 0;
  for (let t = Date.UTC(nextYear, 0, 1); new Date(t).getUTCFullYear() === nextYear; t += 86_400_000) {
    const day = new Date(t);
    const date = day.toISOString().slice(0, 10);
    const weekday = day.getUTCDay() !== 0 && day.getUTCDay() !== 6;
    if ((weekday && !fortnightOff.includes(date)) || date === makeUpDay) n += 1;
  }
  return n;
}

/** The feed as holiday sites publish it: one event for the fortnight (DTEND exclusive), one 补班 day. */
const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//fivestar test//CN',
  'BEGIN:VEVENT',
  `DTSTART;VALUE=DATE:${nextYear}0101`,
  `DTEND;VALUE=DATE:${nextYear}0115`,
  'SUMMARY:元旦及冬休 休',
  'END:VEVENT',
  'BEGIN:VEVENT',
  `DTSTART;VALUE=DATE:${makeUpDay.replaceAll('-', '')}`,
  'SUMMARY:春节 补班',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

let stack: Stack;
let browser: Browser;
let ui: ConsolePages;
let calendarId: string;
let roundId: string;
let secretary: ApiUser;
let admin: ApiUser;
let tmp: string;
/** The self-check's deadline as planned at the start (provisional). */
let provisional: TaskRow;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ console: true }), launchChromium()]);
  ui = consolePages(browser, stack.baseUrl, 'console-calendar');
  tmp = mkdtempSync(path.join(tmpdir(), 'console-calendar-'));
  calendarId = `test-${stack.runId}`;
  roundId = `cal-${stack.runId}`;
  const login = (u: string) => ApiUser.login(stack.baseUrl, u);
  let coordinator: ApiUser;
  [admin, coordinator, secretary] = await Promise.all([
    login(`admin-${COUNTY}`),
    login(`coord-${COUNTY}`),
    login(`sec-${BRANCH}`),
  ]);
  // The calendar of this test's own, holding this year only.
  expect((await admin.post(`/api/calendars/${calendarId}/years/${thisYear}`, thisYearData)).status).toBe(200);
  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: thisYear,
    title: '跨年度的创建轮次',
    schedule: crossingSchedule(calendarId, 'weekdays-provisional'),
    townshipCodes: [TOWNSHIP],
  });
  expect(started.status).toBe(201);
  expect(started.body.provisionalYears).toEqual([nextYear]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

afterEach(() => expect(ui.pageErrors).toEqual([]));

const selfCheckTask = async (): Promise<TaskRow | undefined> =>
  (await secretary.get(`/api/tasks?roundId=${roundId}`)).body.items.find(
    (t: TaskRow) => t.step === 'SELF_CHECK',
  );
const row = `[data-testid=task-row][data-branch="${BRANCH}"][data-step=SELF_CHECK]`;
const branchPath = () => `/rounds/${roundId}/branches/${BRANCH}`;

/** 我的待办, reloaded (bounded) until the self-check's row shows and `ok` holds of its deadline cell. */
async function taskRowUntil(page: Page, ok: (deadline: string, badges: number) => boolean): Promise<string> {
  const seen = await eventually(
    async () => {
      await page.goto(`${stack.baseUrl}/tasks`);
      const found = await page.waitForSelector(row, { timeout: 3000 }).then(
        () => true,
        () => false,
      );
      if (!found) return null;
      const cell = page.locator(`${row} td`).nth(4);
      return {
        text: await cell.innerText(),
        badges: await cell.getByTestId('deadline-provisional').count(),
      };
    },
    (v) => v !== null && ok(v.text, v.badges),
    40_000,
  );
  return seen!.text;
}

test('the village secretary sees 暂按工作日计算 on a deadline in a year not loaded', async () => {
  provisional = (await eventually(selfCheckTask, (t) => t !== undefined))!;
  expect(provisional.provisional).toBe(true);
  const due = beijingDate(Date.parse(provisional.deadline));
  // Two weekdays into next year: its first fortnight not known to be off yet.
  expect(due.startsWith(`${nextYear}-01-`) && due < `${nextYear}-01-05`).toBe(true);

  const page = await ui.signIn(`sec-${BRANCH}`);
  const text = await taskRowUntil(page, (_, badges) => badges === 1);
  expect(text).toContain(formatBeijingTime(provisional.deadline));
  expect(text).toContain('暂按工作日计算');
  expect(await page.locator(`${row} [data-testid=deadline-provisional]`).getAttribute('title')).toBe(
    '该期限所在年份的节假日安排尚未加载，暂按周一至周五计算；加载后自动重新计算',
  );
  await ui.screenshot(page, 'tasks-provisional');

  await page.click(`${row} [data-testid=task-open]`);
  await page.waitForURL(`**${branchPath()}`);
  const step = page.getByTestId('branch-step');
  await step.getByTestId('deadline-provisional').waitFor();
  expect(await step.innerText()).toContain(formatBeijingTime(provisional.deadline));
  expect(await page.getByTestId('branch-fault').count()).toBe(0);
  await ui.screenshot(page, 'branch-provisional');
  await page.context().close();
});

test('the administrator loads next year from an .ics feed into the calendar of their choice', async () => {
  const bundled = (await admin.get('/api/calendars/cn-mainland')).body.years;
  const file = path.join(tmp, `${nextYear}年节假日.ics`);
  writeFileSync(file, ics);

  const page = await ui.signIn(`admin-${COUNTY}`);
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-tab-calendar').click();
  // cn-mainland first; this test's calendar is picked from the list.
  const picker = page.getByTestId('calendar-id');
  await picker.locator(`option[value="${calendarId}"]`).waitFor({ state: 'attached' });
  expect(await picker.inputValue()).toBe('cn-mainland');
  await picker.selectOption(calendarId);
  await page.locator(`[data-testid=calendar-year][data-year="${thisYear}"][data-version="1"]`).waitFor();
  expect(await page.getByTestId('calendar-year').count()).toBe(1);
  expect(await page.getByTestId('calendar-year-input').inputValue()).toBe(String(nextYear));

  await page.getByTestId('calendar-file').setInputFiles(file);
  await page.getByTestId('calendar-preview').waitFor();
  const workingDays = workingDaysOfNextYear();
  expect(await page.getByTestId('calendar-summary').innerText()).toBe(
    `预览（未保存）：${nextYear}年将保存为第1版，全年工作日 ${workingDays} 天。`,
  );
  expect(await page.locator('[data-testid=calendar-periods] tbody tr').allInnerTexts()).toEqual([
    `${nextYear}-01-01\t${nextYear}-01-14\t14`,
  ]);
  expect(await page.getByTestId('calendar-makeup').innerText()).toBe(makeUpDay);
  expect(await page.getByTestId('calendar-diff-holidaysAdded').innerText()).toBe(
    `新增放假：${fortnightOff.join('、')}`,
  );
  expect(await page.getByTestId('calendar-diff-workdaysAdded').innerText()).toBe(
    `新增调休上班：${makeUpDay}`,
  );
  // Previewed only: nothing stored yet.
  expect((await admin.get(`/api/calendars/${calendarId}`)).body.years).toHaveLength(1);
  await ui.screenshot(page, 'calendar-preview');

  await page.getByTestId('calendar-confirm').click();
  await page.getByTestId('calendar-loaded').waitFor();
  expect(await page.getByTestId('calendar-summary').innerText()).toBe(
    `已加载：${nextYear}年现为第1版，全年工作日 ${workingDays} 天。`,
  );
  expect(await page.getByTestId('calendar-replanning').innerText()).toBe(
    '已开始重新计算暂按工作日计算的期限。',
  );
  expect(await page.getByTestId('calendar-replanning').getAttribute('title')).toContain(calendarId);
  const loadedRow = page.locator(`[data-testid=calendar-year][data-year="${nextYear}"][data-version="1"]`);
  await loadedRow.waitFor();
  expect(await loadedRow.innerText()).toContain(`admin-${COUNTY}`);
  expect(await page.getByText('提交中…').count()).toBe(0);
  await ui.screenshot(page, 'calendar-loaded');
  await page.context().close();

  const stored = (await admin.get(`/api/calendars/${calendarId}`)).body.years;
  expect(stored.find((y: { year: number }) => y.year === nextYear)).toMatchObject({
    holidays: fortnightOff,
    workdays: [makeUpDay],
    version: 1,
  });
  expect((await admin.get('/api/calendars/cn-mainland')).body.years).toEqual(bundled);
});

test('the deadline is re-planned: no badge, past the fortnight; the self-check answers', async () => {
  const page = await ui.signIn(`sec-${BRANCH}`);
  const text = await taskRowUntil(page, (_, badges) => badges === 0);
  const replanned = (await selfCheckTask())!;
  expect(replanned.provisional).toBe(false);
  expect(beijingDate(Date.parse(replanned.deadline)) > `${nextYear}-01-14`).toBe(true);
  expect(text).toBe(formatBeijingTime(replanned.deadline));
  await ui.screenshot(page, 'tasks-replanned');

  await page.goto(`${stack.baseUrl}${branchPath()}`);
  await page.getByTestId('self-check-form').waitFor();
  const step = page.getByTestId('branch-step');
  expect(await step.innerText()).toContain(formatBeijingTime(replanned.deadline));
  expect(await step.getByTestId('deadline-provisional').count()).toBe(0);
  await ui.screenshot(page, 'branch-replanned');

  // The self-check, one star with its evidence, sent from the console: it answers and the step moves on.
  await page.check(`[data-testid=star-${STAR}]`);
  await fillScores(page, '[data-testid=self-check-form]', (max) => max);
  await page.locator('[data-testid=self-check-form] input[data-testid^=score-]').last().blur();
  const files = page.locator(`[data-testid=self-check-star-${STAR}] [data-testid=evidence-file]`);
  const attached = page.locator(
    `[data-testid=self-check-star-${STAR}] [data-testid=evidence-requirement] .ok`,
  );
  const requirements = await files.count();
  for (let i = 0; i < requirements; i++) {
    await files.nth(i).setInputFiles({ name: `记录${i + 1}.pdf`, mimeType: 'application/pdf', buffer: PDF });
    await eventually(
      () => attached.count(),
      (n) => n === i + 1,
    );
  }
  expect(await page.getByTestId('missing-item').count()).toBe(0);
  await page.getByTestId('self-check-submit').click();
  await page.waitForSelector('[data-testid=branch-step][data-step=TOWNSHIP_REVIEW]', { timeout: 20_000 });
  expect(await page.getByText('提交中…').count()).toBe(0);
  expect(await page.getByTestId('self-check-form').count()).toBe(0);
  // The township review's deadline (seconds, not working days) is planned soon after: 期限计算中 goes.
  await eventually(
    async () => {
      await page.reload();
      await page.getByTestId('branch-step').waitFor();
      return page.getByTestId('deadline-planning').count();
    },
    (n) => n === 0,
    20_000,
  );
  expect(await page.getByTestId('branch-step').innerText()).toContain('截止');
  await ui.screenshot(page, 'self-check-answered');
  await page.context().close();
});
