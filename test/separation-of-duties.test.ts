/**
 * Separation of duties on the real stack (docs/security.md, 职责分离): nobody acts at two levels of the
 * same branch, even after an administrator re-scopes them; a village secretary cannot review; an observer
 * cannot decide the award; nobody verifies rectification evidence they submitted, answers an item they
 * verified or approves their own extension. The Update validators hold these rules themselves: Updates
 * sent straight to Temporal with a wrong, foreign, malformed or already-used actor are refused there too.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { demoCounty } from '@fivestar/api';
import { catalogTasks, type Actor } from '@fivestar/contracts';
import {
  branchWorkflowId,
  confirmAwardUpdate,
  recordObservationUpdate,
  reviewUpdate,
  urgeUpdate,
  verifyRectificationUpdate,
  rectificationWorkflowId,
  type RejectionDetail,
} from '@fivestar/contracts/workflow';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { rural, allStars, fullScores, approveAll } from './rural-sheets';
import { quietSchedule } from './round-schedules';
import { refusal } from './refusals';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = '411099100201';

const schedule = quietSchedule(600);

let stack: Stack;
let roundId: string;
let admin: ApiUser, coordinator: ApiUser, secretary: ApiUser, township: ApiUser, township2: ApiUser;
let county: ApiUser, observer: ApiUser, observer2: ApiUser;
const login = (u: string) => ApiUser.login(stack.baseUrl, u);
const branchUrl = () => `/api/rounds/${roundId}/branches/${BRANCH}`;
const state = async () => (await coordinator.get(branchUrl())).body?.state;
const branchHandle = (): WorkflowHandle =>
  stack.temporal.workflow.getHandle(branchWorkflowId(roundId, BRANCH));

beforeAll(async () => {
  // One branch per township keeps the launch short.
  stack = await startStack({ directory: demoCounty(COUNTY, 1) });
  roundId = `sod-${stack.runId}`;
  [admin, coordinator, secretary, township, township2, county, observer, observer2] = await Promise.all([
    login(`admin-${COUNTY}`),
    login(`coord-${COUNTY}`),
    login(`sec-${BRANCH}`),
    login(`twp-${TOWNSHIP}-1`),
    login(`twp-${TOWNSHIP}-2`),
    login(`cty-${COUNTY}-1`),
    login(`obs-${COUNTY}-1`),
    login(`obs-${COUNTY}-2`),
  ]);
  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '职责分离',
    schedule,
  });
  expect(started.status).toBe(201);
  // Attempt 1 once the step has opened (its deadline planned), not the initial state.
  await eventually(state, (s) => s?.step === 'SELF_CHECK' && s.attempt === 1);
});

afterAll(async () => {
  await stack?.stop();
});

/** An administrator moves `username` to another role and jurisdiction; they sign in again as that. */
async function rescope(username: string, role: Actor['role'], jurisdiction: string): Promise<ApiUser> {
  const res = await admin.call('PATCH', `/api/admin/users/${username}`, { role, jurisdiction });
  expect(res.status).toBe(200);
  expect(res.body.user).toMatchObject({ role, jurisdiction });
  return login(username);
}

/** A 403 problem in Chinese naming the separation-of-duties rule. */
function expectSeparation(res: { status: number; body: any; type: string }, rule: RegExp): void {
  expect(res.status).toBe(403);
  expect(res.type).toContain('application/problem+json');
  expect(res.body.title).toBe('无权操作');
  expect(res.body.detail).toMatch(/^职责分离：/);
  expect(res.body.detail).toMatch(rule);
}

/** Sends an Update straight to Temporal (around the API) and gives back the validator's refusal. */
async function refusedByValidator(
  handle: WorkflowHandle,
  update: UpdateDefinition<unknown, [any]>,
  args: unknown,
): Promise<{ type: string | undefined; message: string }> {
  const { type, details } = await refusal(handle.executeUpdate(update, { args: [args] }));
  return { type: type ?? undefined, message: (details[0] as RejectionDetail).message };
}

const actor = (userId: string, role: Actor['role'], jurisdiction: string): Actor => ({
  userId,
  name: userId,
  role,
  jurisdiction,
});

