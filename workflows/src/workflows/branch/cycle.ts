import { condition, patched, startChild, upsertSearchAttributes } from '@temporalio/workflow';
import {
  CloseObservation,
  ConfirmAward,
  DecideRevocation,
  HUMAN_STEPS,
  HumanStep,
  RecordObservation,
  Review,
  STEP_LABELS,
  SubmitSelfCheck,
  STEP_COMMAND,
  UpholdObjection,
  WEAK_BRANCH_FINDING_ID,
  groupFor,
  isReviewStep,
  stepSigners,
  type Actor,
  type BranchCommand,
  type BranchState,
  type ChainTemplate,
  type CoreStep,
  type DueIn,
  type ReviewStep,
  type Signed,
  type Signer,
  type Step,
  type TimelineEntry,
  type VetoFound,
  type WorkItem,
} from '@fivestar/contracts';
import {
  StepKey,
  rectificationWorkflowId,
  type BranchAssessmentInput,
  type StepResult,
} from '@fivestar/contracts/workflow';
import { AwardInputError, decideAward } from '../../rules/award';
import { returnRefusal, staleAfter, stepAfter } from '../../rules/chain';
import {
  closeObservationRefusal,
  observationRefusal,
  reviewDecision,
  reviewRefusal,
  revocationRefusal,
  revokeStar,
  selfCheckRefusal,
} from '../../rules/commands';
import type { Emitter } from '../emitter';
import { refuse, reject, requireOneLevel, requireSigner, requireValid, signerGroup } from '../guard';
import { rectification } from '../rectification';
import { SupervisedWork, planDeadline } from '../supervised-work';

type Outcome =
  | { kind: 'signed'; actor: Actor; decision: 'submitted' | 'approved' | 'observed' | 'awarded' }
  | { kind: 'return'; actor: Actor; toStep: HumanStep; reasons: string[] }
  | { kind: 'withdrawn'; reason: string };

interface NewFinding {
  title: string;
  source: HumanStep;
  star?: string;
}

/** A revocation decision names the finding whose proposal it answers. */
type RevocationDecision = Signed<DecideRevocation> & { findingId: string };
/** What a rectification past its last rung sends its branch. */
type RevocationProposal = { findingId: string; star: string | null; title: string };

const who = (a: Actor) => ({ userId: a.userId, name: a.name, role: a.role });
const person = (a: Actor) => ({ userId: a.userId, name: a.name });

/**
 * A child's outcome awaited only once the steps are done. A child that fails before then (say an
 * operator terminated it) must not be an unhandled rejection — that fails workflow tasks over and over
 * — but fail this run plainly where the children are awaited.
 */
function handledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * One branch's cycle and everything it has recorded: the Update handlers' validate/apply pairs and the
 * steps the workflow function walks (workflows/src/workflows/branch-assessment.ts). Each apply changes the
 * state and, for a sign-off, waits until the branch has moved on (`answered`).
 */
export class BranchCycle {
  readonly state: BranchState;
  private readonly attempts = Object.fromEntries(HUMAN_STEPS.map((s) => [s, 0])) as Record<HumanStep, number>;
  /** The level each user acted at on this branch (signed, returned, scored, decided): one level per user. */
  private readonly actedAt = new Map<string, HumanStep>();
  private readonly newFindings: NewFinding[] = [];
  private outcome: Outcome | null = null;
  /** The open step's supervision (deadline, urges, extensions); null between steps. */
  private openWork: SupervisedWork | null = null;
  /** Counts step entries; an Update answers once the branch has moved on. */
  private transitions = 0;
  /** The step already entered by `enter` (answer-on-accept), whose runStep must not begin it again. */
  private entered: HumanStep | null = null;
  /** A weak and lax branch (软弱涣散) runs its 整顿 as rectification F0 from the start; no stars before it closes. */
  private weakRectificationClosed: boolean;
  /** An objection upheld during public notice (公示), sending the branch back. */
  private objection: { actor: Actor; toStep: HumanStep; reasons: string[] } | null = null;
  private notices = 0;
  private readonly children: Promise<unknown>[] = [];
  /** The stars the open award attempt names (its signer follows them: the chain's naming authority). */
  private namingLevel = 0;

