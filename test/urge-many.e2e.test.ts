/**
 * 批量催办 end to end over HTTP on real Temporal, NATS and PostgreSQL: a township reviewer urges several
 * branches of a running round at once; each goes through the single urge's checks and workflow Update
 * (403 outside the township, 404 unknown, 409 inside the workflow's urge interval), a result per branch.
 */
import { demoCounty } from '@fivestar/api';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const A1 = '411099100201';
const A2 = '411099100202';
/** In the other rural township. */
const B1 = '411099200201';
/** Not in the directory. */
const UNKNOWN = '411099100299';

const schedule = quietSchedule(600);

let stack: Stack;
let roundId: string;
let coordinator: ApiUser, township: ApiUser, secretary: ApiUser;

beforeAll(async () => {
  // Two branches per township keep the launch short.
  stack = await startStack({ directory: demoCounty(COUNTY, 2) });
  roundId = `urge-many-${stack.runId}`;
  const login = (u: string) => ApiUser.login(stack.baseUrl, u);
  [coordinator, township, secretary] = await Promise.all([
    login(`coord-${COUNTY}`),
    login(`twp-${TOWNSHIP}-1`),
    login(`sec-${A1}`),
  ]);
  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '批量催办',
    schedule,
  });
  expect(started.status).toBe(201);
  for (const code of [A1, A2, B1])
    await eventually(
      async () => (await coordinator.get(`/api/rounds/${roundId}/branches/${code}`)).body?.state,
      (s) => s?.step === 'SELF_CHECK' && s.attempt === 1,
    );
});

afterAll(async () => {
  await stack?.stop();
});

const urge = (u: ApiUser, body: unknown) => u.post(`/api/rounds/${roundId}/urge`, body);

test('urges many branches, each as the single urge would, with a result per branch', async () => {
  // Bad input and the wrong role fail the whole call.
  const bad = await urge(township, { branchIds: [A1, 'x'] });
  expect(bad.status).toBe(400);
  expect(bad.type).toContain('application/problem+json');
  expect(bad.body.errors.map((e: any) => e.field)).toEqual(['body.branchIds.1']);
  expect((await urge(township, { branchIds: [] })).status).toBe(400);
  expect((await urge(secretary, { branchIds: [A1] })).status).toBe(403);

  // The township's own villages are urged; the other township's is not its to urge; a repeat counts once.
  const res = await urge(township, { branchIds: [A1, B1, A2, A1, UNKNOWN], note: '请尽快完成自评' });
  expect(res.status).toBe(200);
  expect(res.body.items.map((i: any) => [i.branchId, i.status])).toEqual([
    [A1, 200],
    [B1, 403],
    [A2, 200],
    [UNKNOWN, 404],
  ]);
  const [a1, b1] = res.body.items;
  expect(Date.parse(a1.lastUrgedAt)).toBeGreaterThan(Date.now() - 60_000);
  expect(b1.problem).toEqual({ title: '无权操作', detail: '您无权办理该支部的此环节' });

  // Inside the urge interval the workflow refuses a repeat, through the bulk and the single route alike.
  const again = await urge(township, { branchIds: [A1] });
  expect(again.body.items).toEqual([
    {
      branchId: A1,
      status: 409,
      problem: { title: '状态冲突', detail: expect.stringContaining('不能重复催办') },
    },
  ]);
  expect((await township.post(`/api/rounds/${roundId}/branches/${A2}/urge`, {})).status).toBe(409);

  // The county task force may urge the other township's village.
  const county = await urge(coordinator, { branchIds: [B1] });
  expect(county.body.items.map((i: any) => i.status)).toEqual([200]);

  // The urge reached the ledger as the single urge does (work.urged).
  await eventually(
    async () => (await secretary.get(`/api/tasks?roundId=${roundId}`)).body.items as any[],
    (t) => t.length === 1 && t[0].urgeCount === 1,
  );
});
