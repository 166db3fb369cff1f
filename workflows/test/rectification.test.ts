/**
 * A rectification item (限期整改) on its own, as the branch starts it: evidence from the village,
 * verification by the township, a rejection sending it back, the close-out (销号), and who may do what.
 */
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  rectificationStateQuery,
  rectificationWorkflowId,
  submitEvidenceUpdate,
  verifyRectificationUpdate,
  type RectificationInput,
} from '@fivestar/contracts/workflow';
import type { Actor } from '@fivestar/contracts';
import type { rectification } from '../src/workflows';
import { startWorkflowEnv, type WorkflowEnv } from './env';
import { BRANCH, eventually, refusal, schedule, secretary, township } from './support';

let env: WorkflowEnv;
beforeAll(async () => {
  env = await startWorkflowEnv();
});
afterAll(async () => {
  await env?.stop();
});

type Item = WorkflowHandle<typeof rectification>;
async function start(): Promise<Item> {
  const roundId = `wf-${randomBytes(4).toString('hex')}`;
  const input: RectificationInput = {
    roundId,
    branch: BRANCH,
    findingId: 'F1',
    title: '三会一课记录不全',
    star: null,
    revocable: true,
    schedule: schedule(),
  };
  return env.client.workflow.start<typeof rectification>('rectification', {
    taskQueue: env.taskQueue,
    workflowId: rectificationWorkflowId(roundId, BRANCH.code, 'F1'),
    args: [input],
  });
}

const submit = (h: Item, description: string, actor: Actor = secretary) =>
  h.executeUpdate(submitEvidenceUpdate, { args: [{ description, evidence: [], actor }] });
const verify = (h: Item, accepted: boolean, actor: Actor = township) =>
  h.executeUpdate(verifyRectificationUpdate, {
    args: [{ accepted, ...(accepted ? {} : { reasons: ['缺少第三季度记录'] }), actor }],
  });

test('evidence, a rejection with reasons, evidence again and the close-out (销号)', async () => {
  const h = await start();
  await eventually(
    () => h.query(rectificationStateQuery),
    (s) => s.deadline !== '',
  );
  expect(await refusal(verify(h, true))).toEqual({
    type: 'WrongStep',
    details: [{ message: '当前不在整改核验阶段' }],
  });
  expect(await refusal(submit(h, '已补齐', township))).toEqual({
    type: 'Forbidden',
    details: [{ message: '该操作需由村（社区）党支部书记办理' }],
  });
  expect(await submit(h, '已补齐2026年三会一课记录')).toMatchObject({
    status: 'awaiting_verification',
    round: 1,
  });
  expect(await refusal(submit(h, '再交一次'))).toMatchObject({ type: 'WrongStep' });

  // Separation of duties: the secretary, re-scoped to the township since, cannot verify their own evidence.
  const rescopedSecretary = {
    ...secretary,
    role: 'township_reviewer' as const,
    jurisdiction: BRANCH.townshipCode,
  };
  expect(await refusal(verify(h, true, rescopedSecretary))).toEqual({
    type: 'Forbidden',
    details: [{ message: '职责分离：不能核验自己作为支部书记提交的整改材料' }],
  });
  expect(await verify(h, false)).toMatchObject({ status: 'awaiting_evidence', round: 2 });
  // …and the verifier, re-scoped to the village since, cannot answer the item they verified.
  const rescopedVerifier = { ...township, role: 'village_secretary' as const, jurisdiction: BRANCH.code };
  expect(await refusal(submit(h, '代为提交', rescopedVerifier))).toEqual({
    type: 'Forbidden',
    details: [{ message: '职责分离：核验过本整改事项的人不能再提交整改材料' }],
  });

  await submit(h, '已补第三季度记录');
  expect(await verify(h, true)).toMatchObject({ status: 'closed' });
  const closed = await h.result();
  expect(closed).toMatchObject({ status: 'closed', round: 2 });
  expect(closed.evidence.map((e) => e.description)).toEqual(['已补齐2026年三会一课记录', '已补第三季度记录']);
  expect(closed.rejections).toEqual([
    expect.objectContaining({ reasons: ['缺少第三季度记录'], by: township.userId }),
  ]);

  const key = h.workflowId;
  expect(env.events(key).map((e) => [e.type, (e.data as { closes?: string }).closes ?? null])).toEqual([
    ['rectification.opened', null],
    ['rectification.evidence_submitted', `${key}/evidence/1`],
    ['rectification.rejected', `${key}/verify/1`],
    ['rectification.evidence_submitted', `${key}/evidence/2`],
    ['rectification.closed', `${key}/verify/2`],
  ]);
  expect(env.events(key, 'rectification.rejected')[0]!.data).toMatchObject({
    reasons: ['缺少第三季度记录'],
    work: { key: `${key}/evidence/2`, kind: 'rectification_evidence', group: { role: 'village_secretary' } },
  });
});