  constructor(
    private readonly input: BranchAssessmentInput,
    private readonly workflowId: string,
    private readonly emitter: Emitter,
    /**
     * Patch `answer-on-accept`: a sign-off is answered as soon as the branch has moved to its next step,
     * before the events and the next step's planning go out (they follow in order). Workflows started
     * before the patch keep the old timing (docs/workflow-changes.md).
     */
    private readonly acceptsEarly: boolean,
    /**
     * The round's chain (patch `chain-template`): `DEFAULT_CHAIN` for a round without a template and for
     * workflows started before templates existed.
     */
    private readonly chain: ChainTemplate,
  ) {
    const { roundId, branch } = input;
    this.weakRectificationClosed = !branch.weak;
    this.state = {
      roundId,
      branchCode: branch.code,
      step: 'SELF_CHECK',
      attempt: 0,
      deadline: null,
      targetStars: [],
      selfCheck: null,
      reviews: {},
      vetoes: [],
      observation: { sheets: [], closedBy: null },
      revocations: [],
      award: null,
      level: null,
      withdrawn: false,
      findings: [],
      timeline: [],
    };
  }

  // ——— Queries and the open step's supervision ———

  query(): BranchState {
    if (!this.openWork) return this.state;
    const { deadline, provisional } = this.openWork.status();
    return provisional ? { ...this.state, deadline, provisional } : { ...this.state, deadline };
  }

  /** The work urges and extensions apply to: the open step until it is signed. */
  supervised(): SupervisedWork | null {
    return this.outcome === null ? this.openWork : null;
  }

  // ——— Updates: one validate/apply pair each ———

  validateSubmitSelfCheck(cmd: Signed<SubmitSelfCheck>): void {
    this.admit('SELF_CHECK', cmd?.actor);
    refuse(selfCheckRefusal(this.input.catalog, requireValid(SubmitSelfCheck, cmd)));
  }

  async submitSelfCheck(cmd: Signed<SubmitSelfCheck>): Promise<StepResult> {
    const body = SubmitSelfCheck.parse(cmd);
    this.acted('SELF_CHECK', cmd.actor);
    this.state.targetStars = body.targetStars;
    this.state.selfCheck = { scores: body.scores, notes: body.notes ?? null, evidence: body.evidence };
    this.outcome = { kind: 'signed', actor: cmd.actor, decision: 'submitted' };
    return this.answered();
  }

  validateReview(cmd: Signed<Review>): void {
    const { step } = this.state;
    if (!isReviewStep(step)) reject('WrongStep', `当前环节为${STEP_LABELS[step]}，不在审核环节`);
    this.admit(step, cmd?.actor);
    const body = requireValid(Review, cmd);
    refuse(reviewRefusal(this.input.catalog, step, this.state.targetStars, body));
    refuse(returnRefusal(body.returnTo, this.state.reviews));
  }

  async review(cmd: Signed<Review>): Promise<StepResult> {
    const step = this.state.step as ReviewStep;
    const body = Review.parse(cmd);
    this.acted(step, cmd.actor);
    body.findings.forEach((f) => this.newFindings.push({ title: f.title, source: step, star: f.star }));
    this.recordVetoes(body.vetoes, cmd.actor, step);
    const decision = reviewDecision(body, person(cmd.actor));
    if (decision.kind === 'return') {
      this.outcome = { kind: 'return', actor: cmd.actor, toStep: decision.toStep, reasons: decision.reasons };
    } else {
      this.state.reviews[step] = decision.verdicts;
      this.outcome = { kind: 'signed', actor: cmd.actor, decision: 'approved' };
    }
    return this.answered();
  }

  validateRecordObservation(cmd: Signed<RecordObservation>): void {
    this.admit('ON_SITE_OBSERVATION', cmd?.actor);
    refuse(observationRefusal(this.input.catalog, requireValid(RecordObservation, cmd)));
  }

