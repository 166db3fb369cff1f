import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  SubmitRectificationEvidence,
  VerifyRectification,
  groupFor,
  type RectificationState,
  type WorkItem,
} from '@fivestar/contracts';
import {
  rectificationStateQuery,
  revocationProposedSignal,
  submitEvidenceUpdate,
  verifyRectificationUpdate,
  type RectificationInput,
} from '@fivestar/contracts/workflow';
import { Emitter } from './emitter';
import { reject, requireSigner, requireValid, signerGroup } from './guard';
import { SupervisedWork } from './supervised-work';
import { handleWorkUpdates } from './work-handlers';

/**
 * One finding's rectification (限期整改): the village submits evidence, the township verifies and closes it
 * out (销号) or rejects it with reasons (back to evidence). One deadline for the whole item; past it the
 * escalation ladder climbs (blue → yellow → red) until the item closes. Urges and extensions apply.
 */
export async function rectification(input: RectificationInput): Promise<RectificationState> {
  const { roundId, branch, findingId, title, schedule } = input;
  const workflowId = workflowInfo().workflowId;
  // Patch `answer-on-accept`: evidence and verification answer once recorded; their events follow in order.
  const acceptsEarly = patched('answer-on-accept');
  const emitter = new Emitter({ roundId, branchId: branch.code, jurisdiction: branch.code }, 0, acceptsEarly);
  const owner = signerGroup(branch, 'submitEvidence');
  const verifier = signerGroup(branch, 'verifyRectification');
  const state: RectificationState = {
    findingId,
    title,
    status: 'awaiting_evidence',
    round: 1,
    deadline: '',
    escalationLevel: null,
    evidence: [],
    rejections: [],
    closedAt: null,
  };

  /** The work owed now: evidence from the village, or verification by the township. */
  const owed = (): Omit<WorkItem, 'deadline'> => {
    const isEvidence = state.status !== 'awaiting_verification';
    return {
      key: `${workflowId}/${isEvidence ? 'evidence' : 'verify'}/${state.round}`,
      kind: isEvidence ? 'rectification_evidence' : 'rectification_verify',
      title: `${branch.name}：整改${isEvidence ? '' : '核验'}——${title}`,
      group: isEvidence ? owner : verifier,
      star: input.star ?? null,
      subject: title,
    };
  };
  /** Planned by an activity below; handlers exist from the start so nobody meets a missing query. */
  let planned: SupervisedWork | null = null;
  const work = (): SupervisedWork => planned ?? reject('WrongStep', '整改期限尚在生成，请稍后再试');
  const sync = () => {
    if (!planned) return state;
    state.deadline = new Date(planned.deadlineMs).toISOString();
    const provisional = planned.status().provisional;
    // Set only once a plan was provisional: states recorded before the flag read as they did.
    if (provisional || state.provisional) state.provisional = provisional ?? false;
    return state;
  };

  setHandler(rectificationStateQuery, () => sync());
  handleWorkUpdates(() => (state.status === 'closed' ? null : planned));
  setHandler(
    submitEvidenceUpdate,
    async (cmd) => {
      const closes = work().current().key;
      // The command as sent, defaults unapplied: Updates recorded before files existed carry none.
      const description = cmd.description ?? '';
      const files = cmd.evidence ?? [];
      state.evidence.push({ description, files, at: new Date().toISOString(), by: cmd.actor.userId });
      // Status changes before the await, so the validator refuses a concurrent duplicate.
      state.status = 'awaiting_verification';
      await emitter.emit(
        'rectification.evidence_submitted',
        {
          findingId,
          closes,
          // The verifier's notice quotes this: name the files when they are all that was sent.
          description: description || files.map((f) => f.filename).join('、'),
          work: work().current(),
        },
        cmd.actor,
      );
      return sync();
    },
    {
      validator: (cmd) => {
        if (state.status !== 'awaiting_evidence') reject('WrongStep', '当前不在提交整改材料阶段');
        work();
        const a = requireSigner(cmd?.actor, branch, 'submitEvidence');
        // Separation of duties: whoever verified this item (a re-scoped reviewer) cannot now answer it.
        if (state.rejections.some((r) => r.by === a.userId))
          reject('Forbidden', '职责分离：核验过本整改事项的人不能再提交整改材料');
        requireValid(SubmitRectificationEvidence, cmd);
      },
    },
  );
  setHandler(
    verifyRectificationUpdate,
    async (cmd) => {
      const closes = work().current().key;
      const at = new Date().toISOString();
      if (cmd.accepted) {
        state.status = 'closed';
        state.closedAt = at;
        await emitter.emit('rectification.closed', { findingId, closes }, cmd.actor);
      } else {
        const reasons = cmd.reasons ?? [];
        state.rejections.push({ reasons, at, by: cmd.actor.userId });
        state.status = 'awaiting_evidence';
        state.round += 1;
        await emitter.emit(
          'rectification.rejected',
          { findingId, closes, reasons, work: work().current() },
          cmd.actor,
        );
      }
      return sync();
    },
    {
      validator: (cmd) => {
        if (state.status !== 'awaiting_verification') reject('WrongStep', '当前不在整改核验阶段');
        const a = requireSigner(cmd?.actor, branch, 'verifyRectification');
        // Separation of duties: nobody verifies evidence they submitted as the branch's secretary.
        if (state.evidence.some((e) => e.by === a.userId))
          reject('Forbidden', '职责分离：不能核验自己作为支部书记提交的整改材料');
        requireValid(VerifyRectification, cmd);
      },
    },
  );

  planned = await SupervisedWork.open(emitter, branch, schedule, { findingId }, owed, schedule.rectification);
  sync();
  await emitter.emit('rectification.opened', { findingId, title, work: work().current() });
  const supervised = (w: WorkItem) => ({ findingId, workKey: w.key, title: w.title, deadline: w.deadline });
  await work().run(() => state.status === 'closed', {
    reminder: (w) => emitter.emit('rectification.reminder', { ...supervised(w), group: w.group }),
    overdue: (w) => emitter.emit('rectification.overdue', { ...supervised(w), group: w.group }),
    escalation: async (w, rung) => {
      state.escalationLevel = rung.level;
      const to = groupFor(branch, rung.notify.role, rung.notify.scope);
      await emitter.emit('rectification.escalated', { ...supervised(w), level: rung.level, group: to });
    },
    // Past the last rung and still not fixed: the branch proposes 摘星 to the coordinator.
    exhausted: async () => {
      const parent = workflowInfo().parent;
      if (!schedule.revocation.proposeAtLastRung || input.revocable === false || !parent) return;
      await getExternalWorkflowHandle(parent.workflowId).signal(revocationProposedSignal, {
        findingId,
        star: input.star ?? null,
        title,
      });
    },
  });
  await condition(allHandlersFinished);
  if (acceptsEarly) await emitter.idle();
  return sync();
}
