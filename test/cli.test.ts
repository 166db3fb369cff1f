/**
 * The command-line tool (`fivestar`, cli/) against the whole stack over HTTP: every command run
 * in-process through `run(argv, io)` with an API token or a saved login, its exit code, its --json
 * shape, and bad files (precise errors, nothing imported or started: checked through the API).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Workbook } from 'exceljs';
import { DEMO_PASSWORD, demoCounty } from '@fivestar/api';
import { directoryTemplate, templateHeader, toCsv } from '@fivestar/contracts';
import { run } from '../cli/src';
import { credentialsPath } from '../cli/src/credentials';
import { memoryIo } from '../cli/src/testing/memory-io';
import { ApiUser, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const demo = demoCounty(COUNTY, 2);
const PERIOD = new Date().toISOString().slice(0, 7);

let stack: Stack;
let dir: string;
let coordinator: ApiUser, admin: ApiUser;
let coordToken: string, adminToken: string;
let roundId: string;

interface Ran {
  code: number;
  out: string;
  err: string;
  json: () => any;
}

/** Runs the tool as a script would: FIVESTAR_SERVER, a token unless told otherwise, a home of its own. */
async function cli(
  argv: string[],
  opts: { token?: string | null; stdin?: string; env?: Record<string, string> } = {},
): Promise<Ran> {
  const token = opts.token === undefined ? coordToken : opts.token;
  const io = memoryIo(
    { HOME: dir, FIVESTAR_SERVER: stack.baseUrl, ...(token ? { FIVESTAR_TOKEN: token } : {}), ...opts.env },
    opts.stdin,
  );
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err(), json: () => JSON.parse(io.out()) };
}

const file = async (name: string, content: unknown) => {
  const p = path.join(dir, name);
  await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
};

async function apiToken(user: ApiUser): Promise<string> {
  const r = await user.post('/api/auth/tokens', { name: '命令行测试', scopes: ['read', 'write'] });
  expect(r.status).toBe(201);
  return r.body.token;
}

