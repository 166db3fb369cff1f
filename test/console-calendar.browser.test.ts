/**
 * The console's answers to what the whole stack cannot be made to do on demand, in a real browser against
 * a stand-in API (playwright's page.route over the built console/dist): a sign-off not taken (503) and
 * retried with the same Idempotency-Key, then accepted (202) and followed to its answer; 系统处理异常 and
 * 暂按工作日计算 on the branch page and in 我的待办; the working-day calendar loaded from an .ics feed, a
 * refused date shown beside its row, then previewed and confirmed. Screenshots in
 * var/screenshots/console-calendar/. Build the console first (`npm run build -w console`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import {
  beijingDate,
  defaultCatalogFor,
  type BranchState,
  type CalendarYearLoaded,
  type TaskRow,
} from '@fivestar/contracts';
import { launchChromium } from './browser';

const DIST = path.resolve(__dirname, '../console/dist');
const SHOTS = path.resolve(__dirname, '../var/screenshots/console-calendar');
const BRANCH = '411099100201';
const BASE = `/api/rounds/r1/branches/${BRANCH}`;

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
}
type Routes = [RegExp, (req: Request, url: URL) => Answer | Promise<Answer>][];

let server: Server;
let origin: string;
let browser: Browser;
const pageErrors: string[] = [];
let shots = 0;

beforeAll(async () => {
  if (!existsSync(path.join(DIST, 'index.html')))
    throw new Error('console/dist missing: npm run build -w console');
  mkdirSync(SHOTS, { recursive: true });
  // console/dist as the API serves it: files, else index.html (the SPA fallback).
  server = createServer((req, res) => {
    const file = path.join(DIST, new URL(req.url!, 'http://x').pathname);
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
    readFile(file)
      .then((body) => res.writeHead(200, { 'content-type': type }).end(body))
      .catch(() => readFile(path.join(DIST, 'index.html')).then((b) => res.writeHead(200).end(b)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

afterEach(() => expect(pageErrors).toEqual([]));

const screenshot = (page: Page, name: string) =>
  page.screenshot({
    path: path.join(SHOTS, `${String(++shots).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });

/** A page signed in as `role` (a stored session), every /api request answered by `routes`. */
async function pageAs(role: string, jurisdiction: string, routes: Routes): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  await context.addInitScript(
    ([role, jurisdiction]) =>
      // Runs in the page (the DOM's storage), not in node.
      (
        globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
      ).localStorage.setItem(
        'fivestar.session',
        JSON.stringify({
          token: 't',
          refreshToken: 'r',
          expiresAt: Date.now() + 3_600_000,
          user: { userId: 'u1', name: '测试', role, jurisdiction },
        }),
      ),
    [role, jurisdiction],
  );
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('dialog', (d) => void d.accept());
  await page.route('**/api/**', async (route) => {
    const url = new URL(route.request().url());
    const key = `${route.request().method()} ${url.pathname}`;
    const hit = routes.find(([pattern]) => pattern.test(key));
    const answer: Answer = hit
      ? await hit[1](route.request(), url)
      : url.pathname === '/api/inbox'
        ? { json: { unread: 0, items: [] } }
        : { status: 404, json: { title: '没有该资源', status: 404 } };
    await route.fulfill({
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', ...answer.headers },
      body: JSON.stringify(answer.json ?? {}),
    });
  });
  return page;
}

const branchState = (
  step: BranchState['step'],
  deadline: string | null,
): BranchState & { provisional: boolean } => ({
  roundId: 'r1',
  branchCode: BRANCH,
  step,
  attempt: 1,
  deadline,
  provisional: true,
  targetStars: [],
  selfCheck: null,
  reviews: {},
  vetoes: [],
  observation: { sheets: [], closedBy: null },
  revocations: [],
  award: null,
  level: null,
  withdrawn: false,
  findings: [],
  timeline: [],
});