  async recordObservation(cmd: Signed<RecordObservation>): Promise<StepResult & { sheets: number }> {
    const body = RecordObservation.parse(cmd);
    const { observation } = this.state;
    this.acted('ON_SITE_OBSERVATION', cmd.actor);
    const sheets = observation.sheets.filter((s) => s.observer.userId !== cmd.actor.userId);
    observation.sheets = [...sheets, { observer: person(cmd.actor), scores: body.scores }];
    this.recordVetoes(body.vetoes, cmd.actor, 'ON_SITE_OBSERVATION');
    body.findings.forEach((f) => this.newFindings.push({ title: f.title, source: 'ON_SITE_OBSERVATION' }));
    return { step: this.state.step, attempt: this.state.attempt, sheets: observation.sheets.length };
  }

  validateCloseObservation(cmd: Signed<CloseObservation>): void {
    this.admit('ON_SITE_OBSERVATION', cmd?.actor, 'closeObservation');
    requireValid(CloseObservation, cmd);
    const { catalog, schedule } = this.input;
    const { targetStars, observation } = this.state;
    refuse(closeObservationRefusal(catalog, targetStars, observation.sheets, schedule.observation));
  }

  async closeObservation(cmd: Signed<CloseObservation>): Promise<StepResult> {
    this.acted('ON_SITE_OBSERVATION', cmd.actor);
    this.state.observation.closedBy = person(cmd.actor);
    this.outcome = { kind: 'signed', actor: cmd.actor, decision: 'observed' };
    return this.answered();
  }

  validateConfirmAward(cmd: Signed<ConfirmAward>): void {
    this.admit('AWARD', cmd?.actor);
    requireValid(ConfirmAward, cmd);
    if (!this.weakRectificationClosed) reject('Conflict', '软弱涣散党组织整顿尚未销号，暂不能授星');
    try {
      this.decide();
    } catch (err) {
      reject('Invalid', `${err instanceof Error ? err.message : String(err)}`, 'award');
    }
  }

  async confirmAward(cmd: Signed<ConfirmAward>): Promise<BranchState> {
    this.acted('AWARD', cmd.actor);
    const decision = this.decide();
    this.state.award = decision;
    this.state.level = decision.level;
    this.outcome = { kind: 'signed', actor: cmd.actor, decision: 'awarded' };
    await this.answered();
    return this.state;
  }

  validateUpholdObjection(cmd: Signed<UpholdObjection>): void {
    if (this.state.step !== 'PUBLIC_NOTICE' || this.objection) reject('WrongStep', '当前不在公示期');
    this.admitTaskForce(cmd?.actor, 'upholdObjection', this.noticeSigners());
    const body = requireValid(UpholdObjection, cmd);
    refuse(returnRefusal(body.returnTo, this.state.reviews));
  }

  async upholdObjection(cmd: Signed<UpholdObjection>): Promise<StepResult> {
    this.acted('AWARD', cmd.actor);
    this.objection = { actor: cmd.actor, toStep: cmd.returnTo, reasons: cmd.reasons };
    return this.answered();
  }

  validateDecideRevocation(cmd: RevocationDecision): void {
    this.admitTaskForce(cmd?.actor, 'decideRevocation');
    const body = requireValid(DecideRevocation, cmd);
    const proposal = this.state.revocations.find((r) => r.findingId === cmd.findingId);
    refuse(revocationRefusal(proposal, this.state.award, body));
  }

  async decideRevocation(cmd: RevocationDecision): Promise<BranchState> {
    const { state } = this;
    this.acted('AWARD', cmd.actor);
    const proposal = state.revocations.find((r) => r.findingId === cmd.findingId)!;
    const reasons = cmd.reasons ?? [];
    let revoked: { code: string; name: string }[] = [];
    if (cmd.confirm) {
      const capstoneFalls = this.input.schedule.award.capstoneRequiresAllOthers;
      const after = revokeStar(state.award!, (cmd.star ?? proposal.star)!, reasons, capstoneFalls);
      state.award = after.award;
      state.level = after.award.level;
      revoked = after.revoked;
    }
    Object.assign(proposal, {
      status: cmd.confirm ? 'confirmed' : 'dismissed',
      revoked: revoked.map((r) => r.code),
      reasons,
    });
    this.note({
      step: state.step,
      attempt: state.attempt,
      action: 'signed',
      actor: who(cmd.actor),
      detail: `摘星：${cmd.confirm ? revoked.map((r) => r.name).join('、') : '驳回'}`,
      reasons,
    });
    const closes = this.revocationKey(cmd.findingId);
    await this.emitter.emit(
      'branch.revocation_decided',
      { findingId: cmd.findingId, closes, confirmed: cmd.confirm, reasons },
      cmd.actor,
    );
    if (revoked.length) {
      await this.emitter.emit(
        'branch.star_revoked',
        { findingId: cmd.findingId, revoked, level: state.level ?? 0, stars: this.awardedStars() },
        cmd.actor,
      );
    }
    return state;
  }

