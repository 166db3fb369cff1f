/**
 * Starting a round with picked catalog versions and a subset of townships, over HTTP on the real stack
 * (API, services, a Temporal worker): the county's townships for the form, the 400s naming each field,
 * then a round of one township that pins an older catalog version and launches that township only,
 * across continue-as-new, and is ranked on that township alone.
 */
import { defaultCatalogFor, type Catalog } from '@fivestar/contracts';
import { defaultPayloadConverter } from '@temporalio/common';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const OTHER_TOWNSHIP = '411099200';
const CHINESE = /[\u4e00-\u9fff]/;

let stack: Stack;
let admin: ApiUser, coordinator: ApiUser, secretary: ApiUser;

/** The county's own rural catalog: the default under another id, at `version`. */
const countyRural = (version: number): Catalog => ({
  ...defaultCatalogFor('rural')!,
  id: `rural-${COUNTY}`,
  version,
  title: `示范县农村“五星”支部创建标准（第${version}版）`,
  example: false,
});

beforeAll(async () => {
  stack = await startStack();
  const login = (u: string) => ApiUser.login(stack.baseUrl, u);
  [admin, coordinator, secretary] = await Promise.all([
    login(`admin-${COUNTY}`),
    login(`coord-${COUNTY}`),
    login(`sec-${TOWNSHIP}201`),
  ]);
  for (const version of [1, 2]) {
    expect((await admin.post('/api/catalogs/import', countyRural(version))).status).toBe(201);
  }
});

afterAll(async () => {
  await stack?.stop();
});

const request = (roundId: string, extra: object = {}) => ({
  roundId,
  countyCode: COUNTY,
  year: 2026,
  title: '2026年度五星支部创建（城关镇）',
  schedule: quietSchedule(3600),
  ...extra,
});

test("the county townships with their branch counts, for the county's users only", async () => {
  const list = await coordinator.get(`/api/counties/${COUNTY}/townships`);
  expect(list.status).toBe(200);
  expect(list.body).toEqual({
    countyCode: COUNTY,
    items: [
      { code: '411099001', name: '新华街道', branches: 10 },
      { code: TOWNSHIP, name: '城关镇', branches: 10 },
      { code: OTHER_TOWNSHIP, name: '黄河乡', branches: 10 },
    ],
  });
  // Every user of the county reads them (the console's filters); another county's are refused.
  expect((await secretary.get(`/api/counties/${COUNTY}/townships`)).body).toEqual(list.body);
  expect((await coordinator.get('/api/counties/411098/townships')).status).toBe(403);
  expect((await coordinator.get('/api/counties/4110/townships')).body.errors).toEqual([
    expect.objectContaining({ field: 'path.countyCode' }),
  ]);
});

test.each([
  [
    'an unknown catalog',
    { catalogs: [{ id: 'rural-nowhere', version: 1 }] },
    [['body.catalogs.0.id', '目录 rural-nowhere 不存在']],
  ],
  [
    'a version never stored',
    {
      catalogs: [
        { id: 'urban-default', version: 1 },
        { id: `rural-${COUNTY}`, version: 7 },
      ],
    },
    [['body.catalogs.1.version', `目录 rural-${COUNTY} 没有第 7 版`]],
  ],
  [
    'two catalogs of one branch type',
    {
      catalogs: [
        { id: `rural-${COUNTY}`, version: 1 },
        { id: 'rural-default', version: 1 },
      ],
    },
    [
      [
        'body.catalogs.1.id',
        `目录 rural-default 与 rural-${COUNTY} 适用于同一类支部，每类支部只能选一个目录`,
      ],
    ],
  ],
  [
    'a version beyond what is stored (an int4)',
    { catalogs: [{ id: 'rural-default', version: 3_000_000_000 }] },
    [['body.catalogs.0.version', '版本号过大']],
  ],
  ['no township', { townshipCodes: [] }, [['body.townshipCodes', '至少选择一个乡镇']]],
  [
    'a township twice',
    { townshipCodes: [TOWNSHIP, OTHER_TOWNSHIP, TOWNSHIP] },
    [['body.townshipCodes.2', `乡镇 ${TOWNSHIP} 重复`]],
  ],
  [
    'a township of another county, with an unknown catalog',
    { townshipCodes: [TOWNSHIP, '411098100'], catalogs: [{ id: 'none', version: 1 }] },
    [
      ['body.catalogs.0.id', '目录 none 不存在'],
      ['body.townshipCodes.1', `乡镇 411098100 不是本县（${COUNTY}）的乡镇`],
    ],
  ],
])('%s is a 400 naming the field, and starts nothing', async (_, extra, expected) => {
  const roundId = `bad-${stack.runId}`;
  const r = await coordinator.post('/api/rounds', request(roundId, extra));
  expect(r.status).toBe(400);
  expect(r.type).toContain('application/problem+json');
  expect(r.body.errors.map((e: any) => [e.field, e.message])).toEqual(expected);
  expect(r.body.detail).toMatch(CHINESE);
  expect((await coordinator.get(`/api/rounds/${roundId}`)).status).toBe(404);
});

