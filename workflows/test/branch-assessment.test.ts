/**
 * Every rule path of `branchAssessment` in seconds: the real workflow code on the Temporal dev server with
 * in-memory activities (./env.ts), short durations given in the round's schedule. Asserts what callers
 * see: the Update answers and refusals, the state query and the events the workflow published.
 */
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  catalogTasks,
  defaultCatalogFor,
  type Actor,
  type Branch,
  type BranchState,
  type RoundSchedule,
} from '@fivestar/contracts';
import {
  branchStateQuery,
  branchWorkflowId,
  closeObservationUpdate,
  confirmAwardUpdate,
  decideExtensionUpdate,
  decideRevocationUpdate,
  recordObservationUpdate,
  requestExtensionUpdate,
  reviewUpdate,
  submitSelfCheckUpdate,
  upholdObjectionUpdate,
  type BranchAssessmentInput,
} from '@fivestar/contracts/workflow';
import type { branchAssessment } from '../src/workflows';
import { startWorkflowEnv, type WorkflowEnv } from './env';
import {
  BRANCH,
  coordinator,
  county,
  eventually,
  observers,
  refusal,
  schedule,
  seconds,
  secretary,
  township,
} from './support';

const rural = defaultCatalogFor('rural')!;
const allStars = rural.stars.map((s) => s.code);
const fullScores = Object.fromEntries(catalogTasks(rural).map((t) => [t.code, t.points]));
const evidence = catalogTasks(rural).flatMap((t) =>
  t.evidence.map((e) => ({ requirement: e.code, sha256: 'a'.repeat(64), filename: 'records.pdf' })),
);
let env: WorkflowEnv;
beforeAll(async () => {
  env = await startWorkflowEnv();
});
afterAll(async () => {
  await env?.stop();
});

type Branchflow = WorkflowHandle<typeof branchAssessment>;
async function start(roundSchedule: RoundSchedule, branch: Branch = BRANCH): Promise<Branchflow> {
  const roundId = `wf-${randomBytes(4).toString('hex')}`;
  const input: BranchAssessmentInput = { roundId, branch, catalog: rural, schedule: roundSchedule };
  return env.client.workflow.start<typeof branchAssessment>('branchAssessment', {
    taskQueue: env.taskQueue,
    workflowId: branchWorkflowId(roundId, branch.code),
    args: [input],
  });
}

const state = (h: Branchflow) => h.query(branchStateQuery);

/** The self-check step is open (its deadline planned). */
const opened = (h: Branchflow) =>
  eventually(
    () => state(h),
    (s) => s.attempt === 1 && s.deadline !== null,
  );
const published = (h: Branchflow, type: Parameters<WorkflowEnv['events']>[1]) =>
  eventually(
    () => env.events(h.workflowId, type),
    (e) => e.length > 0,
  );

const selfCheck = (h: Branchflow, actor = secretary) =>
  h.executeUpdate(submitSelfCheckUpdate, {
    args: [{ scores: fullScores, targetStars: allStars, evidence, actor }],
  });
const approve = (h: Branchflow, actor: Actor, findings: { title: string }[] = []) =>
  h.executeUpdate(reviewUpdate, {
    args: [
      {
        decision: 'approve',
        stars: allStars.map((star) => ({ star, approved: true })),
        vetoes: [],
        findings,
        actor,
      },
    ],
  });
async function observe(h: Branchflow) {
  for (const actor of observers) {
    await h.executeUpdate(recordObservationUpdate, {
      args: [{ scores: fullScores, vetoes: [], findings: [], actor }],
    });
  }
  return h.executeUpdate(closeObservationUpdate, { args: [{ actor: observers[0]! }] });
}
/** Self-check, both reviews (the township's with `findings`) and the observation: the branch awaits its award. */
async function toAward(h: Branchflow, findings: { title: string }[] = []) {
  await opened(h);
  await selfCheck(h);
  await approve(h, township, findings);
  await approve(h, county);
  expect(await observe(h)).toEqual({ step: 'AWARD', attempt: 1 });
}
const award = (h: Branchflow, actor: Actor = coordinator) =>
  h.executeUpdate(confirmAwardUpdate, { args: [{ actor }] });

