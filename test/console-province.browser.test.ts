/**
 * The province and city tiers of the console in a real browser on the whole stack, at 1366×768 and
 * 390×844: the province's administrator downloads the province template and imports a province of two
 * cities (a dry run, then the import), onboards a city with its administrator and places a user at the
 * city's level; the province's 专班 opens the year's campaign and starts every county's round; a city's
 * leader reads the campaign and cannot steer it. Every page is checked for a horizontal scroll, untranslated
 * text and (on the phone) small tap targets; no console error goes unexplained. Screenshots in
 * var/screenshots/console-province/.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { Workbook } from 'exceljs';
import { templateHeader } from '@fivestar/contracts';
import { launchChromium } from './browser';
import { consolePages, layoutProblems, PHONE, type ConsolePages } from './console-page';
import { startStack, type Stack } from './harness';

const YEAR = new Date().getFullYear();
const PASSWORD = 'province-initial-2026';

let stack: Stack;
let browser: Browser;
let ui: ConsolePages;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ console: true }), launchChromium()]);
  ui = consolePages(browser, stack.baseUrl, 'console-province');
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The page as it stands: no horizontal scroll, nothing untranslated, tap targets of a phone; then its screenshot. */
async function check(page: Page, shot: string, phone = false) {
  expect(await layoutProblems(page, phone)).toEqual([]);
  await ui.screenshot(page, `${shot}-${phone ? 'phone' : 'desktop'}`);
}

const COUNTIES = [
  ['410102', '中原区'],
  ['410103', '二七区'],
  ['411002', '魏都区'],
];