test('a round of one township pins the picked version and launches that township only', async () => {
  const roundId = `twp-${stack.runId}`;
  // Pages of 3, two pages per run: the township list must survive continue-as-new.
  const started = await coordinator.post(
    '/api/rounds',
    request(roundId, {
      catalogs: [{ id: `rural-${COUNTY}`, version: 1 }],
      townshipCodes: [TOWNSHIP],
      pageSize: 3,
      pagesPerRun: 2,
    }),
  );
  expect(started.status).toBe(201);
  // The rural pick replaces version 2 (in force); the other types keep theirs.
  const pinned = [
    { id: `rural-${COUNTY}`, version: 1 },
    { id: 'urban-default', version: 1 },
    { id: 'organ-default', version: 1 },
    { id: 'enterprise-default', version: 1 },
  ];
  expect(started.body.catalogs).toEqual(pinned);

  const round = await eventually(
    () => coordinator.get(`/api/rounds/${roundId}`),
    (r) => r.body?.progress?.launchDone === true,
    60_000,
  );
  expect(round.body.catalogs).toEqual(pinned);
  expect(round.body.townshipCodes).toEqual([TOWNSHIP]);
  // Only 城关镇's 10 branches are read (pages of 3: four), all started; the others are never read.
  expect(round.body.progress).toMatchObject({ pages: 4, launched: 10, skipped: 0 });
  expect(round.body.progress.runs).toBeGreaterThan(1);

  const inside = await stack.temporal.workflow
    .getHandle(`round/${roundId}/branch/${TOWNSHIP}201`)
    .fetchHistory();
  const payload = inside.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  const input = defaultPayloadConverter.fromPayload(payload) as { catalog: Catalog };
  expect([input.catalog.id, input.catalog.version]).toEqual([`rural-${COUNTY}`, 1]);
  expect((await coordinator.get(`/api/rounds/${roundId}/branches/${OTHER_TOWNSHIP}201`)).status).toBe(404);

  // The tasks service's progress counts the township's branches only.
  const progress = await eventually(
    () => coordinator.get(`/api/rounds/${roundId}/progress`),
    (r) => r.body?.total === 10,
  );
  expect(progress.body.townships.map((t: any) => [t.townshipCode, t.total])).toEqual([[TOWNSHIP, 10]]);

  // `round.started` carries the scope: the ranking counts the township's branches only.
  const ranking = await eventually(
    () => coordinator.get(`/api/rankings?countyCode=${COUNTY}&roundId=${roundId}`),
    (r) => r.body?.round?.id === roundId,
  );
  expect(ranking.body.county.branches).toBe(10);
  expect(ranking.body.townships.map((t: any) => [t.code, t.branches])).toEqual([[TOWNSHIP, 10]]);
});