test('a sign-off sent as the branch starts is refused until its step begins, or taken: never accepted and lost', async () => {
  // A weak branch starts its 整顿 before the self-check opens: the window an early sign-off fell into.
  const h = await start(schedule(), { ...BRANCH, weak: true });
  const early = await selfCheck(h).then(
    (answer) => ({ answer }),
    (err: unknown) => ({ err }),
  );
  if ('answer' in early) {
    expect(early.answer).toEqual({ step: 'TOWNSHIP_REVIEW', attempt: 1 });
    expect((await state(h)).selfCheck).not.toBeNull();
  } else {
    expect((await refusal(Promise.reject(early.err))).type).toBe('WrongStep');
    await opened(h);
    expect(await selfCheck(h)).toEqual({ step: 'TOWNSHIP_REVIEW', attempt: 1 });
  }
  expect((await state(h)).step).toBe('TOWNSHIP_REVIEW');
});

test('退回: a review returns the branch for rework; the Update answers with the step reopened', async () => {
  const h = await start(schedule());
  await opened(h);
  expect(await selfCheck(h)).toEqual({ step: 'TOWNSHIP_REVIEW', attempt: 1 });
  const returned = await h.executeUpdate(reviewUpdate, {
    args: [
      {
        decision: 'return',
        returnTo: 'SELF_CHECK',
        reasons: ['产业兴旺星佐证材料不全'],
        stars: [],
        vetoes: [],
        findings: [],
        actor: township,
      },
    ],
  });
  expect(returned).toEqual({ step: 'SELF_CHECK', attempt: 2 });
  const [event] = await published(h, 'branch.step_returned');
  expect(event).toMatchObject({
    actor: township,
    data: {
      step: 'TOWNSHIP_REVIEW',
      attempt: 1,
      closes: `${h.workflowId}/TOWNSHIP_REVIEW/1`,
      toStep: 'SELF_CHECK',
      reasons: ['产业兴旺星佐证材料不全'],
    },
  });
  const reopened = await eventually(
    () => env.events(h.workflowId, 'branch.step_opened'),
    (e) => e.length === 3,
  );
  expect(reopened.map((e) => (e.data as { work: { key: string } }).work.key)).toEqual([
    `${h.workflowId}/SELF_CHECK/1`,
    `${h.workflowId}/TOWNSHIP_REVIEW/1`,
    `${h.workflowId}/SELF_CHECK/2`,
  ]);
  const s = await state(h);
  expect(s).toMatchObject({ step: 'SELF_CHECK', attempt: 2 });
  expect(s.timeline.find((e) => e.action === 'returned')).toMatchObject({
    step: 'TOWNSHIP_REVIEW',
    actor: { userId: township.userId },
    detail: 'SELF_CHECK',
    reasons: ['产业兴旺星佐证材料不全'],
  });
  expect(await selfCheck(h)).toEqual({ step: 'TOWNSHIP_REVIEW', attempt: 2 });
});

test('a refused Update carries its type and a detail naming the field; nothing changes', async () => {
  const h = await start(schedule());
  await opened(h);
  expect(await refusal(approve(h, township))).toEqual({
    type: 'WrongStep',
    details: [{ message: '当前环节为村自评，不在审核环节' }],
  });
  expect(
    await refusal(
      h.executeUpdate(submitSelfCheckUpdate, {
        args: [{ scores: fullScores, targetStars: ['moon'], evidence, actor: secretary }],
      }),
    ),
  ).toEqual({ type: 'Invalid', details: [{ field: 'targetStars', message: '星级代码不存在：moon' }] });
  await selfCheck(h);
  const undecided = h.executeUpdate(reviewUpdate, {
    args: [{ decision: 'approve', stars: [], vetoes: [], findings: [], actor: township }],
  });
  expect(await refusal(undecided)).toEqual({
    type: 'Invalid',
    details: [{ field: 'stars', message: `请对每颗申报星级作出审核意见，尚缺：${allStars.join('、')}` }],
  });
  // Schema faults are typed the same way, with the path in the command.
  const noReasons = h.executeUpdate(reviewUpdate, {
    args: [
      { decision: 'return', returnTo: 'SELF_CHECK', stars: [], vetoes: [], findings: [], actor: township },
    ],
  });
  expect(await refusal(noReasons)).toEqual({
    type: 'Invalid',
    details: [{ field: 'reasons', message: '退回时必须填写理由' }],
  });
  expect(await refusal(approve(h, { ...township, jurisdiction: '411099200' }))).toEqual({
    type: 'Forbidden',
    details: [{ message: '不在您的管辖范围内' }],
  });
  expect(await state(h)).toMatchObject({ step: 'TOWNSHIP_REVIEW', attempt: 1, reviews: {} });
});