test('nobody signs two levels of a branch; secretaries do not review; observers do not award', async () => {
  // Self-check (one PDF answers every evidence requirement; the test is not about files).
  const uploaded = await secretary.upload(
    `${branchUrl()}/evidence?filename=records.pdf`,
    Buffer.from('%PDF-1.4\n% 记录\n%%EOF\n'),
    'application/pdf',
  );
  expect(uploaded.status).toBe(201);
  const evidence = catalogTasks(rural)
    .flatMap((t) => t.evidence.map((e) => e.code))
    .map((requirement) => ({ requirement, sha256: uploaded.body.sha256, filename: 'records.pdf' }));
  const submitted = await secretary.post(`${branchUrl()}/self-check`, {
    scores: fullScores,
    targetStars: allStars,
    evidence,
  });
  expect(submitted.body).toEqual({ step: 'TOWNSHIP_REVIEW', attempt: 1 });

  // A village secretary cannot review: refused by the API, and by the validator when sent around it.
  expect((await secretary.post(`${branchUrl()}/review`, approveAll)).status).toBe(403);
  const bySecretary = await refusedByValidator(branchHandle(), reviewUpdate, {
    ...approveAll,
    actor: actor(`u-sec-${BRANCH}`, 'village_secretary', BRANCH),
  });
  expect(bySecretary).toEqual({ type: 'Forbidden', message: '该操作需由乡镇审核人办理' });
  // Nor can the secretary, claiming the reviewer's role, review the self-check they signed.
  const ownSelfCheck = await refusedByValidator(branchHandle(), reviewUpdate, {
    ...approveAll,
    actor: actor(`u-sec-${BRANCH}`, 'township_reviewer', TOWNSHIP),
  });
  expect(ownSelfCheck.type).toBe('Forbidden');
  expect(ownSelfCheck.message).toMatch(/^职责分离：.*村自评.*乡镇审核/);

  expect((await township.post(`${branchUrl()}/review`, approveAll)).body.step).toBe('COUNTY_PRE_REVIEW');

  // The township reviewer is re-scoped to county reviewer: their pre-review of the same branch is refused.
  const promoted = await rescope(`twp-${TOWNSHIP}-1`, 'county_reviewer', COUNTY);
  expectSeparation(await promoted.post(`${branchUrl()}/review`, approveAll), /乡镇审核.*县级预审/);
  expect((await state()).step).toBe('COUNTY_PRE_REVIEW');

  const preReviewed = await county.post(`${branchUrl()}/review`, {
    ...approveAll,
    findings: [{ title: '台账更新不及时' }],
  });
  expect(preReviewed.body.step).toBe('ON_SITE_OBSERVATION');

  // The promoted reviewer cannot score the on-site observation either, whatever role they claim.
  const sheet = { scores: fullScores };
  const asObserver = await refusedByValidator(branchHandle(), recordObservationUpdate, {
    ...sheet,
    actor: actor(`u-twp-${TOWNSHIP}-1`, 'observer', COUNTY),
  });
  expect(asObserver.type).toBe('Forbidden');
  expect(asObserver.message).toMatch(/^职责分离：.*乡镇审核.*现场观摩/);
  expect((await observer.post(`${branchUrl()}/observation`, sheet)).body).toMatchObject({ sheets: 1 });
  expect((await observer2.post(`${branchUrl()}/observation`, sheet)).body).toMatchObject({ sheets: 2 });
  expect((await observer.post(`${branchUrl()}/observation/close`, {})).body.step).toBe('AWARD');

  // An observer cannot decide the award: the API refuses, so does the validator.
  expect((await observer.post(`${branchUrl()}/award`, {})).status).toBe(403);
  const byObserver = await refusedByValidator(branchHandle(), confirmAwardUpdate, {
    actor: actor(`u-obs-${COUNTY}-1`, 'observer', COUNTY),
  });
  expect(byObserver).toEqual({ type: 'Forbidden', message: '该操作需由县级专班办理' });
  // …not even re-scoped to coordinator: they scored this branch.
  const observerPromoted = await rescope(`obs-${COUNTY}-2`, 'coordinator', COUNTY);
  expectSeparation(await observerPromoted.post(`${branchUrl()}/award`, {}), /现场观摩.*授星/);

  // Updates around the API: a coordinator of another county, a malformed actor, a used identity.
  const foreign = await refusedByValidator(branchHandle(), confirmAwardUpdate, {
    actor: actor('u-coord-411098', 'coordinator', '411098'),
  });
  expect(foreign).toEqual({ type: 'Forbidden', message: '不在您的管辖范围内' });
  for (const malformed of [
    actor('u-x', 'coordinator', ''),
    { userId: '', name: 'x', role: 'coordinator', jurisdiction: COUNTY },
    { role: 'coordinator', jurisdiction: COUNTY },
    undefined,
  ]) {
    expect(await refusedByValidator(branchHandle(), confirmAwardUpdate, { actor: malformed })).toEqual({
      type: 'Forbidden',
      message: '缺少操作人或操作人无效',
    });
  }
  // An empty jurisdiction lies "within" every code: the urge validator refuses it too.
  expect(
    await refusedByValidator(branchHandle(), urgeUpdate, { actor: actor('u-x', 'coordinator', '') }),
  ).toEqual({ type: 'Forbidden', message: '缺少操作人或操作人无效' });
  const usedIdentity = await refusedByValidator(branchHandle(), confirmAwardUpdate, {
    actor: actor(`u-twp-${TOWNSHIP}-1`, 'coordinator', COUNTY),
  });
  expect(usedIdentity.type).toBe('Forbidden');
  expect(usedIdentity.message).toMatch(/^职责分离：.*乡镇审核/);
  expect((await state()).step).toBe('AWARD');

  // The coordinator, who acted at no other level, decides.
  const awarded = await coordinator.post(`${branchUrl()}/award`, {});
  expect(awarded.status).toBe(200);
  expect(awarded.body.level).toBe(5);
});

