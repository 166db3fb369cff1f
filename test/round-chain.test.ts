/**
 * The start request's chain template (docs/rounds.md): only the province's task force sets it, it is
 * checked in Chinese field by field, and the round hands it to every branch workflow it launches.
 */
import { randomUUID } from 'node:crypto';
import { branchWorkflowId } from '@fivestar/contracts/workflow';
import { ApiUser, eventually, startStack, withDb, type Stack } from './harness';

const COUNTY = '411099';
const TOWNSHIP = `${COUNTY}100`;
const chain = {
  cityRecheck: { minStars: 4, due: { workingDays: 5 } },
  provinceSpotCheck: { minStars: 5, share: 0.3, seed: '2026年度省抽查', due: { workingDays: 5 } },
  naming: [
    { fromLevel: 4, scope: 'city' },
    { fromLevel: 5, scope: 'province' },
  ],
};

let stack: Stack;
let county: ApiUser;
let province: ApiUser;

beforeAll(async () => {
  stack = await startStack();
  county = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
  // The province's task force: the county coordinator's row (and password) at the province's code.
  await withDb(stack, 'api', (db) =>
    db
      .insertInto('users')
      .columns(['id', 'username', 'password_hash', 'name', 'role', 'jurisdiction', 'active'])
      .expression(
        db
          .selectFrom('users')
          .select((eb) => [
            eb.val(randomUUID()).as('id'),
            eb.val('coord-41').as('username'),
            'password_hash',
            eb.val('省级专班').as('name'),
            'role',
            eb.val('41').as('jurisdiction'),
            'active',
          ])
          .where('username', '=', `coord-${COUNTY}`),
      )
      .execute(),
  );
  province = await ApiUser.login(stack.baseUrl, 'coord-41');
});

afterAll(async () => {
  await stack?.stop();
});

const start = (user: ApiUser, roundId: string, body: object) =>
  user.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '2026年度创建',
    townshipCodes: [TOWNSHIP],
    ...body,
  });

test('a county task force cannot set the chain above it', async () => {
  const res = await start(county, `chain-county-${stack.runId}`, { chain });
  expect(res.status).toBe(403);
  expect(res.body.detail).toBe('评星链路模板由省级专班设定');
});

test('a template is checked field by field, in Chinese', async () => {
  const res = await start(province, `chain-bad-${stack.runId}`, {
    chain: { ...chain, provinceSpotCheck: { ...chain.provinceSpotCheck, share: 1.5, seed: '' } },
  });
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([
    { field: 'body.chain.provinceSpotCheck.share', message: '抽查比例应在0至1之间' },
    { field: 'body.chain.provinceSpotCheck.seed', message: '请填写抽查种子' },
  ]);
});

test("the province's template reaches every branch the round launches", async () => {
  const roundId = `chain-${stack.runId}`;
  const res = await start(province, roundId, { chain });
  expect(res.status).toBe(201);
  const branches = await county.get(`/api/counties/${COUNTY}/branches`);
  const code = (branches.body.items as { code: string; townshipCode: string }[]).find(
    (b) => b.townshipCode === TOWNSHIP,
  )!.code;
  const started = await eventually(
    () =>
      stack.temporal.workflow
        .getHandle(branchWorkflowId(roundId, code))
        .fetchHistory()
        .catch(() => null),
    (h) => h !== null,
  );
  const [payload] = started!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
  const input = stack.temporal.options.loadedDataConverter.payloadConverter.fromPayload<{ chain: object }>(
    payload!,
  );
  expect(input.chain).toEqual({ observers: ['county', 'city'], ...chain });
});