  /** Signal from a rectification past its last rung: propose 摘星 to the county task force. */
  async revocationProposed({ findingId, star, title }: RevocationProposal): Promise<void> {
    const { state } = this;
    const { branch, schedule } = this.input;
    // Signals have no validator: only a finding of this branch (its own child) may propose, and once.
    if (!state.findings.some((f) => f.findingId === findingId)) return;
    if (state.revocations.some((r) => r.findingId === findingId)) return;
    state.revocations.push({ findingId, star, title, status: 'proposed', revoked: [], reasons: [] });
    const deadline = new Date(await planDeadline(schedule, schedule.steps.AWARD)).toISOString();
    await this.emitter.emit('branch.revocation_proposed', {
      findingId,
      star,
      work: {
        key: this.revocationKey(findingId),
        kind: 'revocation_decision',
        title: `摘星审议：${branch.name}——${title}`,
        group: signerGroup(branch, 'decideRevocation'),
        deadline,
        star,
        subject: title,
      },
    });
  }

  // ——— The steps, as the workflow function walks them ———

  /** Opens one attempt of a human step and waits for its sign-off or return; gives the next step. */
  async runStep(step: HumanStep): Promise<Step> {
    const { state, emitter } = this;
    const { branch, schedule } = this.input;
    const wasEntered = this.entered === step;
    this.entered = null;
    if (!wasEntered) this.begin(step);
    const attempt = this.attempts[step];
    // The first signer owes the task (the county's observers where the city's may score too).
    const [signer] = this.signersOf(step);
    const workKey = `${this.workflowId}/${step}/${attempt}`;
    const title = `${branch.name}：${STEP_LABELS[step]}`;
    const work = await SupervisedWork.open(
      emitter,
      branch,
      schedule,
      { step, attempt },
      () => ({ key: workKey, kind: 'step', title, group: groupFor(branch, signer!.role, signer!.scope) }),
      this.dueOf(step),
    );
    const deadline = () => new Date(work.deadlineMs).toISOString();
    this.openWork = work;
    Object.assign(state, { step, attempt, deadline: deadline(), signers: this.signersOf(step) });
    const opened = this.opening(wasEntered);
    upsertSearchAttributes([{ key: StepKey, value: step }]);
    this.note({ step, attempt, action: 'opened', actor: null });
    await emitter.emit('branch.step_opened', { step, attempt, work: work.current() });
    opened();

    const ref = (w: WorkItem) => ({ step, attempt, workKey: w.key, title: w.title, deadline: w.deadline });
    await work.run(() => this.outcome !== null, {
      reminder: async (w) => {
        this.note({ step, attempt, action: 'reminded', actor: null });
        await emitter.emit('branch.step_reminder', { ...ref(w), group: w.group });
      },
      overdue: async (w) => {
        this.note({ step, attempt, action: 'overdue', actor: null });
        await emitter.emit('branch.step_overdue', { ...ref(w), group: w.group });
      },
      escalation: async (w, rung) => {
        this.note({ step, attempt, action: 'escalated', actor: null, detail: rung.level });
        const to = groupFor(branch, rung.notify.role, rung.notify.scope);
        await emitter.emit('branch.step_escalated', { ...ref(w), level: rung.level, group: to });
      },
      exhausted: async () => {
        if (step === 'SELF_CHECK' && schedule.unsignedPolicy.SELF_CHECK === 'withdraw') {
          this.outcome = { kind: 'withdrawn', reason: '逾期未提交自评，本年度视为不参与创建' };
        }
      },
    });
    this.openWork = null;
    state.deadline = deadline();

    const done = this.outcome as Outcome | null;
    if (!done) throw new Error('unreachable: supervision ended before the step was done');
    if (done.kind === 'withdrawn') {
      state.withdrawn = true;
      this.note({ step, attempt, action: 'closed', actor: null, detail: done.reason });
      await emitter.emit('branch.withdrawn', { step, attempt, closes: workKey, reason: done.reason });
      return 'CLOSED';
    }
    if (done.kind === 'return') {
      const { actor, toStep, reasons } = done;
      this.note({ step, attempt, action: 'returned', actor: who(actor), reasons, detail: toStep });
      this.enter(toStep);
      await emitter.emit('branch.step_returned', { step, attempt, closes: workKey, toStep, reasons }, actor);
      return toStep;
    }
    this.note({ step, attempt, action: 'signed', actor: who(done.actor), detail: done.decision });
    const { next, draw } = this.after(step);
    if (next) this.enter(next);
    await emitter.emit(
      'branch.step_signed',
      { step, attempt, closes: workKey, decision: done.decision },
      done.actor,
    );
    if (draw)
      await emitter.emit('branch.spot_check_drawn', { ...draw, seed: this.chain.provinceSpotCheck!.seed });
    return next ?? 'RECTIFICATION';
  }