test('a sign-off not taken is retried with the same key, then followed from 202 to its answer', async () => {
  const rural = defaultCatalogFor('rural')!;
  let step: BranchState['step'] = 'AWARD';
  const keys: string[] = [];
  let polls = 0;
  const location = `${BASE}/commands/u1%3Akey`;
  const page = await pageAs('coordinator', '411099', [
    [
      new RegExp(`GET ${BASE}$`),
      () => ({
        json: {
          branch: {
            code: BRANCH,
            name: '东关村党支部',
            type: 'rural',
            townshipCode: '411099100',
            weak: false,
          },
          state: branchState(step, step === 'AWARD' ? '2027-01-05T09:59:59.999Z' : null),
          fault: {
            workflowId: 'w',
            roundId: 'r1',
            branchId: BRANCH,
            activityType: 'planDeadline',
            message: '工作日历“cn-mainland”未包含 2027 年的节假日安排\n    at planDeadline',
            since: '2026-12-20T02:00:00.000Z',
            calendar: { calendarId: 'cn-mainland', year: 2027 },
          },
        },
      }),
    ],
    [/GET .*\/evidence$/, () => ({ json: { items: [] } })],
    [/GET \/api\/rounds\/r1$/, () => ({ json: { catalogs: [{ id: rural.id, version: rural.version }] } })],
    [/GET \/api\/catalogs\//, () => ({ json: rural })],
    [
      /POST .*\/award$/,
      (req): Answer => {
        keys.push(req.headers()['idempotency-key']!);
        return keys.length === 1
          ? { status: 503, headers: { 'retry-after': '1' }, json: { title: '服务不可用', status: 503 } }
          : {
              status: 202,
              headers: { location },
              json: { status: 'accepted', commandId: 'u1:key', location },
            };
      },
    ],
    [
      /GET .*\/commands\//,
      () => {
        polls += 1;
        if (polls < 2) return { status: 202, json: { status: 'accepted', commandId: 'u1:key', location } };
        step = 'PUBLIC_NOTICE';
        return { json: { step: 'PUBLIC_NOTICE', attempt: 1 } };
      },
    ],
  ]);
  await page.goto(`${origin}/rounds/r1/branches/${BRANCH}`);
  await page.getByTestId('award-form').waitFor();
  expect(await page.getByTestId('branch-fault').innerText()).toContain(
    '系统处理异常：等待加载2027年工作日历',
  );
  expect(await page.getByTestId('branch-fault').innerText()).not.toContain('at planDeadline');
  expect(await page.getByTestId('deadline-provisional').getAttribute('title')).toBe(
    '该期限所在年份的节假日安排尚未加载，暂按周一至周五计算；加载后自动重新计算',
  );

  await page.getByTestId('award-submit').click();
  expect(await page.getByTestId('command-not-taken').innerText()).toContain(
    '系统繁忙，本次提交尚未被受理，请稍后重试（重复提交不会重复办理）',
  );
  await screenshot(page, 'not-taken');
  await page.getByTestId('command-retry').click();
  await page.getByTestId('command-accepted').waitFor();
  expect(await page.getByTestId('command-accepted').innerText()).toBe('已受理，正在处理…');
  await screenshot(page, 'accepted');
  await page.getByTestId('branch-step').filter({ hasText: '公示' }).waitFor();
  expect(await page.getByTestId('deadline-planning').count()).toBe(0);
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  await page.context().close();
});

test('我的待办 marks a provisional deadline', async () => {
  const task = (n: number, provisional: boolean): TaskRow => ({
    key: `k${n}`,
    kind: 'step',
    roundId: 'r1',
    branchId: `41109910020${n}`,
    findingId: null,
    step: 'SELF_CHECK',
    title: '东关村党支部：村自评',
    group: { role: 'village_secretary', jurisdiction: `41109910020${n}` },
    star: null,
    subject: null,
    status: 'open',
    deadline: '2027-01-08T09:59:59.999Z',
    provisional,
    openedAt: '2026-12-20T00:00:00.000Z',
    closedAt: null,
    light: 'green',
    escalationLevel: null,
    urgedAt: null,
    urgeCount: 0,
    assignee: null,
    delegatedBy: null,
    branchName: '东关村党支部',
  });
  const page = await pageAs('township_reviewer', '411099100', [
    [/GET \/api\/tasks$/, () => ({ json: { items: [task(1, true), task(2, false)], total: 2 } })],
    [/GET \/api\/(rounds|counties)/, () => ({ json: { items: [] } })],
  ]);
  await page.goto(`${origin}/tasks`);
  await page.getByTestId('task-table').waitFor();
  const rows = page.getByTestId('task-row');
  expect(await rows.nth(0).getByTestId('deadline-provisional').innerText()).toBe('暂按工作日计算');
  expect(await rows.nth(1).getByTestId('deadline-provisional').count()).toBe(0);
  await page.context().close();
});

test('the administrator loads next year from an .ics feed: a refused date beside its row, then confirmed', async () => {
  const posts: { dryRun: boolean; body: { holidays: string[]; workdays: string[] } }[] = [];
  const answer = (body: { holidays: string[]; workdays: string[] }, dryRun: boolean): CalendarYearLoaded => ({
    calendarId: 'cn-mainland',
    year: 2027,
    dryRun,
    version: 1,
    revision: 2,
    changed: true,
    holidays: body.holidays,
    workdays: body.workdays,
    periods: [{ from: '2027-01-01', to: '2027-01-03', days: 3 }],
    workingDays: 249,
    diff: {
      holidaysAdded: body.holidays,
      holidaysRemoved: [],
      workdaysAdded: body.workdays,
      workdaysRemoved: [],
    },
    replanWorkflowId: dryRun ? null : 'calendar-replan-cn-mainland-2027-2',
  });
  const page = await pageAs('admin', '411099', [
    [
      /GET \/api\/calendars$/,
      () => ({ json: { items: [{ id: 'cn-mainland', revision: 1, years: [2026] }] } }),
    ],
    [
      /GET \/api\/calendars\/cn-mainland$/,
      () => ({
        json: {
          id: 'cn-mainland',
          revision: 1,
          years: [
            {
              year: 2026,
              holidays: ['2026-01-01'],
              workdays: [],
              source: '国办发明电〔2025〕7号',
              version: 0,
              loadedBy: null,
              loadedAt: null,
            },
          ],
        },
      }),
    ],
    [
      /POST \/api\/calendars\/cn-mainland\/years\/2027$/,
      (req, url) => {
        const body = JSON.parse(req.postData()!) as { holidays: string[]; workdays: string[] };
        const dryRun = url.searchParams.get('dryRun') === 'true';
        posts.push({ dryRun, body });
        if (body.workdays.includes('2027-01-30'))
          return {
            status: 400,
            json: {
              title: '请求参数无效',
              status: 400,
              errors: [{ field: 'body.workdays.0', message: '与国务院通知不符' }],
            },
          };
        return { json: answer(body, dryRun) };
      },
    ],
  ]);
  await page.goto(`${origin}/admin/calendar`);
  await page.getByTestId('calendar-year').first().waitFor();
  expect(await page.getByTestId('calendar-year').first().innerText()).toContain('随软件发布');
  // Next year by default; this test's feed is 2027's.
  const nextYear = Number(beijingDate(Date.now()).slice(0, 4)) + 1;
  expect(await page.getByTestId('calendar-year-input').inputValue()).toBe(String(nextYear));
  await page.getByTestId('calendar-year-input').fill('2027');

  const ics = (workday: string) =>
    Buffer.from(
      [
        'BEGIN:VCALENDAR',
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE:20270101',
        'DTEND;VALUE=DATE:20270104',
        'SUMMARY:元旦 休',
        'END:VEVENT',
        'BEGIN:VEVENT',
        `DTSTART;VALUE=DATE:${workday.replaceAll('-', '')}`,
        'SUMMARY:春节 补班',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
  await page
    .getByTestId('calendar-file')
    .setInputFiles({ name: 'cn.ics', mimeType: 'text/calendar', buffer: ics('2027-01-30') });
  const refused = page.locator('[data-testid=calendar-day][data-date="2027-01-30"]');
  await refused.waitFor();
  expect(await refused.innerText()).toContain('与国务院通知不符');
  await screenshot(page, 'calendar-refused');

  await page
    .getByTestId('calendar-file')
    .setInputFiles({ name: 'cn.ics', mimeType: 'text/calendar', buffer: ics('2027-02-20') });
  await page.getByTestId('calendar-preview').waitFor();
  expect(await page.getByTestId('calendar-summary').innerText()).toBe(
    '预览（未保存）：2027年将保存为第1版，全年工作日 249 天。',
  );
  expect(await page.getByTestId('calendar-diff-workdaysAdded').innerText()).toContain('2027-02-20');
  await screenshot(page, 'calendar-preview');
  await page.getByTestId('calendar-confirm').click();
  await page.getByTestId('calendar-loaded').waitFor();
  expect(await page.getByTestId('calendar-replanning').innerText()).toBe(
    '已开始重新计算暂按工作日计算的期限。',
  );
  expect(posts.map((p) => p.dryRun)).toEqual([true, true, false]);
  expect(posts[2]!.body).toEqual({
    holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
    workdays: ['2027-02-20'],
  });
  await screenshot(page, 'calendar-loaded');
  await page.context().close();
});
