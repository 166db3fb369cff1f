/**
 * The administrator's console in a real browser on the whole stack: the users of the county (narrowed
 * to a township), and the directory import — the Excel template downloaded, CSV tables with a blocking
 * mistake named by file, row and column, then a workbook dry-run on the server (each user row's outcome
 * by its sheet row) and imported on confirmation; the new secretary signs in. Screenshots in var/screenshots/console-admin/.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { Workbook } from 'exceljs';
import { demoCounty } from '@fivestar/api';
import { templateHeader, toCsv } from '@fivestar/contracts';
import { launchChromium } from './browser';
import { consolePages, type ConsolePages } from './console-page';
import { startStack, type Stack } from './harness';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const NEW_BRANCH = '411099100277';

let stack: Stack;
let browser: Browser;
let ui: ConsolePages;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ console: true }), launchChromium()]);
  ui = consolePages(browser, stack.baseUrl, 'console-admin');
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const csv = (name: string, rows: string[][]) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(toCsv(rows)),
});

async function chooseFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.getByTestId('directory-file').setInputFiles(files);
}

test('an administrator imports the directory from Excel or CSV, with a dry run first', async () => {
  const admin = await ui.signIn(`admin-${COUNTY}`);
  await admin.getByTestId('nav-admin').click();
  await ui.textOf(admin, `user-coord-${COUNTY}`, (row) => row.includes('县级专班'));
  // Narrowed to a township: its reviewers and its villages' secretaries, not the county's users.
  await admin.getByTestId('users-township').selectOption(TOWNSHIP);
  await admin.getByTestId(`user-twp-${TOWNSHIP}-1`).waitFor();
  await admin.getByTestId(`user-sec-${TOWNSHIP}201`).waitFor();
  expect(await admin.getByTestId(`user-coord-${COUNTY}`).count()).toBe(0);
  // Jurisdictions read as names: the township and the village beside the code.
  const village = demoCounty().branches.find((b) => b.code === `${TOWNSHIP}201`)!.name;
  await ui.textOf(admin, `place-sec-${TOWNSHIP}201`, (p) => p.includes(`城关镇 ${village}`));
  // A new secretary: the branch's code, named as it is typed (the list offers every place by name).
  await admin.getByTestId('new-username').fill('ui-sec-form');
  await admin.getByTestId('new-name').fill('表单书记');
  await admin.getByTestId('new-jurisdiction').fill(`${TOWNSHIP}201`);
  await ui.textOf(admin, 'create-user-form', (f) => f.includes(village));
  await admin.getByTestId('new-password').fill('form-initial-2026');
  await admin.getByTestId('create-user-submit').click();
  await ui.textOf(admin, 'place-ui-sec-form', (p) => p.includes(village));
  await ui.screenshot(admin, 'users');

  await admin.getByTestId('admin-tab-import').click();
  // The template: an .xlsx whose sheets are the four tables after the instructions.
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByTestId('directory-template').click(),
  ]);
  const template = new Workbook();
  await template.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
  expect(template.worksheets.map((w) => w.name)).toEqual(['说明', '县', '乡镇', '单位', '支部', '用户']);

  // CSV tables with mistakes that block the file: named by file, row and column; nothing sent.
  await chooseFiles(admin, [
    csv('县.csv', [templateHeader('county'), ['411099', '示范县']]),
    csv('支部.csv', [templateHeader('branches'), [NEW_BRANCH, '新村', '乡村', TOWNSHIP, '否']]),
    csv('用户.csv', [
      ['用户名', '姓名', '辖区代码'],
      ['ui-sec-1', '王书记', NEW_BRANCH],
    ]),
  ]);
  await ui.textOf(
    admin,
    'directory-errors',
    (rows) => rows.includes('用户.csv') && rows.includes('角色') && rows.includes('支部类型'),
  );
  expect(await admin.getByTestId('directory-import').count()).toBe(0);
  await ui.screenshot(admin, 'import-errors');

  // A workbook: the server's dry run judges each user row, named by its sheet and row.
  const workbook = new Workbook();
  const sheets: Record<string, string[][]> = {
    县: [templateHeader('county'), [COUNTY, '示范县']],
    支部: [templateHeader('branches'), [NEW_BRANCH, '新建村党支部', '农村', TOWNSHIP, '否']],
    用户: [
      templateHeader('users'),
      ['ui-sec-1', '王书记', '村（社区）党支部书记', NEW_BRANCH, '是', '', ''],
      ['ui-bad-1', '错辖区', '村（社区）党支部书记', COUNTY, '是', '', ''],
    ],
  };
  for (const [name, rows] of Object.entries(sheets)) workbook.addWorksheet(name).addRows(rows);
  await admin.getByTestId('directory-initial-password').fill('ui-initial-2026');
  await chooseFiles(admin, [
    {
      name: '名册.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
    },
  ]);
  await ui.textOf(admin, 'directory-summary', (s) => s.includes('试运行') && s.includes('支部 1 个'));
  const rows = admin.getByTestId('directory-result');
  expect(await rows.count()).toBe(2);
  expect(await rows.nth(0).getAttribute('data-outcome')).toBe('created');
  expect(await rows.nth(1).textContent()).toMatch(
    /名册\.xlsx「用户」3ui-bad-1.*辖区代码：辖区层级与角色不符/,
  );
  await ui.screenshot(admin, 'import-dry-run');

  await admin.getByTestId('directory-import').click();
  await ui.textOf(admin, 'directory-summary', (s) => s.startsWith('已导入') && s.includes('新建 1'));
  await ui.screenshot(admin, 'import-done');

  // The new secretary signs in with the initial password.
  const login = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ui-sec-1', password: 'ui-initial-2026' }),
  });
  expect(login.status).toBe(200);
  expect(ui.pageErrors).toEqual([]);
});
