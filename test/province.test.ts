/**
 * The tree above the county on the real stack (issue 12, items 1, 2 and 4): the province's administrator
 * imports a province of two cities (a dry run first, then for real, then again changing nothing), onboards
 * a city whose administrator onboards a county; users are placed at every level; the province's 专班
 * opens the year's campaign and starts the counties' rounds under it, which the province's and a city's
 * users list and a read-only leader may read but not steer.
 */
import { DEMO_PASSWORD } from '@fivestar/api';
import { startStack, withDb, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const DEMO_COUNTY = '411099';
const YEAR = new Date().getFullYear();

let stack: Stack;
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: any;
}

async function token(username: string, password = DEMO_PASSWORD): Promise<string> {
  const known = tokens.get(username);
  if (known) return known;
  const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect([username, res.status]).toEqual([username, 200]);
  const t = ((await res.json()) as { token: string }).token;
  tokens.set(username, t);
  return t;
}

async function call(username: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${stack.baseUrl}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await token(username)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const user = (username: string, role: string, jurisdiction: string) => ({
  username,
  name: username,
  role,
  jurisdiction,
  password: DEMO_PASSWORD,
});

/** Henan in small: 郑州 with two districts, 许昌 with the demo county, a district and a city-run unit (市直). */
const province = {
  province: { code: '41', name: '河南省' },
  cities: [
    { code: '4101', name: '郑州市' },
    { code: '4110', name: '许昌市' },
  ],
  counties: [
    { code: '410102', name: '中原区' },
    { code: '410103', name: '二七区' },
    { code: '411002', name: '魏都区' },
  ],
  townships: [
    { code: '410102001', name: '林山寨街道', countyCode: '410102' },
    { code: '410103001', name: '淮河路街道', countyCode: '410103' },
    { code: '411002001', name: '西大街道', countyCode: '411002' },
    { code: '411000001', name: '许昌市直属机关工委', countyCode: '411000', kind: 'unit' },
  ],
  branches: [
    ...['410102001', '410103001', '411002001'].flatMap((t) =>
      [1, 2].map((n) => ({
        code: `${t}00${n}`,
        name: `${t}-${n}社区`,
        type: 'urban',
        townshipCode: t,
        countyCode: t.slice(0, 6),
        weak: false,
      })),
    ),
    {
      code: '411000001001',
      name: '市财政局机关党支部',
      type: 'organ',
      townshipCode: '411000001',
      countyCode: '411000',
      weak: false,
    },
  ],
  users: [
    user('coord-4101', 'coordinator', '4101'),
    user('city-4101-1', 'city_reviewer', '4101'),
    user('admin-410102', 'admin', '410102'),
    user('coord-410102', 'coordinator', '410102'),
    user('leader-410102', 'leader', '410102'),
    user('twp-410102001-1', 'township_reviewer', '410102001'),
    user('twp-411000001-1', 'township_reviewer', '411000001'),
    user('sec-411000001001', 'village_secretary', '411000001001'),
    // Refused on its own row: outside the province.
    user('coord-42', 'coordinator', '42'),
  ],
};

describe('a province directory', () => {
  it('is checked in a dry run that stores nothing, then imported, then imported again changing nothing', async () => {
    const dry = await call('admin-41', 'POST', '/admin/users/import?dryRun=true', province);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      root: '41',
      cities: { created: 1, existing: 1 },
      counties: { created: 3, existing: 0 },
      townships: { created: 4, existing: 0 },
      branches: { created: 7, existing: 0 },
      summary: { created: 8, rejected: 1 },
      published: 0,
    });
    expect(dry.body.results[8]).toMatchObject({
      username: 'coord-42',
      outcome: 'rejected',
      errors: [{ field: 'body.users.8.jurisdiction' }],
    });
    const stored = () =>
      withDb(stack, 'api', async (db) => ({
        cities: (await db.selectFrom('cities').select(['code', 'name']).orderBy('code').execute()).map(
          (c) => `${c.code} ${c.name}`,
        ),
        counties: (await db.selectFrom('counties').select(['code', 'name']).orderBy('code').execute()).map(
          (c) => `${c.code} ${c.name}`,
        ),
        units: (await db.selectFrom('townships').select('code').where('kind', '=', 'unit').execute()).map(
          (t) => t.code,
        ),
      }));
    expect(await stored()).toEqual({
      cities: ['4110 许昌市'],
      counties: [`${DEMO_COUNTY} 示范县`],
      units: [],
    });

    const done = await call('admin-41', 'POST', '/admin/users/import', province);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ dryRun: false, summary: { created: 8, rejected: 1 } });
    // Every branch of the province (the demo county's 30 and these 7) and every user inside it is announced.
    expect(done.body.published).toBeGreaterThanOrEqual(37 + 8);
    expect(await stored()).toEqual({
      cities: ['4101 郑州市', '4110 许昌市'],
      // The city-run unit's own level (市直) is made for it, named after the city.
      counties: [
        '410102 中原区',
        '410103 二七区',
        '411000 许昌市直',
        '411002 魏都区',
        `${DEMO_COUNTY} 示范县`,
      ],
      units: ['411000001'],
    });

    const again = await call('admin-41', 'POST', '/admin/users/import', province);
    expect(again.body).toMatchObject({
      cities: { created: 0, existing: 2 },
      counties: { created: 0, existing: 3 },
      townships: { created: 0, existing: 4 },
      branches: { created: 0, existing: 7 },
      renamed: [],
      summary: { created: 0, updated: 0, unchanged: 8, rejected: 1 },
    });
    // The new users sign in at their levels.
    expect(await token('coord-4101')).toBeTruthy();
    expect(await token('sec-411000001001')).toBeTruthy();
  });

  it('refuses places outside the file or out of their parents, naming the field', async () => {
    const outside = await call('admin-41', 'POST', '/admin/users/import?dryRun=true', {
      ...province,
      counties: [{ code: '420102', name: '江岸区' }],
      townships: [{ code: '410199001', name: '错位街道', countyCode: '410102' }],
    });
    expect(outside.status).toBe(400);
    expect(outside.body.errors).toEqual([
      { field: 'body.counties.0.code', message: '不属于省 41' },
      { field: 'body.townships.0.countyCode', message: '代码与所属上级不符' },
    ]);
    // A city's administrator may not import the province.
    const city = await call('admin-4110', 'POST', '/admin/users/import?dryRun=true', province);
    expect(city.status).toBe(400);
    expect(city.body.errors).toContainEqual({ field: 'body.province.code', message: '不在您的管辖范围内' });
  });

  it('renames a city in the history when a re-import names it anew', async () => {
    const renamed = await call('admin-41', 'POST', '/admin/users/import', {
      province: { code: '41' },
      cities: [{ code: '4101', name: '郑州市（新）' }],
      users: [user('coord-4101', 'coordinator', '4101')],
    });
    expect(renamed.body.renamed).toEqual([
      { level: 'city', code: '4101', from: '郑州市', to: '郑州市（新）' },
    ]);
    const back = await call('admin-41', 'POST', '/admin/users/import', {
      province: { code: '41' },
      cities: [{ code: '4101', name: '郑州市' }],
      users: [user('coord-4101', 'coordinator', '4101')],
    });
    expect(back.body.renamed).toEqual([{ level: 'city', code: '4101', from: '郑州市（新）', to: '郑州市' }]);
    const history = await withDb(stack, 'api', (db) =>
      db
        .selectFrom('directory_changes')
        .select(['county_code', 'level', 'code'])
        .where('code', '=', '4101')
        .execute(),
    );
    expect(history).toEqual([
      { county_code: null, level: 'city', code: '4101' },
      { county_code: null, level: 'city', code: '4101' },
    ]);
  });
});