test('separation of duties: nobody signs two levels of a branch, whatever role they hold now', async () => {
  const h = await start(schedule());
  await opened(h);
  await selfCheck(h);
  await approve(h, township);
  // The township reviewer, re-scoped to the county since, may not do the county's review too.
  const rescoped = { ...township, role: 'county_reviewer' as const, jurisdiction: BRANCH.countyCode };
  expect(await refusal(approve(h, rescoped))).toEqual({
    type: 'Forbidden',
    details: [
      { message: '职责分离：同一人不能签署同一支部的两个层级（您已办理乡镇审核，不能再办理县级预审）' },
    ],
  });
  // Not a signer of the step at all: the role the step's command needs (contracts/src/permissions.ts).
  expect(await refusal(approve(h, township))).toEqual({
    type: 'Forbidden',
    details: [{ message: '该操作需由县级审核人办理' }],
  });
  expect(await approve(h, county)).toEqual({ step: 'ON_SITE_OBSERVATION', attempt: 1 });
});

test('延期: asked by the holder, refused to anyone but the level above, approved (the deadline moves) or refused', async () => {
  const h = await start(schedule());
  const { deadline } = await opened(h);
  const ask = (requestedDeadline: string, actor = secretary) =>
    h.executeUpdate(requestExtensionUpdate, {
      args: [{ requestedDeadline, reasons: ['村两委换届'], actor }],
    });
  const decide = (approved: boolean, actor: Actor) =>
    h.executeUpdate(decideExtensionUpdate, {
      args: [{ approved, ...(approved ? {} : { reasons: ['理由不充分'] }), actor }],
    });

  const later = new Date(Date.now() + 1_200_000).toISOString();
  expect(await ask(later)).toMatchObject({ deadline, extensionRequestedUntil: later });
  expect(await refusal(ask(later))).toEqual({
    type: 'Conflict',
    details: [{ message: '已有待审批的延期申请' }],
  });
  expect(await refusal(decide(true, coordinator))).toEqual({
    type: 'Forbidden',
    details: [{ message: '该操作需由乡镇审核人办理' }],
  });
  // The requester, re-scoped to the township since, still cannot approve their own request.
  const rescoped = { ...secretary, role: 'township_reviewer' as const, jurisdiction: BRANCH.townshipCode };
  expect(await refusal(decide(true, rescoped))).toEqual({
    type: 'Forbidden',
    details: [{ message: '职责分离：不能审批自己提出的延期申请' }],
  });
  expect(await decide(true, township)).toMatchObject({ deadline: later, extensionRequestedUntil: null });
  expect((await state(h)).deadline).toBe(later);

  const evenLater = new Date(Date.now() + 2_400_000).toISOString();
  await ask(evenLater);
  expect(await decide(false, township)).toMatchObject({ deadline: later, extensionRequestedUntil: null });
  expect((await state(h)).deadline).toBe(later);

  const decided = await eventually(
    () => env.events(h.workflowId, 'work.extension_decided'),
    (e) => e.length === 2,
  );
  const key = `${h.workflowId}/SELF_CHECK/1`;
  expect(decided.map((e) => e.data)).toEqual([
    expect.objectContaining({ closes: `${key}/extension/1`, workKey: key, approved: true, deadline: later }),
    expect.objectContaining({
      closes: `${key}/extension/2`,
      approved: false,
      reasons: ['理由不充分'],
      deadline: later,
    }),
  ]);
  expect(env.events(h.workflowId, 'work.extension_requested').map((e) => e.actor?.userId)).toEqual([
    'sec',
    'sec',
  ]);
});

