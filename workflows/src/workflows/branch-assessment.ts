import {
  allHandlersFinished,
  condition,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CloseObservation,
  ConfirmAward,
  DecideRevocation,
  UpholdObjection,
  HUMAN_STEPS,
  RecordObservation,
  Review,
  STEP_LABELS,
  STEP_SIGNERS,
  SubmitSelfCheck,
  catalogTasks,
  groupFor,
  scopeCode,
  stepIndex,
  WEAK_BRANCH_FINDING_ID,
  type Actor,
  type BranchState,
  type HumanStep,
  type Step,
  type TimelineEntry,
  type VetoFound,
  type WorkItem,
} from '@fivestar/contracts';
import {
  branchStateQuery,
  closeObservationUpdate,
  confirmAwardUpdate,
  decideRevocationUpdate,
  revocationProposedSignal,
  upholdObjectionUpdate,
  rectificationWorkflowId,
  recordObservationUpdate,
  reviewUpdate,
  submitSelfCheckUpdate,
  type BranchAssessmentInput,
  type StepResult,
} from '@fivestar/contracts/workflow';
import { decideAward, type ReviewLevel } from '../rules/award';
import { evidenceGaps } from '../rules/evidence';
import { quorumMet } from '../rules/observation';
import { StepKey } from '@fivestar/contracts/workflow';
import { Emitter } from './emitter';
import { reject, requireActor, requireOneLevel, requireValid } from './guard';
import { rectification } from './rectification';
import { SupervisedWork, planDeadline } from './supervised-work';
import { handleWorkUpdates } from './work-handlers';

type Outcome =
  | { kind: 'signed'; actor: Actor; decision: 'submitted' | 'approved' | 'observed' | 'awarded' }
  | { kind: 'return'; actor: Actor; toStep: HumanStep; reasons: string[] }
  | { kind: 'withdrawn'; reason: string };

interface NewFinding {
  title: string;
  source: HumanStep;
  star?: string;
}

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
 * One branch through one round: SELF_CHECK → TOWNSHIP_REVIEW → COUNTY_PRE_REVIEW → ON_SITE_OBSERVATION →
 * AWARD → RECTIFICATION → CLOSED. Each human step waits for its Update; reviewers decide per star and may
 * return the branch to an earlier step; an observation team scores until the lead closes it at quorum;
 * the award engine explains every star. Every step runs under supervision (reminder, overdue, ladder,
 * urges, extensions).
 */
