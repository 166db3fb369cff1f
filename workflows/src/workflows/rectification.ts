import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  SubmitRectificationEvidence,
  VerifyRectification,
  groupFor,
  type RectificationState,
  type WorkItem,
} from '@fivestar/contracts';
import {
  rectificationStateQuery,
  submitEvidenceUpdate,
  verifyRectificationUpdate,
  type RectificationInput,
} from '../definitions';
import { Emitter } from './emitter';
import { reject, requireActor, requireValid } from './guard';
import { supervise } from './supervise';

/**
 * One finding's rectification (限期整改): the village submits evidence, the township verifies and closes it
 * out (销号) or rejects it with reasons (back to evidence). One deadline for the whole item; past it the
 * escalation ladder climbs (blue → yellow → red) until the item closes.
 */
export async function rectification(input: RectificationInput): Promise<RectificationState> {
  const { roundId, branch, findingId, title, schedule } = input;
  const workflowId = workflowInfo().workflowId;
  const emitter = new Emitter({ roundId, branchId: branch.code, jurisdiction: branch.code });
  const deadlineMs = Date.now() + schedule.rectificationSeconds * 1000;
  const state: RectificationState = {
    findingId,
    title,
    status: 'awaiting_evidence',
    round: 1,
    deadline: new Date(deadlineMs).toISOString(),
    escalationLevel: null,
    evidence: [],
    rejections: [],
    closedAt: null,
  };
  const owner = groupFor(branch, 'village_secretary', 'branch');
  const verifier = groupFor(branch, 'township_reviewer', 'township');
  let openWork: WorkItem | null = null;

  /** The work item now owed: evidence from the village or verification by the township. */
  const work = (kind: WorkItem['kind']): WorkItem => {
    const isEvidence = kind === 'rectification_evidence';
    openWork = {
      key: `${workflowId}/${isEvidence ? 'evidence' : 'verify'}/${state.round}`,
      kind,
      title: `${branch.name}：整改${isEvidence ? '' : '核验'}——${title}`,
      group: isEvidence ? owner : verifier,
      deadline: state.deadline,
    };
    return openWork;
  };
  const openKey = () => openWork?.key ?? '';

  setHandler(rectificationStateQuery, () => state);
  setHandler(
    submitEvidenceUpdate,
    async (cmd) => {
      const closes = openKey();
      state.evidence.push({
        description: cmd.description,
        at: new Date().toISOString(),
        by: cmd.actor.userId,
      });
      state.status = 'awaiting_verification';
      // Status changes before the await, so the validator refuses a concurrent duplicate.
      await emitter.emit(
        'rectification.evidence_submitted',
        { findingId, closes, description: cmd.description, work: work('rectification_verify') },
        cmd.actor,
      );
      return state;
    },
    {
      validator: (cmd) => {
        if (state.status !== 'awaiting_evidence') reject('WrongStep', '当前不在提交整改材料阶段');
        requireActor(cmd?.actor, 'village_secretary', branch.code);
        requireValid(SubmitRectificationEvidence, cmd);
      },
    },
  );
  setHandler(
    verifyRectificationUpdate,
    async (cmd) => {
      const closes = openKey();
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
          { findingId, closes, reasons, work: work('rectification_evidence') },
          cmd.actor,
        );
      }
      return state;
    },
    {
      validator: (cmd) => {
        if (state.status !== 'awaiting_verification') reject('WrongStep', '当前不在整改核验阶段');
        requireActor(cmd?.actor, 'township_reviewer', branch.townshipCode);
        requireValid(VerifyRectification, cmd);
      },
    },
  );

  await emitter.emit('rectification.opened', { findingId, title, work: work('rectification_evidence') });
  const base = () => {
    const w = openWork as WorkItem | null;
    if (!w) throw new Error('unreachable: a rectification always owes some work before it closes');
    return { findingId, workKey: w.key, title: w.title, deadline: w.deadline, group: w.group };
  };
  await supervise(deadlineMs, schedule.reminderBeforeSeconds, schedule.escalation, {
    isDone: () => state.status === 'closed',
    onReminder: () => emitter.emit('rectification.reminder', base()),
    onOverdue: () => emitter.emit('rectification.overdue', base()),
    onEscalation: async (rung) => {
      state.escalationLevel = rung.level;
      await emitter.emit('rectification.escalated', {
        ...base(),
        level: rung.level,
        group: groupFor(branch, rung.notify.role, rung.notify.scope),
      });
    },
  });
  await condition(allHandlersFinished);
  return state;
}
