/**
 * Issue 12's "done when", end to end over HTTP on real Temporal, NATS and PostgreSQL: the province's
 * administrator imports a second city with a county (its coordinators and reviewers in the file); the
 * province's 专班 opens the year's campaign with a chain above the county (市复核 from four stars, 省抽查 of
 * every five-star claim, four stars named by the city, five by the province) and starts both counties'
 * rounds; a five-star claim in one county is re-checked by its city, spot-checked and named by the
 * province, a four-star claim in the other is re-checked and named by its city; the city's and the
 * province's rankings, the province's five-star list and bulletins show the figures that follow.
 */
import { DEMO_PASSWORD } from '@fivestar/api';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';
import { rural, allStars, fullScores } from './rural-sheets';

const YEAR = 2026;
const FIVE = '411099100201'; // 许昌市 示范县 城关镇
const FOUR = '410102001001'; // 郑州市 中原区 林山寨街道
const fourStars = allStars.filter((s) => s !== 'party');

let stack: Stack;
const users = new Map<string, Promise<ApiUser>>();
const as = (username: string) => {
  if (!users.has(username)) users.set(username, ApiUser.login(stack.baseUrl, username));
  return users.get(username)!;
};

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const person = (username: string, role: string, jurisdiction: string) => ({
  username,
  name: username,
  role,
  jurisdiction,
  password: DEMO_PASSWORD,
});

/** 郑州市 with 中原区 and one street of two communities' branches, and the people of every level. */
const zhengzhou = {
  province: { code: '41' },
  cities: [{ code: '4101', name: '郑州市' }],
  counties: [{ code: '410102', name: '中原区' }],
  townships: [{ code: '410102001', name: '林山寨街道', countyCode: '410102' }],
  branches: [1, 2].map((n) => ({
    code: `41010200100${n}`,
    name: `建设村${n}`,
    type: 'rural',
    townshipCode: '410102001',
    countyCode: '410102',
    weak: false,
  })),
  users: [
    person('coord-4101', 'coordinator', '4101'),
    person('city-4101-1', 'city_reviewer', '4101'),
    person('coord-410102', 'coordinator', '410102'),
    person('cty-410102-1', 'county_reviewer', '410102'),
    person('obs-410102-1', 'observer', '410102'),
    person('obs-410102-2', 'observer', '410102'),
    person('twp-410102001-1', 'township_reviewer', '410102001'),
    person(`sec-${FOUR}`, 'village_secretary', FOUR),
  ],
};

const chain = {
  cityRecheck: { minStars: 4, due: { seconds: 3600 } },
  provinceSpotCheck: { minStars: 5, share: 1, seed: '2026年度省抽查', due: { seconds: 3600 } },
  naming: [
    { fromLevel: 4, scope: 'city' },
    { fromLevel: 5, scope: 'province' },
  ],
};

/** Every requirement of the claimed stars answered by one uploaded PDF. */
async function selfCheck(roundId: string, branch: string, stars: string[]) {
  const secretary = await as(`sec-${branch}`);
  const url = `/api/rounds/${roundId}/branches/${branch}`;
  await eventually(
    () => secretary.get(url),
    (r) => r.body?.state?.step === 'SELF_CHECK',
  );
  const uploaded = await secretary.upload(
    `${url}/evidence?filename=records.pdf`,
    Buffer.from(`%PDF-1.4\n% ${branch}\n%%EOF\n`),
    'application/pdf',
  );
  expect(uploaded.status).toBe(201);
  const evidence = rural.stars
    .filter((s) => stars.includes(s.code))
    .flatMap((s) => s.tasks.flatMap((t) => t.evidence))
    .map((e) => ({ requirement: e.code, sha256: uploaded.body.sha256, filename: 'records.pdf' }));
  const submitted = await secretary.post(`${url}/self-check`, {
    scores: fullScores,
    targetStars: stars,
    evidence,
  });
  expect(submitted.body).toEqual({ step: 'TOWNSHIP_REVIEW', attempt: 1 });
}

const approve = (stars: string[]) => ({
  decision: 'approve',
  stars: stars.map((star) => ({ star, approved: true })),
});