export async function branchAssessment(input: BranchAssessmentInput): Promise<BranchState> {
  const { roundId, branch, catalog, schedule } = input;
  const workflowId = workflowInfo().workflowId;
  /**
   * Patch `answer-on-accept`: a sign-off is answered as soon as the branch has moved to its next step,
   * before the events and the next step's planning go out (they follow in order). Workflows started
   * before the patch keep the old timing (docs/workflow-changes.md).
   */
  const acceptsEarly = patched('answer-on-accept');
  const emitter = new Emitter({ roundId, branchId: branch.code, jurisdiction: branch.code }, 0, acceptsEarly);
  const state: BranchState = {
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
  const attempts = Object.fromEntries(HUMAN_STEPS.map((s) => [s, 0])) as Record<HumanStep, number>;
  /** The level each user acted at on this branch (signed, returned, scored, decided): one level per user. */
  const actedAt = new Map<string, HumanStep>();
  const acted = (step: HumanStep, actor: Actor) => {
    if (!actedAt.has(actor.userId)) actedAt.set(actor.userId, step);
  };
  const newFindings: NewFinding[] = [];
  let outcome: Outcome | null = null;
  /** The open step's supervision (deadline, urges, extensions); null between steps. */
  let openWork: SupervisedWork | null = null;
  /** Counts step entries; an Update answers once the branch has moved on. */
  let transitions = 0;
  /** A weak and lax branch (软弱涣散) runs its 整顿 as rectification F0 from the start; no stars before it closes. */
  let weakRectificationClosed = !branch.weak;
  /** An objection upheld during public notice (公示), sending the branch back. */
  let objection: { actor: Actor; toStep: HumanStep; reasons: string[] } | null = null;
  let notices = 0;

  const note = (entry: Omit<TimelineEntry, 'at'>) =>
    state.timeline.push({ ...entry, at: new Date().toISOString() });
  const who = (a: Actor) => ({ userId: a.userId, name: a.name, role: a.role });
  const person = (a: Actor) => ({ userId: a.userId, name: a.name });

  /** Checks shared by every sign-off validator (step, role, jurisdiction, one level per user). */
  function admit(step: HumanStep, actor: Actor | undefined): Actor {
    if (state.step !== step || outcome !== null)
      reject('WrongStep', `当前环节为${STEP_LABELS[state.step]}，不能办理${STEP_LABELS[step]}`);
    const signer = STEP_SIGNERS[step];
    const a = requireActor(actor, signer.role, scopeCode(branch, signer.scope));
    requireOneLevel(actedAt.get(a.userId), step);
    return a;
  }
  function knownStars(codes: string[], field: string): void {
    const unknown = codes.filter((c) => !catalog.stars.some((s) => s.code === c));
    if (unknown.length) reject('Invalid', `星级代码不存在：${unknown.join('、')}`, field);
  }
  function knownTasks(scores: Record<string, number>): void {
    const codes = new Set(catalogTasks(catalog).map((t) => t.code));
    const unknown = Object.keys(scores).filter((c) => !codes.has(c));
    if (unknown.length) reject('Invalid', `任务代码不存在：${unknown.join('、')}`, 'scores');
  }
  function knownVetoes(vetoes: VetoFound[]): void {
    const codes = new Set(catalogTasks(catalog).flatMap((t) => t.vetoes.map((v) => v.code)));
    const unknown = vetoes.filter((v) => !codes.has(v.vetoCode)).map((v) => v.vetoCode);
    if (unknown.length) reject('Invalid', `否决条件代码不存在：${unknown.join('、')}`, 'vetoes');
  }
  function recordVetoes(vetoes: VetoFound[], actor: Actor, step: Step): void {
    for (const v of vetoes) state.vetoes.push({ ...v, foundBy: person(actor), step });
  }
  /**
   * Patch `answer-on-state-change`: count a transition when the state changes, not after its event is
   * out, so an Update admitted while a step is opening cannot be answered by that opening itself.
   * Workflows started before the patch keep the old order (docs/workflow-changes.md).
   */
  const answersOnStateChange = () => acceptsEarly || patched('answer-on-state-change');
  /** The step already entered by `enter` (answer-on-accept), whose runStep must not enter it again. */
  let entered: HumanStep | null = null;
  /** answer-on-accept: moves the branch into `step` at once, so the Update that left the last one answers. */
  function enter(step: HumanStep): void {
    if (!acceptsEarly) return;
    outcome = null;
    attempts[step] += 1;
    if (step === 'ON_SITE_OBSERVATION') state.observation = { sheets: [], closedBy: null };
    Object.assign(state, { step, attempt: attempts[step], deadline: null });
    transitions += 1;
    entered = step;
  }
  /** answer-on-accept: the branch past its human steps (公示, rectification, closed), its deadline still to come. */
  function moveTo(step: 'PUBLIC_NOTICE' | 'RECTIFICATION' | 'CLOSED', attempt: number): void {
    Object.assign(state, { step, attempt, deadline: null });
    transitions += 1;
  }
  async function answered(): Promise<StepResult> {
    const ticket = transitions;
    await condition(() => transitions > ticket);
    return { step: state.step, attempt: state.attempt };
  }
  /** The award as the engine decides it from everything recorded; throws AwardInputError on bad data. */
  const decide = () =>
    decideAward({
      catalog,
      targetStars: state.targetStars,
      reviews: state.reviews,
      vetoes: state.vetoes,
      observation: { sheets: state.observation.sheets, rule: schedule.observation },
      branch: { weak: branch.weak, weakRectificationClosed },
      rules: schedule.award,
    });

  setHandler(branchStateQuery, () => {
    if (!openWork) return state;
    const { deadline, provisional } = openWork.status();
    return provisional ? { ...state, deadline, provisional } : { ...state, deadline };
  });
  handleWorkUpdates(() => (outcome === null ? openWork : null));

  setHandler(
    submitSelfCheckUpdate,
    async (cmd) => {
      const body = SubmitSelfCheck.parse(cmd);
      acted('SELF_CHECK', cmd.actor);
      state.targetStars = body.targetStars;
      state.selfCheck = { scores: body.scores, notes: body.notes ?? null, evidence: body.evidence };
      outcome = { kind: 'signed', actor: cmd.actor, decision: 'submitted' };
      return answered();
    },
    {
      validator: (cmd) => {
        admit('SELF_CHECK', cmd?.actor);
        const body = requireValid(SubmitSelfCheck, cmd);
        knownStars(body.targetStars, 'targetStars');
        knownTasks(body.scores);
        const gaps = evidenceGaps(catalog, body.targetStars, body.evidence);
        if (gaps.unknown.length)
          reject('Invalid', `佐证材料要求代码不存在：${gaps.unknown.join('、')}`, 'evidence');
        if (gaps.missing.length) {
          const list = gaps.missing.map((m) => `${m.requirement}（${m.title}）`).join('、');
          reject('Invalid', `申报星级缺少佐证材料：${list}`, 'evidence');
        }
      },
    },
  );

  setHandler(
    reviewUpdate,
    async (cmd) => {
      const step = state.step as ReviewLevel;
      const body = Review.parse(cmd);
      acted(step, cmd.actor);
      body.findings.forEach((f) => newFindings.push({ title: f.title, source: step, star: f.star }));
      recordVetoes(body.vetoes, cmd.actor, step);
      if (body.decision === 'return') {
        outcome = { kind: 'return', actor: cmd.actor, toStep: body.returnTo!, reasons: body.reasons! };
      } else {
        state.reviews[step] = body.stars.map((v) => ({
          star: v.star,
          approved: v.approved,
          reasons: v.reasons ?? [],
          reviewer: person(cmd.actor),
        }));
        outcome = { kind: 'signed', actor: cmd.actor, decision: 'approved' };
      }
      return answered();
    },
    {
      validator: (cmd) => {
        if (state.step !== 'TOWNSHIP_REVIEW' && state.step !== 'COUNTY_PRE_REVIEW') {
          reject('WrongStep', `当前环节为${STEP_LABELS[state.step]}，不在审核环节`);
        }
        admit(state.step, cmd?.actor);
        const body = requireValid(Review, cmd);
        knownVetoes(body.vetoes);
        if (body.returnTo && stepIndex(body.returnTo) >= stepIndex(state.step)) {
          reject('Invalid', '只能退回到之前的环节', 'returnTo');
        }
        if (body.decision !== 'approve') return;
        const decided = body.stars.map((v) => v.star);
        const stray = decided.filter((c) => !state.targetStars.includes(c));
        if (stray.length) reject('Invalid', `未申报的星级不能审核：${stray.join('、')}`, 'stars');
        const twice = decided.filter((c, i) => decided.indexOf(c) !== i);
        if (twice.length) reject('Invalid', `同一星级重复审核：${twice.join('、')}`, 'stars');
        const open = state.targetStars.filter((c) => !decided.includes(c));
        if (open.length) reject('Invalid', `请对每颗申报星级作出审核意见，尚缺：${open.join('、')}`, 'stars');
      },
    },
  );

  setHandler(
    recordObservationUpdate,
    async (cmd) => {
      const body = RecordObservation.parse(cmd);
      acted('ON_SITE_OBSERVATION', cmd.actor);
      const sheets = state.observation.sheets.filter((s) => s.observer.userId !== cmd.actor.userId);
      state.observation.sheets = [...sheets, { observer: person(cmd.actor), scores: body.scores }];
      recordVetoes(body.vetoes, cmd.actor, 'ON_SITE_OBSERVATION');
      body.findings.forEach((f) => newFindings.push({ title: f.title, source: 'ON_SITE_OBSERVATION' }));
      return { step: state.step, attempt: state.attempt, sheets: state.observation.sheets.length };
    },
    {
      validator: (cmd) => {
        admit('ON_SITE_OBSERVATION', cmd?.actor);
        const body = requireValid(RecordObservation, cmd);
        knownTasks(body.scores);
        knownVetoes(body.vetoes);
      },
    },
  );

  setHandler(
    closeObservationUpdate,
    async (cmd) => {
      acted('ON_SITE_OBSERVATION', cmd.actor);
      state.observation.closedBy = person(cmd.actor);
      outcome = { kind: 'signed', actor: cmd.actor, decision: 'observed' };
      return answered();
    },
    {
      validator: (cmd) => {
        admit('ON_SITE_OBSERVATION', cmd?.actor);
        requireValid(CloseObservation, cmd);
        const claimedTasks = catalog.stars
          .filter((s) => state.targetStars.includes(s.code))
          .flatMap((s) => s.tasks.map((t) => t.code));
        if (!quorumMet(state.observation.sheets, schedule.observation, claimedTasks)) {
          reject(
            'Conflict',
            `评分表不足：需至少${schedule.observation.quorum}名观摩员对申报星级的全部任务评分，现有${state.observation.sheets.length}份`,
          );
        }
      },
    },
  );

  setHandler(
    confirmAwardUpdate,
    async (cmd) => {
      acted('AWARD', cmd.actor);
      const decision = decide();
      state.award = decision;
      state.level = decision.level;
      outcome = { kind: 'signed', actor: cmd.actor, decision: 'awarded' };
      await answered();
      return state;
    },
    {
      validator: (cmd) => {
        admit('AWARD', cmd?.actor);
        requireValid(ConfirmAward, cmd);
        if (!weakRectificationClosed) reject('Conflict', '软弱涣散党组织整顿尚未销号，暂不能授星');
        try {
          decide();
        } catch (err) {
          reject('Invalid', `${err instanceof Error ? err.message : String(err)}`, 'award');
        }
      },
    },
  );

  setHandler(
    upholdObjectionUpdate,
    async (cmd) => {
      acted('AWARD', cmd.actor);
      objection = { actor: cmd.actor, toStep: cmd.returnTo, reasons: cmd.reasons };
      return answered();
    },
    {
      validator: (cmd) => {
        if (state.step !== 'PUBLIC_NOTICE' || objection) reject('WrongStep', '当前不在公示期');
        const a = requireActor(cmd?.actor, 'coordinator', branch.countyCode);
        requireOneLevel(actedAt.get(a.userId), 'AWARD');
        requireValid(UpholdObjection, cmd);
      },
    },
  );

  setHandler(revocationProposedSignal, async ({ findingId, star, title }) => {
    // Signals have no validator: only a finding of this branch (its own child) may propose, and once.
    if (!state.findings.some((f) => f.findingId === findingId)) return;
    if (state.revocations.some((r) => r.findingId === findingId)) return;
    state.revocations.push({ findingId, star, title, status: 'proposed', revoked: [], reasons: [] });
    const deadline = new Date(await planDeadline(schedule, schedule.steps.AWARD)).toISOString();
    await emitter.emit('branch.revocation_proposed', {
      findingId,
      star,
      work: {
        key: revocationKey(findingId),
        kind: 'revocation_decision',
        title: `摘星审议：${branch.name}——${title}`,
        group: groupFor(branch, 'coordinator', 'county'),
        deadline,
        star,
        subject: title,
      },
    });
  });

  setHandler(
    decideRevocationUpdate,
    async (cmd) => {
      acted('AWARD', cmd.actor);
      const proposal = state.revocations.find((r) => r.findingId === cmd.findingId)!;
      const reasons = cmd.reasons ?? [];
      let revoked: { code: string; name: string }[] = [];
      if (cmd.confirm) revoked = revokeStar((cmd.star ?? proposal.star)!, reasons);
      Object.assign(proposal, {
        status: cmd.confirm ? 'confirmed' : 'dismissed',
        revoked: revoked.map((r) => r.code),
        reasons,
      });
      note({
        step: state.step,
        attempt: state.attempt,
        action: 'signed',
        actor: who(cmd.actor),
        detail: `摘星：${cmd.confirm ? revoked.map((r) => r.name).join('、') : '驳回'}`,
        reasons,
      });
      const closes = revocationKey(cmd.findingId);
      await emitter.emit(
        'branch.revocation_decided',
        { findingId: cmd.findingId, closes, confirmed: cmd.confirm, reasons },
        cmd.actor,
      );
      if (revoked.length) {
        await emitter.emit(
          'branch.star_revoked',
          { findingId: cmd.findingId, revoked, level: state.level ?? 0, stars: awardedStars() },
          cmd.actor,
        );
      }
      return state;
    },
    {
      validator: (cmd) => {
        const a = requireActor(cmd?.actor, 'coordinator', branch.countyCode);
        requireOneLevel(actedAt.get(a.userId), 'AWARD');
        const body = requireValid(DecideRevocation, cmd);
        const proposal = state.revocations.find(
          (r) => r.findingId === cmd.findingId && r.status === 'proposed',
        );
        if (!proposal) reject('Conflict', '没有待审议的摘星建议');
        if (!body.confirm) return;
        const star = body.star ?? proposal.star;
        if (!star) reject('Invalid', '请指定要摘除的星级', 'star');
        if (!state.award?.stars.some((s) => s.star === star && s.awarded)) {
          reject('Invalid', `该支部当前未获评此星：${star}`, 'star');
        }
      },
    },
  );

  const revocationKey = (findingId: string) => `${workflowId}/revocation/${findingId}`;
  const awardedStars = () =>
    (state.award?.stars ?? []).filter((s) => s.awarded).map((s) => ({ code: s.star, name: s.name }));

  /** Takes `code` away (and the capstone with it, under the capstone rule); returns what was revoked. */
  function revokeStar(code: string, reasons: string[]): { code: string; name: string }[] {
    const award = state.award!;
    const capstoneFalls = schedule.award.capstoneRequiresAllOthers;
    const taken = award.stars.filter(
      (s) => s.awarded && (s.star === code || (capstoneFalls && s.capstone && s.star !== code)),
    );
    for (const s of taken) {
      s.awarded = false;
      const why =
        s.star === code ? `摘星：${reasons.join('；') || '整改逾期未完成'}` : '统领星随其他星级摘除';
      s.reasons.push(why);
      s.why = why;
    }
    award.awardedStars = award.stars.filter((s) => s.awarded).map((s) => s.star);
    award.level = award.awardedStars.length;
    state.level = award.level;
    return taken.map((s) => ({ code: s.star, name: s.name }));
  }

  /** 公示 (when the round has it): the award waits out its notice period unless an objection is upheld. */
  async function publicNotice(): Promise<Step> {
    if (schedule.publicNotice) {
      notices += 1;
      objection = null;
      // answer-on-accept: the award answers with the branch on notice; its end date is planned next.
      if (acceptsEarly) moveTo('PUBLIC_NOTICE', notices);
      const until = await planDeadline(schedule, schedule.publicNotice);
      Object.assign(state, {
        step: 'PUBLIC_NOTICE',
        attempt: notices,
        deadline: new Date(until).toISOString(),
      });
      upsertSearchAttributes([{ key: StepKey, value: 'PUBLIC_NOTICE' }]);
      note({ step: 'PUBLIC_NOTICE', attempt: notices, action: 'opened', actor: null });
      const early = answersOnStateChange();
      if (early && !acceptsEarly) transitions += 1;
      await emitter.emit('branch.notice_started', {
        until: new Date(until).toISOString(),
        level: state.level ?? 0,
      });
      if (!early) transitions += 1;
      await condition(() => objection !== null, Math.max(1, until - Date.now()));
      const upheld = objection as { actor: Actor; toStep: HumanStep; reasons: string[] } | null;
      if (upheld) {
        note({
          step: 'PUBLIC_NOTICE',
          attempt: notices,
          action: 'returned',
          actor: who(upheld.actor),
          reasons: upheld.reasons,
          detail: upheld.toStep,
        });
        state.award = null;
        state.level = null;
        enter(upheld.toStep);
        await emitter.emit(
          'branch.objection_upheld',
          { toStep: upheld.toStep, reasons: upheld.reasons },
          upheld.actor,
        );
        return upheld.toStep;
      }
      note({ step: 'PUBLIC_NOTICE', attempt: notices, action: 'closed', actor: null });
    }
    // answer-on-accept: what follows the award is known now — rectification of the findings, or the end.
    if (acceptsEarly) moveTo(newFindings.length > 0 ? 'RECTIFICATION' : 'CLOSED', 1);
    await emitter.emit('branch.awarded', {
      level: state.level ?? 0,
      stars: awardedStars(),
      catalog: { id: catalog.id, version: catalog.version },
    });
    return 'RECTIFICATION';
  }

  /** Opens one attempt of a human step and waits for its sign-off or return; gives the next step. */
  async function runStep(step: HumanStep): Promise<Step> {
    const wasEntered = entered === step;
    entered = null;
    if (!wasEntered) {
      outcome = null;
      attempts[step] += 1;
      if (step === 'ON_SITE_OBSERVATION') state.observation = { sheets: [], closedBy: null };
    }
    const attempt = attempts[step];
    const signer = STEP_SIGNERS[step];
    const workKey = `${workflowId}/${step}/${attempt}`;
    const title = `${branch.name}：${STEP_LABELS[step]}`;
    const work = await SupervisedWork.open(
      emitter,
      branch,
      schedule,
      { step, attempt },
      () => ({ key: workKey, kind: 'step', title, group: groupFor(branch, signer.role, signer.scope) }),
      schedule.steps[step],
    );
    const deadline = () => new Date(work.deadlineMs).toISOString();
    openWork = work;
    Object.assign(state, { step, attempt, deadline: deadline() });
    const early = wasEntered || answersOnStateChange();
    if (early && !wasEntered) transitions += 1;
    upsertSearchAttributes([{ key: StepKey, value: step }]);
    note({ step, attempt, action: 'opened', actor: null });
    await emitter.emit('branch.step_opened', { step, attempt, work: work.current() });
    if (!early) transitions += 1;

    const ref = (w: WorkItem) => ({ step, attempt, workKey: w.key, title: w.title, deadline: w.deadline });
    await work.run(() => outcome !== null, {
      reminder: async (w) => {
        note({ step, attempt, action: 'reminded', actor: null });
        await emitter.emit('branch.step_reminder', { ...ref(w), group: w.group });
      },
      overdue: async (w) => {
        note({ step, attempt, action: 'overdue', actor: null });
        await emitter.emit('branch.step_overdue', { ...ref(w), group: w.group });
      },
      escalation: async (w, rung) => {
        note({ step, attempt, action: 'escalated', actor: null, detail: rung.level });
        const to = groupFor(branch, rung.notify.role, rung.notify.scope);
        await emitter.emit('branch.step_escalated', { ...ref(w), level: rung.level, group: to });
      },
      exhausted: async () => {
        if (step === 'SELF_CHECK' && schedule.unsignedPolicy.SELF_CHECK === 'withdraw') {
          outcome = { kind: 'withdrawn', reason: '逾期未提交自评，本年度视为不参与创建' };
        }
      },
    });
    openWork = null;
    state.deadline = deadline();

    const done = outcome as Outcome | null;
    if (!done) throw new Error('unreachable: supervision ended before the step was done');
    if (done.kind === 'withdrawn') {
      state.withdrawn = true;
      note({ step, attempt, action: 'closed', actor: null, detail: done.reason });
      await emitter.emit('branch.withdrawn', { step, attempt, closes: workKey, reason: done.reason });
      return 'CLOSED';
    }
    if (done.kind === 'return') {
      note({
        step,
        attempt,
        action: 'returned',
        actor: who(done.actor),
        reasons: done.reasons,
        detail: done.toStep,
      });
      enter(done.toStep);
      await emitter.emit(
        'branch.step_returned',
        { step, attempt, closes: workKey, toStep: done.toStep, reasons: done.reasons },
        done.actor,
      );
      return done.toStep;
    }
    note({ step, attempt, action: 'signed', actor: who(done.actor), detail: done.decision });
    const next = HUMAN_STEPS[HUMAN_STEPS.indexOf(step) + 1];
    if (next) enter(next);
    await emitter.emit(
      'branch.step_signed',
      { step, attempt, closes: workKey, decision: done.decision },
      done.actor,
    );
    return next ?? 'RECTIFICATION';
  }

  const children: Promise<unknown>[] = [];
  /** Starts one rectification child for a finding (F0 is the weak branch's 整顿). */
  async function startRectification(findingId: string, f: NewFinding, revocable: boolean) {
    const childId = rectificationWorkflowId(roundId, branch.code, findingId);
    state.findings.push({ findingId, workflowId: childId, title: f.title, source: f.source });
    const child = await startChild(rectification, {
      workflowId: childId,
      args: [{ roundId, branch, findingId, title: f.title, star: f.star ?? null, revocable, schedule }],
    });
    // Wrapped: an async function returning the promise itself would wait for the child to finish.
    return { done: handledLater(child.result()) };
  }
  if (branch.weak) {
    const weak = await startRectification(
      WEAK_BRANCH_FINDING_ID,
      { title: '软弱涣散党组织整顿', source: 'SELF_CHECK' },
      false,
    );
    children.push(handledLater(weak.done.then(() => (weakRectificationClosed = true))));
  }

  let step: Step = 'SELF_CHECK';
  while (step !== 'RECTIFICATION' && step !== 'CLOSED') {
    step = await runStep(step as HumanStep);
    if (step === 'RECTIFICATION') step = await publicNotice();
  }

  if (step === 'RECTIFICATION' && newFindings.length > 0) {
    Object.assign(state, { step: 'RECTIFICATION', attempt: 1, deadline: null });
    upsertSearchAttributes([{ key: StepKey, value: 'RECTIFICATION' }]);
    note({ step: 'RECTIFICATION', attempt: 1, action: 'opened', actor: null });
    transitions += 1;
    // Started together, as one batch of commands (what recorded histories expect).
    const started = await Promise.all(newFindings.map((f, i) => startRectification(`F${i + 1}`, f, true)));
    children.push(...started.map((c) => c.done));
  }
  await Promise.all(children);

  for (const r of state.revocations.filter((x) => x.status === 'proposed')) {
    Object.assign(r, { status: 'dismissed', reasons: ['整改已销号'] });
    const closes = revocationKey(r.findingId);
    await emitter.emit('branch.revocation_decided', {
      findingId: r.findingId,
      closes,
      confirmed: false,
      reasons: r.reasons,
    });
  }
  Object.assign(state, { step: 'CLOSED', deadline: null });
  upsertSearchAttributes([{ key: StepKey, value: 'CLOSED' }]);
  const early = answersOnStateChange();
  if (early) transitions += 1;
  note({ step: 'CLOSED', attempt: 1, action: 'closed', actor: null });
  await emitter.emit('branch.closed', { step: 'CLOSED', level: state.level ?? 0 });
  if (!early) transitions += 1;
  await condition(allHandlersFinished);
  if (acceptsEarly) await emitter.idle();
  return state;
}
