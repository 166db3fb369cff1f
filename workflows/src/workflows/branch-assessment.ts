import {
  allHandlersFinished,
  condition,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ConfirmAward,
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
  type Actor,
  type BranchState,
  type HumanStep,
  type Step,
  type TimelineEntry,
  type WorkItem,
} from '@fivestar/contracts';
import {
  branchStateQuery,
  confirmAwardUpdate,
  rectificationWorkflowId,
  recordObservationUpdate,
  reviewUpdate,
  submitSelfCheckUpdate,
  type BranchAssessmentInput,
  type StepResult,
} from '../definitions';
import { REVIEW_LEVELS, decideAward, toStarDecision } from '../rules/award';
import { StepKey } from '../search-attributes';
import { Emitter } from './emitter';
import { reject, requireActor, requireValid } from './guard';
import { rectification } from './rectification';
import { SupervisedWork } from './supervised-work';
import { handleWorkUpdates } from './work-handlers';

type Outcome =
  | { kind: 'signed'; actor: Actor; decision: 'submitted' | 'approved' | 'observed' | 'awarded' }
  | { kind: 'return'; actor: Actor; toStep: HumanStep; reasons: string[] }
  | { kind: 'withdrawn'; reason: string };

interface NewFinding {
  title: string;
  source: HumanStep;
}

/**
 * One branch through one round: SELF_CHECK → TOWNSHIP_REVIEW → COUNTY_PRE_REVIEW → ON_SITE_OBSERVATION →
 * AWARD → RECTIFICATION → CLOSED. Each human step waits for its Update; reviewers may return the branch
 * to an earlier step. Every step runs under supervision (reminder, overdue, escalation ladder).
 */