  /** 公示 (when the round has it): the award waits out its notice period unless an objection is upheld. */
  async publicNotice(): Promise<Step> {
    const { state, emitter } = this;
    const { catalog, schedule } = this.input;
    if (schedule.publicNotice) {
      const attempt = (this.notices += 1);
      this.objection = null;
      // answer-on-accept: the award answers with the branch on notice; its end date is planned next.
      if (this.acceptsEarly) this.moveTo('PUBLIC_NOTICE', attempt);
      const until = await planDeadline(schedule, schedule.publicNotice);
      const deadline = new Date(until).toISOString();
      Object.assign(state, { step: 'PUBLIC_NOTICE', attempt, deadline, signers: this.noticeSigners() });
      upsertSearchAttributes([{ key: StepKey, value: 'PUBLIC_NOTICE' }]);
      this.note({ step: 'PUBLIC_NOTICE', attempt, action: 'opened', actor: null });
      const opened = this.opening(this.acceptsEarly);
      await emitter.emit('branch.notice_started', {
        until: new Date(until).toISOString(),
        level: state.level ?? 0,
      });
      opened();
      await condition(() => this.objection !== null, Math.max(1, until - Date.now()));
      const upheld = this.objection as { actor: Actor; toStep: HumanStep; reasons: string[] } | null;
      if (upheld) {
        const { actor, toStep, reasons } = upheld;
        this.note({
          step: 'PUBLIC_NOTICE',
          attempt,
          action: 'returned',
          actor: who(actor),
          reasons,
          detail: toStep,
        });
        state.award = null;
        state.level = null;
        this.enter(toStep);
        await emitter.emit('branch.objection_upheld', { toStep, reasons }, actor);
        return toStep;
      }
      this.note({ step: 'PUBLIC_NOTICE', attempt, action: 'closed', actor: null });
    }
    // answer-on-accept: what follows the award is known now — rectification of the findings, or the end.
    if (this.acceptsEarly) this.moveTo(this.newFindings.length > 0 ? 'RECTIFICATION' : 'CLOSED', 1);
    await emitter.emit('branch.awarded', {
      level: state.level ?? 0,
      stars: this.awardedStars(),
      catalog: { id: catalog.id, version: catalog.version },
    });
    return 'RECTIFICATION';
  }

  /** A weak branch's 整顿 (rectification F0), started before its self-check; the award waits for it. */
  async startWeakRectification(): Promise<void> {
    const weak = await this.startRectification(
      WEAK_BRANCH_FINDING_ID,
      { title: '软弱涣散党组织整顿', source: 'SELF_CHECK' },
      false,
    );
    this.children.push(handledLater(weak.done.then(() => (this.weakRectificationClosed = true))));
  }