test('退出 (withdrawal): a self-check never submitted past the last rung withdraws the branch, by the round’s policy', async () => {
  const h = await start(
    schedule({
      steps: { ...schedule().steps, SELF_CHECK: seconds(2) },
      escalation: [
        { level: 'blue', after: seconds(0), notify: { role: 'township_reviewer', scope: 'township' } },
        { level: 'yellow', after: seconds(1), notify: { role: 'coordinator', scope: 'county' } },
      ],
      unsignedPolicy: { SELF_CHECK: 'withdraw' },
    }),
  );
  const result: BranchState = await h.result();
  expect(result).toMatchObject({ step: 'CLOSED', withdrawn: true, level: null });
  expect(result.timeline.map((e) => e.action)).toEqual([
    'opened',
    'reminded',
    'overdue',
    'escalated',
    'escalated',
    'closed',
    'closed',
  ]);
  expect(env.events(h.workflowId).map((e) => e.type)).toEqual([
    'branch.step_opened',
    'branch.step_reminder',
    'branch.step_overdue',
    'branch.step_escalated',
    'branch.step_escalated',
    'branch.withdrawn',
    'branch.closed',
  ]);
  expect(env.events(h.workflowId, 'branch.withdrawn')[0]!.data).toMatchObject({
    step: 'SELF_CHECK',
    closes: `${h.workflowId}/SELF_CHECK/1`,
    reason: '逾期未提交自评，本年度视为不参与创建',
  });
});

test('异议: an objection upheld during 公示 takes the award back and returns the branch; the award waits out its notice', async () => {
  const h = await start(schedule({ publicNotice: seconds(600) }));
  await toAward(h);
  expect(
    await refusal(
      h.executeUpdate(upholdObjectionUpdate, {
        args: [{ returnTo: 'AWARD', reasons: ['x'], actor: coordinator }],
      }),
    ),
  ).toEqual({
    type: 'WrongStep',
    details: [{ message: '当前不在公示期' }],
  });
  expect(await refusal(award(h, observers[0]!))).toEqual({
    type: 'Forbidden',
    details: [{ message: '该操作需由县级专班办理' }],
  });
  const awarded = await award(h);
  expect(awarded).toMatchObject({ step: 'PUBLIC_NOTICE', attempt: 1, level: 5 });
  const notice = await published(h, 'branch.notice_started');
  expect(notice[0]!.data).toMatchObject({ level: 5 });
  const objection = (actor: Actor) =>
    h.executeUpdate(upholdObjectionUpdate, {
      args: [{ returnTo: 'ON_SITE_OBSERVATION', reasons: ['群众反映现场评分依据不足'], actor }],
    });
  expect(await refusal(objection(county))).toEqual({
    type: 'Forbidden',
    details: [{ message: '该操作需由县级专班办理' }],
  });
  expect(await objection(coordinator)).toEqual({ step: 'ON_SITE_OBSERVATION', attempt: 2 });
  expect(await state(h)).toMatchObject({ step: 'ON_SITE_OBSERVATION', attempt: 2, award: null, level: null });
  const [upheld] = await published(h, 'branch.objection_upheld');
  expect(upheld).toMatchObject({
    actor: coordinator,
    data: { toStep: 'ON_SITE_OBSERVATION', reasons: ['群众反映现场评分依据不足'] },
  });
  // The team scores afresh (the first sheets went with the award) and the award goes to notice again.
  expect((await state(h)).observation.sheets).toEqual([]);
  // The lead closes only at quorum: every claimed star's tasks scored by two observers.
  await h.executeUpdate(recordObservationUpdate, {
    args: [{ scores: fullScores, vetoes: [], findings: [], actor: observers[0]! }],
  });
  const early = h.executeUpdate(closeObservationUpdate, { args: [{ actor: observers[0]! }] });
  expect(await refusal(early)).toEqual({
    type: 'Conflict',
    details: [{ message: '评分表不足：需至少2名观摩员对申报星级的全部任务评分，现有1份' }],
  });
  expect(await observe(h)).toEqual({ step: 'AWARD', attempt: 2 });
  expect(await award(h)).toMatchObject({ step: 'PUBLIC_NOTICE', attempt: 2 });
  expect(env.events(h.workflowId, 'branch.awarded')).toEqual([]);
});