describe('onboarding and roles at every level', () => {
  it('the province onboards a city, whose administrator onboards a county of its own only', async () => {
    const city = await call('admin-41', 'POST', '/admin/areas', {
      code: '4102',
      name: '开封市',
      admin: { username: 'admin-4102', name: '开封市管理员', password: DEMO_PASSWORD },
    });
    expect(city.status).toBe(201);
    expect(city.body).toMatchObject({
      level: 'city',
      code: '4102',
      created: true,
      admin: { username: 'admin-4102', role: 'admin', jurisdiction: '4102' },
    });
    const county = await call('admin-4102', 'POST', '/admin/areas', {
      code: '410202',
      name: '龙亭区',
      admin: { username: 'admin-410202', name: '龙亭区管理员', password: DEMO_PASSWORD },
    });
    expect(county.status).toBe(201);
    expect(county.body).toMatchObject({ level: 'county', created: true });
    expect(await token('admin-410202')).toBeTruthy();

    const neighbour = await call('admin-4102', 'POST', '/admin/areas', {
      code: '410104',
      name: '管城区',
      admin: { username: 'admin-410104', name: '管城区管理员', password: DEMO_PASSWORD },
    });
    expect(neighbour.status).toBe(403);
    const sideways = await call(`admin-${DEMO_COUNTY}`, 'POST', '/admin/areas', {
      code: '411003',
      name: '建安区',
      admin: { username: 'admin-411003', name: '建安区管理员', password: DEMO_PASSWORD },
    });
    expect(sideways.status).toBe(403);
    // A taken username leaves the directory as it was.
    const taken = await call('admin-41', 'POST', '/admin/areas', {
      code: '4103',
      name: '洛阳市',
      admin: { username: 'admin-4102', name: '重名', password: DEMO_PASSWORD },
    });
    expect(taken.status).toBe(409);
    const luoyang = await withDb(stack, 'api', (db) =>
      db.selectFrom('cities').select('code').where('code', '=', '4103').executeTakeFirst(),
    );
    expect(luoyang).toBeUndefined();
  });

  it('places each role at the levels it is held at', async () => {
    const create = (role: string, jurisdiction: string, username: string) =>
      call('admin-41', 'POST', '/admin/users', { ...user(username, role, jurisdiction) });
    expect((await create('leader', '4110', 'leader-4110-b')).status).toBe(201);
    expect((await create('observer', '4101', 'obs-4101-1')).status).toBe(201);
    expect((await create('province_reviewer', '41', 'prov-41-2')).status).toBe(201);
    const wrong = await create('city_reviewer', DEMO_COUNTY, 'city-wrong');
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ field: 'body.jurisdiction', message: '辖区层级与角色不符' }]);
    // A city's administrator manages its own city's users only.
    const listed = await call('admin-4110', 'GET', '/admin/users');
    expect(listed.status).toBe(200);
    expect(listed.body.items.every((u: { jurisdiction: string }) => u.jurisdiction.startsWith('4110'))).toBe(
      true,
    );
    expect(listed.body.items.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(['leader-4110', 'coord-4110', `coord-${DEMO_COUNTY}`]),
    );
    expect((await call('admin-4110', 'GET', '/admin/users?jurisdiction=4101')).status).toBe(403);
  });
});