beforeAll(async () => {
  stack = await startStack({ directory: demo });
  dir = await mkdtemp(path.join(tmpdir(), 'fivestar-cli-test-'));
  roundId = `cli-${stack.runId}`;
  [coordinator, admin] = await Promise.all([
    ApiUser.login(stack.baseUrl, `coord-${COUNTY}`),
    ApiUser.login(stack.baseUrl, `admin-${COUNTY}`),
  ]);
  [coordToken, adminToken] = await Promise.all([apiToken(coordinator), apiToken(admin)]);
});

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('login, whoami, logout', () => {
  it('keeps the session owner-only, renews an expired access token, and forgets it on logout', async () => {
    const bad = await cli(['login', '-u', `coord-${COUNTY}`, '--password-stdin'], {
      token: null,
      stdin: 'wrong-password',
    });
    expect(bad.code).toBe(3);
    expect(existsSync(credentialsPath({ HOME: dir }))).toBe(false);

    const login = await cli(['login', '-u', `coord-${COUNTY}`, '--password-stdin', '--json'], {
      token: null,
      stdin: `${DEMO_PASSWORD}\n`,
    });
    expect(login.code).toBe(0);
    expect(login.json()).toEqual({
      server: stack.baseUrl,
      user: expect.objectContaining({ userId: `u-coord-${COUNTY}` }),
    });
    expect(login.out).not.toContain('refreshToken');
    const creds = credentialsPath({ HOME: dir });
    expect((await stat(creds)).mode & 0o777).toBe(0o600);

    const me = await cli(['whoami', '--json'], { token: null });
    expect(me.code).toBe(0);
    expect(me.json()).toMatchObject({
      credential: 'session',
      user: { userId: `u-coord-${COUNTY}`, role: 'coordinator' },
    });

    // An expired access token is renewed with the refresh token, which rotates.
    const saved = JSON.parse(await readFile(creds, 'utf8'));
    await writeFile(creds, JSON.stringify({ ...saved, expiresAt: 0 }));
    expect((await cli(['whoami'], { token: null })).code).toBe(0);
    const renewed = JSON.parse(await readFile(creds, 'utf8'));
    expect(renewed.refreshToken).not.toBe(saved.refreshToken);
    expect(renewed.expiresAt).toBeGreaterThan(Date.now());

    const out = await cli(['logout'], { token: null });
    expect(out.code).toBe(0);
    expect(existsSync(creds)).toBe(false);
    // The session is revoked on the server too: its refresh token no longer works.
    const refresh = await fetch(`${stack.baseUrl}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: renewed.refreshToken }),
    });
    expect(refresh.status).toBe(401);
    const after = await cli(['whoami'], { token: null });
    expect(after.code).toBe(3);
    expect(after.err).toContain('fivestar login');
  });

  it('a wrong token is not authenticated (3); a role the route refuses is forbidden (3)', async () => {
    const wrong = await cli(['whoami', '--json'], { token: `fst_${'0'.repeat(16)}_${'A'.repeat(43)}` });
    expect(wrong.code).toBe(3);
    expect(wrong.json()).toMatchObject({ ok: false, exitCode: 3 });
    const coord = await cli(['audit', 'verify'], { token: coordToken });
    expect(coord.code).toBe(3);
    expect(coord.err).toContain('HTTP 403');
  });
});

describe('audit verify', () => {
  it('answers 0 with the chain intact', async () => {
    const r = await cli(['audit', 'verify', '--json'], { token: adminToken });
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({
      ok: true,
      count: expect.any(Number),
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(r.json().count).toBeGreaterThan(0);
    const human = await cli(['audit', 'verify'], { token: adminToken });
    expect(human.out).toMatch(/^审计链完好：共 \d+ 条/);
  });
});

describe('directory import', () => {
  const user = (username: string, jurisdiction: string) => ({
    username,
    name: '命令行测试用户',
    role: 'village_secretary',
    jurisdiction,
  });
  const directoryFile = (users: unknown[]) => ({
    county: demo.county,
    users,
    initialPassword: 'cli-password-2026',
  });
  const exists = async (username: string) =>
    ((await admin.get(`/api/admin/users?role=village_secretary`)).body.items as { username: string }[]).some(
      (u) => u.username === username,
    );

  it('rejects a bad file precisely and imports nothing', async () => {
    const malformed = await file('directory-broken.json', '{"county": {"code": "411099",\n  "name": }');
    const broken = await cli(['directory', 'import', malformed], { token: adminToken });
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('不是有效的 JSON（第 2 行第 11 列）');

    const badCounty = await file('directory-county.json', {
      ...directoryFile([user('cli-sec-a', '411099100201')]),
      county: { code: '4110', name: 'x' },
    });
    const county = await cli(['directory', 'import', badCounty, '--json'], { token: adminToken });
    expect(county.code).toBe(2);
    expect(county.json().errors).toEqual([
      { field: 'directory-county.json:county.code', message: '县级代码应为6位数字' },
    ]);

    // CSV tables: a bad branch row and a missing column, each named by file, row and column.
    const countyCsv = await file('县.csv', toCsv([templateHeader('county'), ['411099', '示范县']]));
    const branchesCsv = await file(
      '支部.csv',
      toCsv([templateHeader('branches'), ['411099100299', '新村', '乡村', '411099100', '否']]),
    );
    const usersCsv = await file(
      '用户.csv',
      toCsv([
        ['用户名', '姓名', '辖区代码'],
        ['cli-sec-a', '新书记', '411099100299'],
      ]),
    );
    const tables = await cli(['directory', 'import', countyCsv, branchesCsv, usersCsv, '--json'], {
      token: adminToken,
    });
    expect(tables.code).toBe(2);
    expect(tables.json().errors.map((e: { field: string }) => e.field)).toEqual([
      '用户.csv:1:角色',
      '支部.csv:2:支部类型',
    ]);
    expect(await exists('cli-sec-a')).toBe(false);
  });

  it('a dry run judges each row on the server and imports nothing; the import takes the good rows', async () => {
    const f = await file(
      'directory.json',
      directoryFile([user('cli-sec-b', '411099100201'), user('cli-sec-c', '411099')]),
    );
    const dry = await cli(['directory', 'import', f, '--dry-run', '--json'], { token: adminToken });
    expect(dry.code).toBe(1);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      summary: { created: 1, rejected: 1 },
      results: [
        { row: 0, username: 'cli-sec-b', outcome: 'created' },
        {
          row: 1,
          username: 'cli-sec-c',
          outcome: 'rejected',
          errors: [{ field: 'body.users.1.jurisdiction', message: '辖区层级与角色不符' }],
        },
      ],
    });
    expect(await exists('cli-sec-b')).toBe(false);

    const done = await cli(['directory', 'import', f], { token: adminToken });
    expect(done.code).toBe(1);
    expect(done.out).toMatch(/directory\.json:1\s+cli-sec-b\s+新建/);
    expect(done.out).toMatch(/directory\.json:2\s+cli-sec-c\s+拒绝\s+辖区代码：辖区层级与角色不符/);
    expect(await exists('cli-sec-b')).toBe(true);
    expect(await exists('cli-sec-c')).toBe(false);

    const again = await cli(['directory', 'import', f, '--json'], { token: adminToken });
    expect(again.json().summary).toEqual({ created: 0, updated: 0, unchanged: 1, rejected: 1 });
  });

  it('imports an Excel workbook of the four tables, a new branch and its secretary included', async () => {
    const workbook = new Workbook();
    for (const sheet of directoryTemplate())
      workbook.addWorksheet(sheet.name).addRows(sheet.rows.slice(0, 1));
    const rows: Record<string, string[][]> = {
      县: [['411099', '示范县']],
      乡镇: [],
      支部: [['411099100298', '新建村党支部', '农村', '411099100', '否']],
      用户: [['cli-sec-x', '新书记', '村（社区）党支部书记', '411099100298', '是', '', '']],
    };
    for (const [name, data] of Object.entries(rows)) workbook.getWorksheet(name)!.addRows(data);
    const xlsx = path.join(dir, '名册.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const run = (extra: string[]) =>
      cli(['directory', 'import', xlsx, ...extra], {
        token: adminToken,
        env: { FIVESTAR_INITIAL_PASSWORD: 'cli-initial-2026' },
      });
    const dry = await run(['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/名册\.xlsx「用户」:2\s+cli-sec-x\s+新建/);
    expect(dry.out).toContain('新增支部 1 个；');
    expect(await exists('cli-sec-x')).toBe(false);
    const done = await run(['--json']);
    expect(done.code).toBe(0);
    expect(done.json()).toMatchObject({ dryRun: false, branches: { created: 1 }, summary: { created: 1 } });
    const signIn = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cli-sec-x', password: 'cli-initial-2026' }),
    });
    expect(signIn.status).toBe(200);
  });

  it('renames a township, lists the renames a file would make, and refuses a code of no place', async () => {
    const township = `${demo.county.code}100`;
    const renamed = await cli(['directory', 'rename', township, '城关新镇'], { token: adminToken });
    expect(renamed.code).toBe(0);
    expect(renamed.out).toContain(`已改名：乡镇 ${township} 城关镇 → 城关新镇`);
    const same = await cli(['directory', 'rename', township, '城关新镇', '--json'], { token: adminToken });
    expect(same.json()).toMatchObject({ code: township, change: null });

    const f = await file('directory-rename.json', {
      county: { code: demo.county.code },
      townships: [{ code: township, name: '城关镇', countyCode: demo.county.code }],
      users: [user('cli-sec-b', `${demo.county.code}100201`)],
    });
    const dry = await cli(['directory', 'import', f, '--dry-run'], { token: adminToken });
    // The township only: the county, named by its code alone, keeps its name.
    expect(dry.out).toContain(`\n将改名：乡镇 ${township} 城关新镇 → 城关镇\n`);

    const bad = await cli(['directory', 'rename', '4110991', '某地'], { token: adminToken });
    expect(bad.code).toBe(2);
    const coordinator = await cli(['directory', 'rename', township, '某地']);
    expect(coordinator.code).toBe(3);
  });
});

describe('catalogs import', () => {
  const list = async () =>
    ((await admin.get('/api/catalogs')).body.items as { id: string; version: number }[])
      .map((c) => `${c.id}/${c.version}`)
      .sort();

  it('dry runs, imports an identical file harmlessly, and names the errors of a bad one', async () => {
    const before = await list();
    const exported = (await admin.get('/api/catalogs/rural-default/1/export?format=json')).body;
    const same = await file('catalog.json', exported);
    const dry = await cli(['catalogs', 'import', same, '--dry-run', '--json'], { token: adminToken });
    expect(dry.code).toBe(0);
    expect(dry.json()).toMatchObject({ dryRun: true, outcome: 'unchanged', id: 'rural-default', version: 1 });

    const fresh = await file('catalog-new.json', { ...exported, id: 'rural-cli', example: false });
    const preview = await cli(['catalogs', 'import', fresh, '--dry-run'], { token: adminToken });
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('试运行：目录 rural-cli 第 1 版可以导入');
    expect(preview.out).toContain('未导入任何数据');

    const bad = structuredClone(exported);
    bad.stars[0].tasks[0].points = 0;
    const badFile = await file('catalog-bad.json', bad);
    const check = await cli(['catalogs', 'import', badFile, '--dry-run', '--json'], { token: adminToken });
    expect(check.code).toBe(1);
    expect(check.json().errors).toEqual([
      { field: 'stars[0].tasks[0].points', message: '分值必须是1到100之间的整数' },
    ]);
    expect((await cli(['catalogs', 'import', badFile], { token: adminToken })).code).toBe(2);

    const malformed = await file('catalog-broken.json', '{\n  "id": "x",\n  oops\n}');
    const broken = await cli(['catalogs', 'import', malformed], { token: adminToken });
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('第 3 行第 3 列');
    expect(
      (await cli(['catalogs', 'import', await file('catalog.csv', 'a,b')], { token: adminToken })).code,
    ).toBe(2);

    const imported = await cli(['catalogs', 'import', same, '--json'], { token: adminToken });
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ id: 'rural-default', version: 1, status: 'unchanged' });
    expect(await list()).toEqual(before);
  });
});

describe('rounds, ledger, rankings, bulletins', () => {
  it('refuses a bad schedule file naming the field, and starts nothing', async () => {
    const schedule = quietSchedule(600) as any;
    schedule.steps.SELF_CHECK = { days: 3 };
    const f = await file('schedule-bad.json', schedule);
    const args = ['rounds', 'start', '--county', COUNTY, '--year', '2026', '--title', '命令行测试'];
    const bad = await cli([...args, '--schedule', f, '--round-id', roundId, '--json']);
    expect(bad.code).toBe(2);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['steps.SELF_CHECK']);
    expect(bad.err).toContain(`日程文件 ${f} 有误，未启动轮次`);

    const broken = await cli([
      ...args,
      '--schedule',
      await file('schedule-broken.json', '{"steps": [}'),
      '--round-id',
      roundId,
    ]);
    expect(broken.code).toBe(2);
    const badId = await cli([
      ...args,
      '--schedule',
      await file('schedule.json', quietSchedule(600)),
      '--round-id',
      'A B',
    ]);
    expect(badId.code).toBe(2);
    expect(badId.err).toContain('--round-id：');
    const good = await file('schedule.json', quietSchedule(600));
    const badCatalog = await cli([...args, '--schedule', good, '--round-id', roundId, '--catalog', 'rural']);
    expect(badCatalog.code).toBe(2);
    expect(badCatalog.err).toContain('应为 目录标识@版本号');
    // The server refuses a township of another county, naming it; nothing starts.
    const outside = await cli([
      ...args,
      '--schedule',
      good,
      '--round-id',
      roundId,
      '--townships',
      `${COUNTY}100,411098100`,
      '--catalog',
      'rural-default@1',
    ]);
    expect(outside.code).toBe(2);
    expect(outside.err).toContain('body.townshipCodes.1');
    expect((await coordinator.get(`/api/rounds/${roundId}`)).status).toBe(404);
  });

  it('starts a round from a schedule file and watches it launch', async () => {
    const f = await file('schedule.json', quietSchedule(600));
    const args = [
      'rounds',
      'start',
      '--county',
      COUNTY,
      '--year',
      '2026',
      '--title',
      '命令行测试',
      '--schedule',
      f,
    ];
    const started = await cli([...args, '--round-id', roundId, '--json']);
    expect(started.code).toBe(0);
    expect(started.json()).toEqual({
      roundId,
      workflowId: expect.stringContaining(roundId),
      catalogs: expect.arrayContaining([{ id: 'rural-default', version: 1 }]),
      // The schedule file counts seconds: no year is guessed.
      provisionalYears: [],
    });
    expect((await cli([...args, '--round-id', roundId])).code).toBe(2);

    const watched = await cli(['rounds', 'progress', roundId, '--watch', '--interval', '1', '--json']);
    expect(watched.code).toBe(0);
    // Not a terminal: no progress bar, stderr stays empty.
    expect(watched.err).toBe('');
    const { round, progress } = watched.json();
    // The demo's branches and the one the directory import above added.
    const branches = (
      (await coordinator.get(`/api/counties/${COUNTY}/townships`)).body.items as { branches: number }[]
    ).reduce((n, t) => n + t.branches, 0);
    expect(branches).toBe(demo.branches.length + 1);
    expect(round.progress).toMatchObject({ launchDone: true, launched: branches });
    expect(progress).toMatchObject({ roundId, byStatus: expect.any(Object) });
    const human = await cli(['rounds', 'progress', roundId]);
    expect(human.out).toContain(
      `命令行测试（${roundId}，${COUNTY}，2026年）：启动完成，已启动 ${branches} 个支部`,
    );
    expect(human.out).toContain('范围：全县；目录：rural-default 第1版');
    expect((await cli(['rounds', 'progress', 'no-such-round'])).code).toBe(2);
  });

  it('exports the ledger as CSV and Excel', async () => {
    const csv = path.join(dir, 'ledger.csv');
    const r = await cli(['ledger', 'export', '--round', roundId, '--format', 'csv', '-o', csv, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ file: csv, contentType: expect.stringContaining('text/csv') });
    expect((await readFile(csv)).length).toBe(r.json().bytes);
    const xlsx = path.join(dir, 'ledger.xlsx');
    expect(
      (
        await cli([
          'ledger',
          'export',
          '--round',
          roundId,
          '--scope',
          `${COUNTY}100`,
          '--format',
          'xlsx',
          '-o',
          xlsx,
        ])
      ).code,
    ).toBe(0);
    expect((await readFile(xlsx)).subarray(0, 2).toString()).toBe('PK');
    const outside = await cli([
      'ledger',
      'export',
      '--round',
      roundId,
      '--scope',
      '411098',
      '--format',
      'csv',
      '-o',
      csv,
    ]);
    expect(outside.code).toBe(3);
  });

  it('shows the rankings', async () => {
    const r = await cli(['rankings', 'show', '--county', COUNTY, '--round', roundId, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ round: { id: roundId }, county: { code: COUNTY } });
    const human = await cli(['rankings', 'show', '--county', COUNTY, '--round', roundId]);
    expect(human.out).toContain('星级排名：命令行测试');
    expect(human.out).toMatch(/名次\s+乡镇/);
  });

  it('exports the month’s bulletin as HTML, Excel and JSON; a month without a snapshot is 2', async () => {
    expect(
      (await coordinator.post('/api/bulletins/snapshot', { countyCode: COUNTY, period: PERIOD })).status,
    ).toBe(200);
    const base = ['bulletins', 'export', '--county', COUNTY, '--period', PERIOD];
    const html = path.join(dir, 'bulletin.html');
    expect((await cli([...base, '--format', 'html', '-o', html])).code).toBe(0);
    expect(await readFile(html, 'utf8')).toContain('<html');
    const xlsx = path.join(dir, 'bulletin.xlsx');
    expect((await cli([...base, '--format', 'xlsx', '-o', xlsx])).code).toBe(0);
    expect((await readFile(xlsx)).subarray(0, 2).toString()).toBe('PK');
    const json = path.join(dir, 'bulletin.json');
    const r = await cli([...base, '--format', 'json', '-o', json, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(json, 'utf8'))).toMatchObject({ countyCode: COUNTY, period: PERIOD });
    const none = await cli([
      'bulletins',
      'export',
      '--county',
      COUNTY,
      '--period',
      '2020-01',
      '--format',
      'html',
      '-o',
      html,
    ]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('HTTP 404');
  });
});

const bin = path.resolve(__dirname, '../cli/dist/main.js');
(existsSync(bin) ? it : it.skip)(
  'the built bin exits with the documented code (child process smoke test)',
  async () => {
    const env = { ...process.env, HOME: dir, FIVESTAR_SERVER: stack.baseUrl, FIVESTAR_TOKEN: adminToken };
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'audit', 'verify', '--json'], {
      env,
    });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true });
    const failed = await promisify(execFile)(process.execPath, [bin, 'whoami'], {
      env: { ...env, FIVESTAR_TOKEN: 'fst_wrong' },
    }).catch((e: { code: number }) => e);
    expect((failed as { code: number }).code).toBe(3);
  },
);