/** Henan in small: 郑州 (new) with two districts, 许昌 (the demo county's city) with a district and a 市直 unit. */
async function provinceWorkbook(counties = COUNTIES): Promise<Buffer> {
  const sheets: Record<string, string[][]> = {
    省: [templateHeader('province'), ['41', '河南省']],
    市: [templateHeader('cities'), ['4101', '郑州市'], ['4110', '许昌市']],
    县: [templateHeader('county'), ...counties],
    乡镇: [
      templateHeader('townships'),
      ['410102001', '林山寨街道'],
      ['410103001', '淮河路街道'],
      ['411002001', '西大街道'],
    ],
    单位: [templateHeader('units'), ['411000001', '许昌市直属机关工委']],
    支部: [
      templateHeader('branches'),
      ['410102001001', '建设路社区党支部', '城市社区', '410102001', '否'],
      ['410103001001', '长江路社区党支部', '城市社区', '410103001', '否'],
      ['411002001001', '西关社区党支部', '城市社区', '411002001', '否'],
      ['411000001001', '市财政局机关党支部', '机关', '411000001', '否'],
    ],
    用户: [
      templateHeader('users'),
      ['coord-4101', '郑州市专班', '市级专班', '4101', '是', '', ''],
      ['admin-410102', '中原区管理员', '县级系统管理员', '410102', '是', '', ''],
      ['sec-411000001001', '财政局书记', '村（社区）党支部书记', '411000001001', '是', '', ''],
    ],
  };
  const workbook = new Workbook();
  for (const [name, rows] of Object.entries(sheets)) workbook.addWorksheet(name).addRows(rows);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

test('the province imports its directory, onboards a city, opens the campaign and starts the rounds', async () => {
  // The province's administrator, at a desk: the province template, then a province of two cities.
  const admin = await ui.signIn('admin-41');
  await admin.getByTestId('nav-admin').click();
  await admin.getByTestId('admin-tab-import').click();
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByTestId('directory-template').click(),
  ]);
  expect(download.suggestedFilename()).toBe('全省名册导入模板.xlsx');
  const template = new Workbook();
  await template.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
  expect(template.worksheets.map((w) => w.name)).toEqual([
    '说明',
    '省',
    '市',
    '县',
    '乡镇',
    '单位',
    '支部',
    '用户',
  ]);

  const choose = async (buffer: Buffer) =>
    admin.getByTestId('directory-file').setInputFiles({
      name: '河南省名册.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer,
    });
  // A county of another province refuses the file, named by its table and code.
  await choose(await provinceWorkbook([...COUNTIES, ['420102', '江岸区']]));
  await ui.textOf(admin, 'directory-error', (m) => m.includes('县表 420102（县代码）：不属于省 41'));
  expect(ui.consoleErrors.splice(0)).toEqual([expect.stringContaining('status of 400')]);
  await admin.getByTestId('directory-initial-password').fill(PASSWORD);
  await choose(await provinceWorkbook());
  // 许昌 is known already (the demo county's city): one city, three districts, the 市直 unit is a township.
  await ui.textOf(
    admin,
    'directory-summary',
    (s) => s.startsWith('试运行') && s.includes('省 41 名册，新增市 1 个、县 3 个、乡镇 4 个、支部 4 个'),
  );
  expect(await admin.getByTestId('directory-result').count()).toBe(3);
  await check(admin, 'import-dry-run');
  await admin.getByTestId('directory-import').click();
  await ui.textOf(admin, 'directory-summary', (s) => s.startsWith('已导入') && s.includes('新建 3'));
  await check(admin, 'import-done');

  // On a phone: 开通 a city with its administrator; a mistake is named under its field.
  const phoneAdmin = await ui.signIn('admin-41', undefined, PHONE);
  await phoneAdmin.getByTestId('nav-admin').click();
  await phoneAdmin.getByTestId('admin-tab-areas').click();
  await phoneAdmin.getByTestId('area-code').fill('42');
  await phoneAdmin.getByTestId('area-name').fill('开封市');
  await phoneAdmin.getByTestId('area-username').fill('admin-4102');
  await phoneAdmin.getByTestId('area-adminName').fill('开封市管理员');
  await phoneAdmin.getByTestId('area-password').fill('short');
  await phoneAdmin.getByTestId('area-submit').click();
  await ui.textOf(phoneAdmin, 'error-code', (m) => m.includes('4位'));
  await ui.textOf(phoneAdmin, 'error-admin.password', (m) => m.includes('至少10位'));
  await check(phoneAdmin, 'onboard-errors', true);
  await phoneAdmin.getByTestId('area-code').fill('4102');
  expect(await phoneAdmin.getByTestId('error-code').count()).toBe(0);
  await phoneAdmin.getByTestId('area-password').fill(PASSWORD);
  await phoneAdmin.getByTestId('area-submit').click();
  await ui.textOf(
    phoneAdmin,
    'area-done',
    (m) => m.includes('开封市（4102）') && m.includes('开封市管理员（admin-4102）'),
  );
  await check(phoneAdmin, 'onboarded', true);

  // A user of the new city: the roles offered are the city's, each named with its level.
  await phoneAdmin.getByTestId('admin-tab-users').click();
  await phoneAdmin.getByTestId('new-jurisdiction').fill('4102');
  const roles = await phoneAdmin.getByTestId('new-role').locator('option').allTextContents();
  expect(roles).toContain('市级审核人');
  expect(roles).not.toContain('村（社区）党支部书记');
  expect(roles).not.toContain('县级审核人');
  await phoneAdmin.getByTestId('new-role').selectOption('city_reviewer');
  await phoneAdmin.getByTestId('new-username').fill('city-4102-1');
  await phoneAdmin.getByTestId('new-name').fill('开封市复核人');
  await phoneAdmin.getByTestId('new-password').fill(PASSWORD);
  await phoneAdmin.getByTestId('create-user-submit').click();
  await ui.textOf(phoneAdmin, 'user-city-4102-1', (row) => row.includes('市级审核人'));
  await check(phoneAdmin, 'users', true);

  // The new administrator signs in and finds its city's import.
  const login = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin-4102', password: PASSWORD }),
  });
  expect(login.status).toBe(200);

  // The province's 专班 opens the year's campaign with its own chain, at a desk.
  const coord = await ui.signIn('coord-41');
  expect(await coord.getByTestId('nav-coordinator').count()).toBe(0);
  await coord.getByTestId('nav-campaign').click();
  await coord.getByTestId('open-campaign-form').waitFor();
  await coord.getByTestId('chain-custom').check();
  await coord.getByTestId('city-recheck-stars').selectOption('3');
  await coord.getByTestId('spot-check-percent').fill('20');
  await check(coord, 'campaign-form');
  await coord.getByTestId('campaign-submit').click();
  const card = `campaign-41-${YEAR}`;
  await ui.textOf(coord, card, (c) => c.includes('市复核：3星及以上') && c.includes('抽取 20%'));
  // Every county of the province: the demo county, the three districts and 许昌's 市直.
  await ui.textOf(coord, 'campaign-counties', (c) => c.endsWith('0 / 5'));
  await check(coord, 'campaign-opened');

  // On a phone the same 专班 starts every county's round, asked first.
  const phoneCoord = await ui.signIn('coord-41', undefined, PHONE);
  await phoneCoord.getByTestId('nav-campaign').click();
  await phoneCoord.getByTestId('campaign-start-rounds').waitFor();
  await check(phoneCoord, 'campaign', true);
  const asked: string[] = [];
  phoneCoord.once('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.accept();
  });
  await phoneCoord.getByTestId('campaign-start-rounds').click();
  await ui.textOf(phoneCoord, 'campaign-started', (s) => s.includes('已启动 5 个县的轮次；0 个县此前已启动'));
  expect(asked).toEqual([expect.stringContaining('5 个县（区）启动轮次')]);
  await ui.textOf(phoneCoord, 'campaign-counties', (c) => c.endsWith('5 / 5'));
  expect(await phoneCoord.getByTestId('campaign-start-rounds').isDisabled()).toBe(true);
  await check(phoneCoord, 'rounds-started', true);

  // A city's leader reads the campaign, at a desk and on a phone, and has nothing to steer it with.
  for (const viewport of [undefined, PHONE]) {
    const leader = await ui.signIn('leader-4110', undefined, viewport);
    expect(await leader.getByTestId('nav-admin').count()).toBe(0);
    await leader.getByTestId('nav-campaign').click();
    await ui.textOf(leader, card, (c) => c.includes('5 / 5') && c.includes('省抽查：4星及以上'));
    await leader.getByTestId('campaign-read-only').waitFor();
    expect(await leader.getByTestId('campaign-start-rounds').count()).toBe(0);
    expect(await leader.getByTestId('open-campaign-form').count()).toBe(0);
    await check(leader, 'campaign-read-only', viewport === PHONE);
  }

  expect(ui.pageErrors).toEqual([]);
  expect(ui.consoleErrors).toEqual([]);
});
