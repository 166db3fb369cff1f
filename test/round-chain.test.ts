/**
 * The chain template (docs/rounds.md) is the province's, set in its campaign (docs/hierarchy.md): a
 * county's task force cannot set it on its own round, it is checked in Chinese field by field, and the
 * campaign's rounds hand it to every branch workflow they launch.
 */
import { branchWorkflowId } from '@fivestar/contracts/workflow';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = `${COUNTY}100`;
const YEAR = 2026;
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
  province = await ApiUser.login(stack.baseUrl, 'coord-41');
});

afterAll(async () => {
  await stack?.stop();
});

const openCampaign = (body: object) =>
  province.post('/api/campaigns', {
    provinceCode: '41',
    year: YEAR,
    title: '五星支部创建',
    schedule: quietSchedule(3600),
    ...body,
  });

test('a county task force cannot set the chain above it', async () => {
  const res = await county.post('/api/rounds', {
    roundId: `chain-county-${stack.runId}`,
    countyCode: COUNTY,
    year: YEAR,
    title: '2026年度创建',
    townshipCodes: [TOWNSHIP],
    chain,
  });
  expect(res.status).toBe(403);
  expect(res.body.detail).toBe('评星链路模板由省级专班在创建活动中设定');
});

test('a template is checked field by field, in Chinese', async () => {
  const res = await openCampaign({
    chain: { ...chain, provinceSpotCheck: { ...chain.provinceSpotCheck, share: 1.5, seed: '' } },
  });
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([
    { field: 'body.chain.provinceSpotCheck.share', message: '抽查比例应在0至1之间' },
    { field: 'body.chain.provinceSpotCheck.seed', message: '请填写抽查种子' },
  ]);
});

test("the campaign's template reaches every branch its rounds launch", async () => {
  const opened = await openCampaign({ chain });
  expect(opened.status).toBe(201);
  expect(opened.body.chain).toEqual({ observers: ['county', 'city'], ...chain });
  const res = await province.post(`/api/campaigns/${opened.body.campaignId}/rounds`, {
    countyCodes: [COUNTY],
  });
  expect(res.status).toBe(200);
  const { roundId } = (res.body.started as { roundId: string }[])[0]!;
  const branches = await county.get(`/api/counties/${COUNTY}/branches`);
  const code = (branches.body.items as { code: string; townshipCode: string }[]).find(
    (b) => b.townshipCode === TOWNSHIP,
  )!.code;
  // The branch's run of this round: a closed run of an earlier test's round may hold the same id.
  const handle = stack.temporal.workflow.getHandle(branchWorkflowId(roundId, code));
  const run = await eventually(
    () => handle.describe().catch(() => null),
    (d) => d !== null && d.taskQueue === stack.config.taskQueue,
  );
  const started = await stack.temporal.workflow.getHandle(run!.workflowId, run!.runId).fetchHistory();
  const [payload] = started!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
  const input = stack.temporal.options.loadedDataConverter.payloadConverter.fromPayload<{ chain: object }>(
    payload!,
  );
  expect(input.chain).toEqual({ observers: ['county', 'city'], ...chain });
});