describe('the campaign', () => {
  const campaignId = `41-${YEAR}`;
  const open = (username: string) =>
    call(username, 'POST', '/campaigns', {
      provinceCode: '41',
      year: YEAR,
      title: '五星支部创建',
      schedule: quietSchedule(600),
    });

  it('is opened by the province task force only, once a year', async () => {
    expect((await open(`coord-${DEMO_COUNTY}`)).status).toBe(403);
    expect((await open('leader-41')).status).toBe(403);
    const opened = await open('coord-41');
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ campaignId, provinceCode: '41', year: YEAR });
    expect(opened.body.catalogs.length).toBeGreaterThanOrEqual(2);
    expect(opened.body.counties.withRound).toBe(0);
    expect((await open('coord-41')).status).toBe(409);
  });

  it("starts the counties' rounds under it, each once; a county's own start may not pick other catalogs", async () => {
    const counties = [DEMO_COUNTY, '410102'];
    const started = await call('coord-41', 'POST', `/campaigns/${campaignId}/rounds`, {
      countyCodes: counties,
    });
    expect(started.status).toBe(200);
    expect(started.body.started).toEqual(
      counties.map((countyCode) => ({
        countyCode,
        roundId: expect.stringMatching(new RegExp(`^${campaignId}-${countyCode}-[0-9a-f]{4}$`)),
      })),
    );
    const roundOf = (county: string) =>
      (started.body.started as { countyCode: string; roundId: string }[]).find(
        (r) => r.countyCode === county,
      )!.roundId;
    const again = await call('coord-41', 'POST', `/campaigns/${campaignId}/rounds`, {
      countyCodes: counties,
    });
    expect(again.body).toMatchObject({ started: [], skipped: started.body.started });
    const unknown = await call('coord-41', 'POST', `/campaigns/${campaignId}/rounds`, {
      countyCodes: ['420102'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { field: 'body.countyCodes.0', message: '县 420102 不在本省目录中' },
    ]);
    expect((await call('coord-4101', 'POST', `/campaigns/${campaignId}/rounds`, {})).status).toBe(403);

    const own = await call('coord-410102', 'POST', '/rounds', {
      roundId: `own-410102-${stack.runId}`,
      countyCode: '410102',
      year: YEAR,
      title: '自行启动',
      campaignId,
      catalogs: [{ id: 'rural-example', version: 1 }],
    });
    expect(own.status).toBe(400);
    expect(own.body.errors).toEqual([
      { field: 'body.catalogs', message: '省级创建活动下的轮次使用活动确定的目录，不能另选' },
    ]);

    // The province's and the city's users list the rounds of their counties; a county's its own.
    const ids = async (username: string) =>
      (
        (await call(username, 'GET', '/rounds')).body.items as {
          roundId: string;
          campaignId: string | null;
        }[]
      )
        .filter((r) => r.campaignId === campaignId)
        .map((r) => r.roundId)
        .sort();
    expect(await ids('leader-41')).toEqual([roundOf('410102'), roundOf(DEMO_COUNTY)]);
    expect(await ids('coord-4110')).toEqual([roundOf(DEMO_COUNTY)]);
    expect(await ids('coord-410102')).toEqual([roundOf('410102')]);
    const view = await call('coord-4101', 'GET', `/campaigns/${campaignId}`);
    expect(view.status).toBe(200);
    expect(view.body.counties).toEqual({ total: 6, withRound: 2 });
  });
});