  /** After the award: one rectification per finding recorded on the way, if any. */
  async rectify(): Promise<void> {
    if (this.newFindings.length === 0) return;
    Object.assign(this.state, { step: 'RECTIFICATION', attempt: 1, deadline: null });
    delete this.state.signers;
    upsertSearchAttributes([{ key: StepKey, value: 'RECTIFICATION' }]);
    this.note({ step: 'RECTIFICATION', attempt: 1, action: 'opened', actor: null });
    this.transitions += 1;
    // Started together, as one batch of commands (what recorded histories expect).
    const started = await Promise.all(
      this.newFindings.map((f, i) => this.startRectification(`F${i + 1}`, f, true)),
    );
    this.children.push(...started.map((c) => c.done));
  }

  /** Waits for every rectification, dismisses what is still proposed for revocation and closes the branch. */
  async close(): Promise<void> {
    const { state, emitter } = this;
    await Promise.all(this.children);
    for (const r of state.revocations.filter((x) => x.status === 'proposed')) {
      Object.assign(r, { status: 'dismissed', reasons: ['整改已销号'] });
      const closes = this.revocationKey(r.findingId);
      await emitter.emit('branch.revocation_decided', {
        findingId: r.findingId,
        closes,
        confirmed: false,
        reasons: r.reasons,
      });
    }
    Object.assign(state, { step: 'CLOSED', deadline: null });
    delete state.signers;
    upsertSearchAttributes([{ key: StepKey, value: 'CLOSED' }]);
    const opened = this.opening(false);
    this.note({ step: 'CLOSED', attempt: 1, action: 'closed', actor: null });
    await emitter.emit('branch.closed', { step: 'CLOSED', level: state.level ?? 0 });
    opened();
  }

  // ——— Transitions ———

  /** The next attempt of `step` begins: no outcome yet; a new observation starts with no sheets. */
  private begin(step: HumanStep): void {
    this.outcome = null;
    this.attempts[step] += 1;
    if (step === 'ON_SITE_OBSERVATION') this.state.observation = { sheets: [], closedBy: null };
    if (step === 'AWARD' && this.chain.naming.length) this.namingLevel = this.proposedLevel();
  }

  /**
   * Where the branch goes after signing `step` under the round's chain. Leaving observation (or the city's
   * re-check) starts a new pass through the steps above the county: their earlier verdicts go, and the
   * stars put forward now decide the re-check and the province's draw.
   */
  private after(step: HumanStep) {
    const { reviews } = this.state;
    for (const stale of staleAfter(step)) delete reviews[stale as ReviewStep];
    const { roundId, branch } = this.input;
    const at = { roundId, branchCode: branch.code, level: () => this.proposedLevel() };
    const { next, draw } = stepAfter(this.chain, step, at);
    if (draw) this.state.spotCheck = draw;
    return { next, draw };
  }

  /**
   * The stars the branch is put forward with on the record so far: the award engine's level, a weak
   * branch's 整顿 aside (it holds the award back, not the level named); 0 while the record cannot be decided.
   */
  private proposedLevel(): number {
    try {
      return this.decide({ weak: false, weakRectificationClosed: true }).level;
    } catch (err) {
      if (err instanceof AwardInputError) return 0;
      throw err;
    }
  }

  /** Who signs `step` under the chain (at the award, the task force naming its stars). */
  private signersOf(step: HumanStep): Signer[] {
    return stepSigners(step, this.chain, this.namingLevel);
  }

  /** Who decides objections in 公示: the task force that named the level on notice. */
  private noticeSigners(): Signer[] {
    return stepSigners('AWARD', this.chain, this.state.level ?? 0);
  }

  /** A step's time: the round's schedule for the core steps, the chain's for those it adds. */
  private dueOf(step: HumanStep): DueIn {
    if (step === 'CITY_RECHECK') return this.chain.cityRecheck!.due;
    if (step === 'PROVINCE_SPOT_CHECK') return this.chain.provinceSpotCheck!.due;
    return this.input.schedule.steps[step as CoreStep];
  }

  /** answer-on-accept: moves the branch into `step` at once, so the Update that left the last one answers. */
  private enter(step: HumanStep): void {
    if (!this.acceptsEarly) return;
    this.begin(step);
    this.moveTo(step, this.attempts[step]);
    this.entered = step;
  }

  /** answer-on-accept: the branch is in `step` now, its deadline still to be planned. */
  private moveTo(step: Step, attempt: number): void {
    Object.assign(this.state, { step, attempt, deadline: null });
    const human = HumanStep.safeParse(step);
    if (human.success) this.state.signers = this.signersOf(human.data);
    else delete this.state.signers;
    this.transitions += 1;
  }

