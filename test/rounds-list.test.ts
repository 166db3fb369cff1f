/**
 * The lists the console picks from instead of typed codes, over HTTP on the real stack: GET /api/rounds
 * (the caller's county's rounds, newest first, for every signed-in user of it and nobody else's), the
 * county's townships for every user of the county, and the ledger's rows with their village's name.
 */
import { demoCounty } from '@fivestar/api';
import { ApiUser, eventually, loadCounty, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = `${TOWNSHIP}201`;
const OTHER_COUNTY = '411098';

let stack: Stack;
let coordinator: ApiUser;
const rounds: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  await loadCounty(stack.config, demoCounty(OTHER_COUNTY, 1));
  coordinator = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
  // The whole county first, then one township: the list answers the second first.
  for (const [suffix, extra] of [
    ['a', {}],
    ['b', { townshipCodes: [TOWNSHIP] }],
  ] as const) {
    const roundId = `list-${stack.runId}-${suffix}`;
    const started = await coordinator.post('/api/rounds', {
      roundId,
      countyCode: COUNTY,
      year: 2026,
      title: `2026年度五星支部创建（${suffix}）`,
      schedule: quietSchedule(3600),
      ...extra,
    });
    expect(started.status).toBe(201);
    rounds.push(roundId);
  }
});

afterAll(async () => {
  await stack?.stop();
});

test("every user of the county lists its rounds, newest first; another county's coordinator does not", async () => {
  const [whole, one] = rounds;
  const expected = {
    items: [
      {
        roundId: one,
        title: '2026年度五星支部创建（b）',
        year: 2026,
        countyCode: COUNTY,
        townshipCodes: [TOWNSHIP],
        startedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        campaignId: null,
      },
      {
        roundId: whole,
        title: '2026年度五星支部创建（a）',
        year: 2026,
        countyCode: COUNTY,
        townshipCodes: null,
        startedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        campaignId: null,
      },
    ],
  };
  for (const username of [`coord-${COUNTY}`, `twp-${TOWNSHIP}-1`, `sec-${BRANCH}`, `obs-${COUNTY}-1`]) {
    const list = await (await ApiUser.login(stack.baseUrl, username)).get('/api/rounds');
    expect([username, list.status, list.body]).toEqual([username, 200, expected]);
  }
  const other = await (await ApiUser.login(stack.baseUrl, `coord-${OTHER_COUNTY}`)).get('/api/rounds');
  expect(other.body).toEqual({ items: [] });
  // The city's and the province's users list the rounds of their counties.
  for (const username of ['leader-4110', 'coord-41']) {
    const list = await (await ApiUser.login(stack.baseUrl, username)).get('/api/rounds');
    expect([username, list.status, list.body]).toEqual([username, 200, expected]);
  }
  expect((await fetch(`${stack.baseUrl}/api/rounds`)).status).toBe(401);
});

test("the county's townships for every user of the county, and not for another county's", async () => {
  const names = ['新华街道', '城关镇', '黄河乡'];
  for (const username of [`twp-${TOWNSHIP}-1`, `sec-${BRANCH}`, `cty-${COUNTY}-1`]) {
    const user = await ApiUser.login(stack.baseUrl, username);
    const list = await user.get(`/api/counties/${COUNTY}/townships`);
    expect([username, list.status]).toEqual([username, 200]);
    expect(list.body.items.map((tw: { name: string }) => tw.name)).toEqual(names);
    expect((await user.get(`/api/counties/${OTHER_COUNTY}/townships`)).status).toBe(403);
  }
});

test("the ledger's rows carry their village's name from the directory", async () => {
  const directory = new Map(demoCounty(COUNTY).branches.map((b) => [b.code, b.name]));
  const ledger = await eventually(
    () => coordinator.get(`/api/ledger?roundId=${rounds[1]}`),
    (r) => r.body?.rows?.length === 10,
    60_000,
  );
  expect(ledger.status).toBe(200);
  for (const row of ledger.body.rows as { branchId: string; branchName: string | null }[])
    expect([row.branchId, row.branchName]).toEqual([row.branchId, directory.get(row.branchId)]);
  expect(ledger.body.rows.map((r: { branchId: string }) => r.branchId)).toContain(BRANCH);
});