test('nobody verifies their own evidence, answers an item they verified or approves their own extension', async () => {
  await eventually(state, (s) => s.step === 'RECTIFICATION' && s.findings.length === 1);
  const findingUrl = `${branchUrl()}/findings/F1`;
  await eventually(
    () => secretary.get(findingUrl),
    (r) => r.body?.status === 'awaiting_evidence' && Boolean(r.body.deadline),
  );
  const requestedDeadline = new Date(Date.now() + 3_600_000).toISOString();
  const requested = await secretary.post(`${findingUrl}/extension`, {
    requestedDeadline,
    reasons: ['需要村民代表会议表决'],
  });
  expect(requested.status).toBe(200);
  expect((await secretary.post(`${findingUrl}/evidence`, { description: '已补齐台账' })).body.status).toBe(
    'awaiting_verification',
  );

  // The secretary becomes a reviewer of their own township: not for their own evidence or request.
  const reviewer = await rescope(`sec-${BRANCH}`, 'township_reviewer', TOWNSHIP);
  expectSeparation(await reviewer.post(`${findingUrl}/verify`, { accepted: true }), /自己.*整改材料/);
  expectSeparation(
    await reviewer.post(`${findingUrl}/extension/decision`, { approved: true }),
    /自己提出的延期申请/,
  );
  const direct = await refusedByValidator(
    stack.temporal.workflow.getHandle(rectificationWorkflowId(roundId, BRANCH, 'F1')),
    verifyRectificationUpdate,
    { accepted: true, actor: actor(`u-sec-${BRANCH}`, 'township_reviewer', TOWNSHIP) },
  );
  expect(direct.type).toBe('Forbidden');
  expect((await coordinator.get(findingUrl)).body.status).toBe('awaiting_verification');

  // Another reviewer of the township decides the extension and sends the evidence back…
  expect((await township2.post(`${findingUrl}/extension/decision`, { approved: true })).status).toBe(200);
  const rejected = await township2.post(`${findingUrl}/verify`, {
    accepted: false,
    reasons: ['缺少会议记录'],
  });
  expect(rejected.body).toMatchObject({ status: 'awaiting_evidence', round: 2 });
  // …and, re-scoped to the branch's secretary, cannot answer the item they verified.
  const newSecretary = await rescope(`twp-${TOWNSHIP}-2`, 'village_secretary', BRANCH);
  expectSeparation(
    await newSecretary.post(`${findingUrl}/evidence`, { description: '补交会议记录' }),
    /核验过本整改事项/,
  );
  expect((await coordinator.get(findingUrl)).body).toMatchObject({ status: 'awaiting_evidence', round: 2 });
});