/** Signs `step` of the branch as `username`, answering where the branch goes next. */
async function sign(roundId: string, branch: string, username: string, path: string, body: object) {
  const res = await (await as(username)).post(`/api/rounds/${roundId}/branches/${branch}/${path}`, body);
  expect([username, path, res.status]).toEqual([username, path, 200]);
  return res.body as { step: string; level?: number };
}

/** 村自评 → 乡镇审核 → 县级预审 → 现场观摩 (two observers), to the city's re-check. */
async function throughCounty(roundId: string, branch: string, stars: string[]) {
  const county = branch.slice(0, 6);
  await selfCheck(roundId, branch, stars);
  expect((await sign(roundId, branch, `twp-${branch.slice(0, 9)}-1`, 'review', approve(stars))).step).toBe(
    'COUNTY_PRE_REVIEW',
  );
  expect((await sign(roundId, branch, `cty-${county}-1`, 'review', approve(stars))).step).toBe(
    'ON_SITE_OBSERVATION',
  );
  await sign(roundId, branch, `obs-${county}-1`, 'observation', { scores: fullScores });
  await sign(roundId, branch, `obs-${county}-2`, 'observation', { scores: fullScores });
  expect((await sign(roundId, branch, `obs-${county}-1`, 'observation/close', {})).step).toBe('CITY_RECHECK');
}

