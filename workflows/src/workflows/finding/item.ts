import { getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import {
  SubmitRectificationEvidence,
  VerifyRectification,
  groupFor,
  type CandidateGroup,
  type RectificationState,
  type Signed,
  type WorkItem,
} from '@fivestar/contracts';
import { revocationProposedSignal, type RectificationInput } from '@fivestar/contracts/workflow';
import type { Emitter } from '../emitter';
import { reject, requireSigner, requireValid, signerGroup } from '../guard';
import { SupervisedWork } from '../supervised-work';

/**
 * One finding's rectification item and everything it has recorded: the evidence and verification
 * Updates' validate/apply pairs, and the item's supervised deadline (workflows/src/workflows/rectification.ts
 * wires them).
 */
export class RectificationItem {
  readonly state: RectificationState;
  private readonly owner: CandidateGroup;
  private readonly verifier: CandidateGroup;
  /** Planned by an activity in `run`; the handlers exist from the start so nobody meets a missing query. */
  private planned: SupervisedWork | null = null;

  constructor(
    private readonly input: RectificationInput,
    private readonly workflowId: string,
    private readonly emitter: Emitter,
  ) {
    const { branch, findingId, title } = input;
    this.owner = signerGroup(branch, 'submitEvidence');
    this.verifier = signerGroup(branch, 'verifyRectification');
    this.state = {
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
  }

  /** The state with the deadline in force. */
  query(): RectificationState {
    const { state, planned } = this;
    if (!planned) return state;
    state.deadline = new Date(planned.deadlineMs).toISOString();
    const provisional = planned.status().provisional;
    // Set only once a plan was provisional: states recorded before the flag read as they did.
    if (provisional || state.provisional) state.provisional = provisional ?? false;
    return state;
  }

  /** The work urges and extensions apply to: the item until it is closed out. */
  supervised(): SupervisedWork | null {
    return this.state.status === 'closed' ? null : this.planned;
  }

  validateSubmitEvidence(cmd: Signed<SubmitRectificationEvidence>): void {
    const { state } = this;
    if (state.status !== 'awaiting_evidence') reject('WrongStep', '当前不在提交整改材料阶段');
    this.work();
    const a = requireSigner(cmd?.actor, this.input.branch, 'submitEvidence');
    // Separation of duties: whoever verified this item (a re-scoped reviewer) cannot now answer it.
    if (state.rejections.some((r) => r.by === a.userId))
      reject('Forbidden', '职责分离：核验过本整改事项的人不能再提交整改材料');
    requireValid(SubmitRectificationEvidence, cmd);
  }

  async submitEvidence(cmd: Signed<SubmitRectificationEvidence>): Promise<RectificationState> {
    const { state } = this;
    const closes = this.work().current().key;
    // The command as sent, defaults unapplied: Updates recorded before files existed carry none.
    const description = cmd.description ?? '';
    const files = cmd.evidence ?? [];
    state.evidence.push({ description, files, at: new Date().toISOString(), by: cmd.actor.userId });
    // Status changes before the await, so the validator refuses a concurrent duplicate.
    state.status = 'awaiting_verification';
    await this.emitter.emit(
      'rectification.evidence_submitted',
      {
        findingId: state.findingId,
        closes,
        // The verifier's notice quotes this: name the files when they are all that was sent.
        description: description || files.map((f) => f.filename).join('、'),
        work: this.work().current(),
      },
      cmd.actor,
    );
    return this.query();
  }

  validateVerify(cmd: Signed<VerifyRectification>): void {
    const { state } = this;
    if (state.status !== 'awaiting_verification') reject('WrongStep', '当前不在整改核验阶段');
    const a = requireSigner(cmd?.actor, this.input.branch, 'verifyRectification');
    // Separation of duties: nobody verifies evidence they submitted as the branch's secretary.
    if (state.evidence.some((e) => e.by === a.userId))
      reject('Forbidden', '职责分离：不能核验自己作为支部书记提交的整改材料');
    requireValid(VerifyRectification, cmd);
  }

  async verify(cmd: Signed<VerifyRectification>): Promise<RectificationState> {
    const { state, emitter } = this;
    const { findingId } = state;
    const closes = this.work().current().key;
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
        { findingId, closes, reasons, work: this.work().current() },
        cmd.actor,
      );
    }
    return this.query();
  }

  /**
   * Plans the item's one deadline, opens it and supervises it until it is closed out: past the deadline
   * the ladder climbs; past the last rung, still unfixed, the branch is asked to consider 摘星.
   */
  async run(): Promise<void> {
    const { state, emitter } = this;
    const { branch, findingId, title, schedule } = this.input;
    this.planned = await SupervisedWork.open(
      emitter,
      branch,
      schedule,
      { findingId },
      () => this.owed(),
      schedule.rectification,
    );
    this.query();
    await emitter.emit('rectification.opened', { findingId, title, work: this.work().current() });
    const supervised = (w: WorkItem) => ({ findingId, workKey: w.key, title: w.title, deadline: w.deadline });
    await this.work().run(() => state.status === 'closed', {
      reminder: (w) => emitter.emit('rectification.reminder', { ...supervised(w), group: w.group }),
      overdue: (w) => emitter.emit('rectification.overdue', { ...supervised(w), group: w.group }),
      escalation: async (w, rung) => {
        state.escalationLevel = rung.level;
        const to = groupFor(branch, rung.notify.role, rung.notify.scope);
        await emitter.emit('rectification.escalated', { ...supervised(w), level: rung.level, group: to });
      },
      exhausted: async () => {
        const parent = workflowInfo().parent;
        if (!schedule.revocation.proposeAtLastRung || this.input.revocable === false || !parent) return;
        await getExternalWorkflowHandle(parent.workflowId).signal(revocationProposedSignal, {
          findingId,
          star: this.input.star ?? null,
          title,
        });
      },
    });
  }

  private work(): SupervisedWork {
    return this.planned ?? reject('WrongStep', '整改期限尚在生成，请稍后再试');
  }

  /** The work owed now: evidence from the village, or verification by the township. */
  private owed(): Omit<WorkItem, 'deadline'> {
    const { state, input } = this;
    const isEvidence = state.status !== 'awaiting_verification';
    return {
      key: `${this.workflowId}/${isEvidence ? 'evidence' : 'verify'}/${state.round}`,
      kind: isEvidence ? 'rectification_evidence' : 'rectification_verify',
      title: `${input.branch.name}：整改${isEvidence ? '' : '核验'}——${input.title}`,
      group: isEvidence ? this.owner : this.verifier,
      star: input.star ?? null,
      subject: input.title,
    };
  }
}