export async function branchAssessment(input: BranchAssessmentInput): Promise<BranchState> {
  const { roundId, branch, catalog, schedule } = input;
  const workflowId = workflowInfo().workflowId;
  const emitter = new Emitter({ roundId, branchId: branch.code, jurisdiction: branch.code });
  const state: BranchState = {
    roundId,
    branchCode: branch.code,
    step: 'SELF_CHECK',
    attempt: 0,
    deadline: null,
    targetStars: [],
    stars: [],
    level: null,
    withdrawn: false,
    findings: [],
    timeline: [],
  };
  const attempts = Object.fromEntries(HUMAN_STEPS.map((s) => [s, 0])) as Record<HumanStep, number>;
  const signedBy = new Map<HumanStep, string>();
  const approvedBy: Partial<Record<HumanStep, string[]>> = {};
  let observationScores: Record<string, number> = {};
  const newFindings: NewFinding[] = [];
  let outcome: Outcome | null = null;
  /** The open step's supervision (deadline, urges, extensions); null between steps. */
  let openWork: SupervisedWork | null = null;
  /** Counts step entries; an Update answers once the branch has moved on. */
  let transitions = 0;

  const note = (entry: Omit<TimelineEntry, 'at'>) =>
    state.timeline.push({ ...entry, at: new Date().toISOString() });
  const who = (a: Actor) => ({ userId: a.userId, name: a.name, role: a.role });

  /** Checks shared by every sign-off validator; returns the authorised actor. */
  function admit(step: HumanStep, actor: Actor | undefined): Actor {
    if (state.step !== step || outcome !== null)
      reject('WrongStep', `当前环节为${STEP_LABELS[state.step]}，不能办理${STEP_LABELS[step]}`);
    const signer = STEP_SIGNERS[step];
    const a = requireActor(actor, signer.role, scopeCode(branch, signer.scope));
    for (const [other, userId] of signedBy) {
      if (other !== step && userId === a.userId) reject('Forbidden', '同一人不能签署同一支部的两个层级');
    }
    return a;
  }
  function knownStars(codes: string[] | undefined, field: string): void {
    const unknown = (codes ?? []).filter((c) => !catalog.stars.some((s) => s.code === c));
    if (unknown.length) reject('Invalid', `${field}: 星级代码不存在：${unknown.join('、')}`);
  }
  function knownTasks(scores: Record<string, number>): void {
    const codes = new Set(catalogTasks(catalog).map((t) => t.code));
    const unknown = Object.keys(scores).filter((c) => !codes.has(c));
    if (unknown.length) reject('Invalid', `scores: 任务代码不存在：${unknown.join('、')}`);
  }
  async function answered(): Promise<StepResult> {
    const ticket = transitions;
    await condition(() => transitions > ticket);
    return { step: state.step, attempt: state.attempt };
  }

  setHandler(branchStateQuery, () => (openWork ? { ...state, deadline: openWork.status().deadline } : state));
  handleWorkUpdates(() => (outcome === null ? openWork : null));

  setHandler(
    submitSelfCheckUpdate,
    async (cmd) => {
      state.targetStars = cmd.targetStars;
      outcome = { kind: 'signed', actor: cmd.actor, decision: 'submitted' };
      return answered();
    },
    {
      validator: (cmd) => {
        admit('SELF_CHECK', cmd?.actor);
        const body = requireValid(SubmitSelfCheck, cmd);
        knownStars(body.targetStars, 'targetStars');
        knownTasks(body.scores);
      },
    },
  );

  setHandler(
    reviewUpdate,
    async (cmd) => {
      const step = state.step as HumanStep;
      const body = Review.parse(cmd);
      body.findings.forEach((f) => newFindings.push({ title: f.title, source: step }));
      if (body.decision === 'return') {
        outcome = { kind: 'return', actor: cmd.actor, toStep: body.returnTo!, reasons: body.reasons! };
      } else {
        approvedBy[step] = body.approvedStars ?? state.targetStars;
        outcome = { kind: 'signed', actor: cmd.actor, decision: 'approved' };
      }
      return answered();
    },
    {
      validator: (cmd) => {
        if (state.step !== 'TOWNSHIP_REVIEW' && state.step !== 'COUNTY_PRE_REVIEW') {
          reject('WrongStep', `当前环节为${STEP_LABELS[state.step]}，不在审核环节`);
        }
        admit(state.step as HumanStep, cmd?.actor);
        const body = requireValid(Review, cmd);
        knownStars(body.approvedStars, 'approvedStars');
        const notClaimed = (body.approvedStars ?? []).filter((c) => !state.targetStars.includes(c));
        if (notClaimed.length)
          reject('Invalid', `approvedStars: 未申报的星级不能通过：${notClaimed.join('、')}`);
        if (body.returnTo && stepIndex(body.returnTo) >= stepIndex(state.step)) {
          reject('Invalid', 'returnTo: 只能退回到之前的环节');
        }
      },
    },
  );

  setHandler(
    recordObservationUpdate,
    async (cmd) => {
      observationScores = cmd.scores;
      RecordObservation.parse(cmd).findings.forEach((f) =>
        newFindings.push({ title: f.title, source: 'ON_SITE_OBSERVATION' }),
      );
      outcome = { kind: 'signed', actor: cmd.actor, decision: 'observed' };
      return answered();
    },
    {
      validator: (cmd) => {
        admit('ON_SITE_OBSERVATION', cmd?.actor);
        knownTasks(requireValid(RecordObservation, cmd).scores);
      },
    },
  );

  setHandler(
    confirmAwardUpdate,
    async (cmd) => {
      const approved = state.targetStars.filter((c) =>
        (['TOWNSHIP_REVIEW', 'COUNTY_PRE_REVIEW'] as const).every((s) => approvedBy[s]?.includes(c)),
      );
      const person = (s: HumanStep) => ({ userId: signedBy.get(s) ?? '', name: signedBy.get(s) ?? '' });
      const decision = decideAward({
        catalog,
        targetStars: state.targetStars,
        reviews: Object.fromEntries(
          REVIEW_LEVELS.map((s) => [
            s,
            state.targetStars.map((star) => ({
              star,
              approved: approved.includes(star),
              reasons: [],
              reviewer: person(s),
            })),
          ]),
        ),
        vetoes: [],
        observation: {
          sheets: [{ observer: person('ON_SITE_OBSERVATION'), scores: observationScores }],
          rule: { rule: 'mean', quorum: 1, outlierPoints: 0 },
        },
        branch: { weak: branch.weak, weakRectificationClosed: false },
      });
      const award = { level: decision.level, stars: decision.stars.map(toStarDecision) };
      state.stars = award.stars;
      state.level = award.level;
      outcome = { kind: 'signed', actor: cmd.actor, decision: 'awarded' };
      await answered();
      return state;
    },
    {
      validator: (cmd) => {
        admit('AWARD', cmd?.actor);
        requireValid(ConfirmAward, cmd);
      },
    },
  );

  /** Opens one attempt of a human step and waits for its sign-off or return; gives the next step. */
  async function runStep(step: HumanStep): Promise<Step> {
    outcome = null;
    attempts[step] += 1;
    const attempt = attempts[step];
    const signer = STEP_SIGNERS[step];
    const workKey = `${workflowId}/${step}/${attempt}`;
    const title = `${branch.name}：${STEP_LABELS[step]}`;
    const work = new SupervisedWork(
      emitter,
      branch,
      schedule,
      { step, attempt },
      () => ({ key: workKey, kind: 'step', title, group: groupFor(branch, signer.role, signer.scope) }),
      Date.now() + schedule.stepSeconds[step] * 1000,
    );
    const deadline = () => new Date(work.deadlineMs).toISOString();
    openWork = work;
    Object.assign(state, { step, attempt, deadline: deadline() });
    upsertSearchAttributes([{ key: StepKey, value: step }]);
    note({ step, attempt, action: 'opened', actor: null });
    await emitter.emit('branch.step_opened', { step, attempt, work: work.current() });
    transitions += 1;

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
      await emitter.emit(
        'branch.step_returned',
        { step, attempt, closes: workKey, toStep: done.toStep, reasons: done.reasons },
        done.actor,
      );
      return done.toStep;
    }
    signedBy.set(step, done.actor.userId);
    note({ step, attempt, action: 'signed', actor: who(done.actor), detail: done.decision });
    if (done.decision === 'awarded') {
      await emitter.emit(
        'branch.awarded',
        {
          level: state.level ?? 0,
          stars: state.stars.filter((s) => s.awarded).map((s) => ({ code: s.code, name: s.name })),
          catalog: { id: catalog.id, version: catalog.version },
        },
        done.actor,
      );
    }
    await emitter.emit(
      'branch.step_signed',
      { step, attempt, closes: workKey, decision: done.decision },
      done.actor,
    );
    return HUMAN_STEPS[HUMAN_STEPS.indexOf(step) + 1] ?? 'RECTIFICATION';
  }

  let step: Step = 'SELF_CHECK';
  while (step !== 'RECTIFICATION' && step !== 'CLOSED') step = await runStep(step as HumanStep);

  if (step === 'RECTIFICATION' && newFindings.length > 0) {
    Object.assign(state, { step: 'RECTIFICATION', attempt: 1, deadline: null });
    upsertSearchAttributes([{ key: StepKey, value: 'RECTIFICATION' }]);
    note({ step: 'RECTIFICATION', attempt: 1, action: 'opened', actor: null });
    transitions += 1;
    const children = await Promise.all(
      newFindings.map((f, i) => {
        const findingId = `F${i + 1}`;
        const childId = rectificationWorkflowId(roundId, branch.code, findingId);
        state.findings.push({ findingId, workflowId: childId, title: f.title, source: f.source });
        return startChild(rectification, {
          workflowId: childId,
          args: [{ roundId, branch, findingId, title: f.title, schedule }],
        });
      }),
    );
    await Promise.all(children.map((c) => c.result()));
  }

  Object.assign(state, { step: 'CLOSED', deadline: null });
  upsertSearchAttributes([{ key: StepKey, value: 'CLOSED' }]);
  note({ step: 'CLOSED', attempt: 1, action: 'closed', actor: null });
  await emitter.emit('branch.closed', { step: 'CLOSED', level: state.level ?? 0 });
  transitions += 1;
  await condition(allHandlersFinished);
  return state;
}