test('a province of two cities runs to award through its city and province, and its figures follow', async () => {
  const imported = await (await as('admin-41')).post('/api/admin/users/import', zhengzhou);
  expect(imported.status).toBe(200);
  expect(imported.body.summary).toMatchObject({ created: zhengzhou.users.length, rejected: 0 });

  const province = await as('coord-41');
  const opened = await province.post('/api/campaigns', {
    provinceCode: '41',
    year: YEAR,
    title: '五星支部创建',
    schedule: quietSchedule(3600),
    chain,
  });
  expect(opened.status).toBe(201);
  const campaignId: string = opened.body.campaignId;
  const started = await province.post(`/api/campaigns/${campaignId}/rounds`, {
    countyCodes: ['411099', '410102'],
  });
  expect(started.status).toBe(200);
  const roundOf = (county: string) =>
    (started.body.started as { countyCode: string; roundId: string }[]).find((r) => r.countyCode === county)!
      .roundId;
  const [fiveRound, fourRound] = [roundOf('411099'), roundOf('410102')];

  // Five stars: the city re-checks, the draw (share 1) sends it to the province, the province names it.
  await throughCounty(fiveRound, FIVE, allStars);
  expect((await sign(fiveRound, FIVE, 'city-4110-1', 'review', approve(allStars))).step).toBe(
    'PROVINCE_SPOT_CHECK',
  );
  const drawn = (await (await as(`sec-${FIVE}`)).get(`/api/rounds/${fiveRound}/branches/${FIVE}`)).body.state;
  expect(drawn.spotCheck).toMatchObject({ level: 5, sampled: true });
  expect((await sign(fiveRound, FIVE, 'prov-41-1', 'review', approve(allStars))).step).toBe('AWARD');
  // Neither the county's nor the city's 专班 names five stars.
  for (const username of ['coord-411099', 'coord-4110']) {
    const refused = await (await as(username)).post(`/api/rounds/${fiveRound}/branches/${FIVE}/award`, {});
    expect([username, refused.status, refused.body.detail]).toEqual([
      username,
      403,
      '该操作需由省级专班办理',
    ]);
  }
  expect((await sign(fiveRound, FIVE, 'coord-41', 'award', {})).level).toBe(5);

  // Four stars: the city re-checks it and, below the province's pool, names it.
  await throughCounty(fourRound, FOUR, fourStars);
  expect((await sign(fourRound, FOUR, 'city-4101-1', 'review', approve(fourStars))).step).toBe('AWARD');
  expect((await sign(fourRound, FOUR, 'coord-4101', 'award', {})).level).toBe(4);

  // The province's ranking: 郑州 (2 branches, 4 stars) above 许昌 (the demo county's 30, 5 stars).
  const ranking = await eventually(
    () => province.get(`/api/rankings/areas?code=41&year=${YEAR}&campaignId=${campaignId}`),
    (r) => r.body?.area?.totalStars === 9 && r.body.area.branches === 32,
  );
  expect(
    ranking.body.children.map((c: any) => [c.rank, c.code, c.branches, c.totalStars, c.averageStars]),
  ).toEqual([
    [1, '4101', 2, 4, '2.00'],
    [2, '4110', 30, 5, '0.17'],
  ]);
  expect(ranking.body.area).toMatchObject({ branches: 32, totalStars: 9, threeStarsOrMoreShare: '6.25' });
  // The city's ranking: its county with its five-star branch.
  const city = await (
    await as('leader-4110')
  ).get(`/api/rankings/areas?code=4110&year=${YEAR}&campaignId=${campaignId}`);
  expect(city.body.children.map((c: any) => [c.code, c.totalStars])).toEqual([['411099', 5]]);
  // 通报表扬名单: the province's five-star branches.
  const list = await province.get(
    `/api/rankings/areas/five-star?code=41&year=${YEAR}&campaignId=${campaignId}`,
  );
  expect(list.body.branches.map((b: any) => [b.code, b.cityName, b.countyName])).toEqual([
    [FIVE, '许昌市', '示范县'],
  ]);

  // Progress over the campaign: the province by city, a city by county, a county's user narrowed to it.
  const progress = await eventually(
    () => province.get(`/api/campaigns/${campaignId}/progress`),
    (r) => r.body?.total === 32 && r.body.byStep.SELF_CHECK === 30,
  );
  expect(progress.body).toMatchObject({ code: '41', total: 32 });
  expect(progress.body.children.map((c: any) => [c.code, c.total])).toEqual([
    ['4101', 2],
    ['4110', 30],
  ]);
  expect(progress.body.byStep.SELF_CHECK).toBe(30);
  const xuchang = await (await as('leader-4110')).get(`/api/campaigns/${campaignId}/progress?code=4110`);
  expect(xuchang.body.children.map((c: any) => [c.code, c.total])).toEqual([['411099', 30]]);
  const own = await (await as('coord-410102')).get(`/api/campaigns/${campaignId}/progress`);
  expect(own.body).toMatchObject({ code: '410102', total: 2 });
  expect(own.body.children.map((c: any) => c.code)).toEqual(['410102001']);
  expect(
    (await (await as('coord-410102')).get(`/api/campaigns/${campaignId}/progress?code=4110`)).status,
  ).toBe(403);

  // The city's ledger (台账): its branches' tasks, the city's re-check among them, nobody else's.
  const ledger = await (await as('coord-4101')).get('/api/ledger?scope=4101&format=json');
  expect(ledger.status).toBe(200);
  const rows = ledger.body.rows as { branchId: string; step: string | null; status: string }[];
  expect(rows.every((r) => r.branchId.startsWith('4101'))).toBe(true);
  expect(rows).toContainEqual(
    expect.objectContaining({ branchId: FOUR, step: 'CITY_RECHECK', status: 'done' }),
  );
  expect((await (await as('coord-4101')).get('/api/ledger?scope=4110&format=json')).status).toBe(403);

  // The month's bulletins of the province and of a city, published by their own 专班.
  const period = new Date().toISOString().slice(0, 7);
  for (const [code, username] of [
    ['41', 'coord-41'],
    ['4101', 'coord-4101'],
  ] as const) {
    const coordinator = await as(username);
    const snapshot = await coordinator.post('/api/bulletins/snapshot', {
      code,
      period,
      year: YEAR,
      campaignId,
    });
    expect([code, snapshot.status]).toEqual([code, 200]);
    const published = await coordinator.post(`/api/bulletins/${code}/${period}/publish`, {});
    expect([code, published.status]).toEqual([code, 200]);
  }
  const bulletin = await (await as('leader-41')).get(`/api/bulletins/41/${period}`);
  expect(bulletin.status).toBe(200);
  expect(JSON.stringify(bulletin.body)).toContain('郑州市');
});