test('摘星: a rectification failing past its last rung proposes a revocation, which the coordinator confirms', async () => {
  const h = await start(
    schedule({
      rectification: seconds(1),
      escalation: [
        { level: 'blue', after: seconds(0), notify: { role: 'township_reviewer', scope: 'township' } },
        { level: 'red', after: seconds(1), notify: { role: 'county_reviewer', scope: 'county' } },
      ],
    }),
  );
  await toAward(h, [{ title: '三会一课记录不全' }]);
  expect(await award(h)).toMatchObject({ step: 'RECTIFICATION', level: 5 });
  const [awarded] = await published(h, 'branch.awarded');
  expect(awarded!.data).toMatchObject({ level: 5 });

  const proposed = await eventually(
    () => state(h),
    (s) => s.revocations.length === 1,
  );
  const findingId = proposed.findings[0]!.findingId;
  expect(proposed.revocations[0]).toEqual({
    findingId,
    star: null,
    title: '三会一课记录不全',
    status: 'proposed',
    revoked: [],
    reasons: [],
  });
  const child = `${h.workflowId}/finding/${findingId}`;
  expect(env.events(child).map((e) => e.type)).toEqual(
    expect.arrayContaining(['rectification.opened', 'rectification.overdue', 'rectification.escalated']),
  );
  const [proposal] = await published(h, 'branch.revocation_proposed');
  expect(proposal!.data).toMatchObject({
    findingId,
    work: {
      key: `${h.workflowId}/revocation/${findingId}`,
      kind: 'revocation_decision',
      group: { role: 'coordinator', jurisdiction: BRANCH.countyCode },
    },
  });

  const decide = (body: { confirm: boolean; star?: string; reasons?: string[] }, actor = coordinator) =>
    h.executeUpdate(decideRevocationUpdate, { args: [{ ...body, findingId, actor }] });
  expect(await refusal(decide({ confirm: true }))).toEqual({
    type: 'Invalid',
    details: [{ field: 'star', message: '请指定要摘除的星级' }],
  });
  expect(await refusal(decide({ confirm: true, star: 'ecology' }, county))).toMatchObject({
    type: 'Forbidden',
  });
  const revoked = await decide({ confirm: true, star: 'ecology', reasons: ['整改逾期未完成'] });
  // The capstone falls with another star (capstoneRequiresAllOthers).
  expect(revoked).toMatchObject({ level: 3 });
  expect(revoked.award!.awardedStars).toEqual(allStars.filter((c) => c !== 'ecology' && c !== 'party'));
  expect(revoked.revocations[0]).toMatchObject({ status: 'confirmed', revoked: ['ecology', 'party'] });
  expect(await refusal(decide({ confirm: true, star: 'safety' }))).toEqual({
    type: 'Conflict',
    details: [{ message: '没有待审议的摘星建议' }],
  });
  const [starRevoked] = await published(h, 'branch.star_revoked');
  expect(starRevoked!.data).toMatchObject({
    findingId,
    level: 3,
    revoked: [
      { code: 'ecology', name: expect.any(String) },
      { code: 'party', name: expect.any(String) },
    ],
  });
  expect(env.events(h.workflowId, 'branch.revocation_decided')[0]!.data).toMatchObject({
    closes: `${h.workflowId}/revocation/${findingId}`,
    confirmed: true,
    reasons: ['整改逾期未完成'],
  });
});