  /**
   * A step is opening (its search attribute, timeline entry and event follow); call what this returns once
   * its event is out. Patch `answer-on-state-change`: the transition counts now, not after the event, so an
   * Update admitted while a step is opening cannot be answered by that opening itself; workflows started
   * before the patch keep the old order (docs/workflow-changes.md). `counted`: `enter` counted it already.
   */
  private opening(counted: boolean): () => void {
    const early = counted || this.acceptsEarly || patched('answer-on-state-change');
    if (early && !counted) this.transitions += 1;
    return () => {
      if (!early) this.transitions += 1;
    };
  }

  private async answered(): Promise<StepResult> {
    const ticket = this.transitions;
    await condition(() => this.transitions > ticket);
    return { step: this.state.step, attempt: this.state.attempt };
  }

  // ——— Helpers ———

  /** Checks shared by every sign-off validator (step, role, jurisdiction, one level per user). */
  private admit(step: HumanStep, actor: Actor | undefined, command = STEP_COMMAND[step]): void {
    if (this.state.step !== step || this.outcome !== null) {
      reject('WrongStep', `当前环节为${STEP_LABELS[this.state.step]}，不能办理${STEP_LABELS[step]}`);
    }
    // Before its first attempt begins (a weak branch's 整顿 starting, the first task) a sign-off would be
    // wiped by the opening: refused, so nothing accepted is lost.
    if (this.attempts[step] === 0) reject('WrongStep', `${STEP_LABELS[step]}尚未开始，请稍后再办理`);
    const a = requireSigner(actor, this.input.branch, command, this.signersOf(step));
    requireOneLevel(this.actedAt.get(a.userId), step);
  }

  /** 公示异议 and 摘星: a task force, acting at the award's level (`signers`: the one naming it, for 公示). */
  private admitTaskForce(actor: Actor | undefined, command: BranchCommand, signers?: Signer[]): void {
    const a = requireSigner(actor, this.input.branch, command, signers);
    requireOneLevel(this.actedAt.get(a.userId), 'AWARD');
  }

  private acted(step: HumanStep, actor: Actor): void {
    if (!this.actedAt.has(actor.userId)) this.actedAt.set(actor.userId, step);
  }

  private note(entry: Omit<TimelineEntry, 'at'>): void {
    this.state.timeline.push({ ...entry, at: new Date().toISOString() });
  }

  private recordVetoes(vetoes: VetoFound[], actor: Actor, step: Step): void {
    for (const v of vetoes) this.state.vetoes.push({ ...v, foundBy: person(actor), step });
  }

  /** The award as the engine decides it from everything recorded; throws AwardInputError on bad data. */
  private decide(
    weak = { weak: this.input.branch.weak, weakRectificationClosed: this.weakRectificationClosed },
  ) {
    const { catalog, schedule } = this.input;
    const { state } = this;
    return decideAward({
      catalog,
      targetStars: state.targetStars,
      reviews: state.reviews,
      vetoes: state.vetoes,
      observation: { sheets: state.observation.sheets, rule: schedule.observation },
      branch: weak,
      rules: schedule.award,
    });
  }

  private revocationKey(findingId: string): string {
    return `${this.workflowId}/revocation/${findingId}`;
  }

  private awardedStars() {
    return (this.state.award?.stars ?? [])
      .filter((s) => s.awarded)
      .map((s) => ({ code: s.star, name: s.name }));
  }

  /** Starts one rectification child for a finding (F0 is the weak branch's 整顿). */
  private async startRectification(findingId: string, f: NewFinding, revocable: boolean) {
    const { roundId, branch, schedule } = this.input;
    const childId = rectificationWorkflowId(roundId, branch.code, findingId);
    this.state.findings.push({ findingId, workflowId: childId, title: f.title, source: f.source });
    const child = await startChild(rectification, {
      workflowId: childId,
      args: [{ roundId, branch, findingId, title: f.title, star: f.star ?? null, revocable, schedule }],
    });
    // Wrapped: an async function returning the promise itself would wait for the child to finish.
    return { done: handledLater(child.result()) };
  }
}
