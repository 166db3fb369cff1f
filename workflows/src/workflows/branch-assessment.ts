import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_CHAIN, type BranchState, type HumanStep, type Step } from '@fivestar/contracts';
import {
  branchStateQuery,
  closeObservationUpdate,
  confirmAwardUpdate,
  decideRevocationUpdate,
  recordObservationUpdate,
  reviewUpdate,
  revocationProposedSignal,
  submitSelfCheckUpdate,
  upholdObjectionUpdate,
  type BranchAssessmentInput,
} from '@fivestar/contracts/workflow';
import { BranchCycle } from './branch/cycle';
import { Emitter } from './emitter';
import { handleWorkUpdates } from './work-handlers';

/**
 * One branch through one round: SELF_CHECK → TOWNSHIP_REVIEW → COUNTY_PRE_REVIEW → ON_SITE_OBSERVATION →
 * (市复核 → 省抽查, as the round's chain says) → AWARD → (公示) → RECTIFICATION → CLOSED. Each human step waits for its Update; reviewers decide per star
 * and may return the branch to an earlier step; an observation team scores until the lead closes it at
 * quorum; the award engine explains every star. Every step runs under supervision (reminder, overdue,
 * ladder, urges, extensions). The state and the rules live in `BranchCycle` (./branch/cycle.ts); this
 * function wires its handlers and walks its steps.
 */
export async function branchAssessment(input: BranchAssessmentInput): Promise<BranchState> {
  const { roundId, branch } = input;
  // Patch `answer-on-accept` (see BranchCycle): asked first, as every recorded history since has it.
  const acceptsEarly = patched('answer-on-accept');
  // Patch `chain-template`: the round's chain (issue 12); workflows started before it run today's.
  const chain = patched('chain-template') ? (input.chain ?? DEFAULT_CHAIN) : DEFAULT_CHAIN;
  const emitter = new Emitter({ roundId, branchId: branch.code, jurisdiction: branch.code }, 0, acceptsEarly);
  const cycle = new BranchCycle(input, workflowInfo().workflowId, emitter, acceptsEarly, chain);

  setHandler(branchStateQuery, () => cycle.query());
  handleWorkUpdates(() => cycle.supervised());
  setHandler(submitSelfCheckUpdate, (cmd) => cycle.submitSelfCheck(cmd), {
    validator: (cmd) => cycle.validateSubmitSelfCheck(cmd),
  });
  setHandler(reviewUpdate, (cmd) => cycle.review(cmd), {
    validator: (cmd) => cycle.validateReview(cmd),
  });
  setHandler(recordObservationUpdate, (cmd) => cycle.recordObservation(cmd), {
    validator: (cmd) => cycle.validateRecordObservation(cmd),
  });
  setHandler(closeObservationUpdate, (cmd) => cycle.closeObservation(cmd), {
    validator: (cmd) => cycle.validateCloseObservation(cmd),
  });
  setHandler(confirmAwardUpdate, (cmd) => cycle.confirmAward(cmd), {
    validator: (cmd) => cycle.validateConfirmAward(cmd),
  });
  setHandler(upholdObjectionUpdate, (cmd) => cycle.upholdObjection(cmd), {
    validator: (cmd) => cycle.validateUpholdObjection(cmd),
  });
  setHandler(decideRevocationUpdate, (cmd) => cycle.decideRevocation(cmd), {
    validator: (cmd) => cycle.validateDecideRevocation(cmd),
  });
  setHandler(revocationProposedSignal, (proposal) => cycle.revocationProposed(proposal));

  if (branch.weak) await cycle.startWeakRectification();
  let step: Step = 'SELF_CHECK';
  while (step !== 'RECTIFICATION' && step !== 'CLOSED') {
    step = await cycle.runStep(step as HumanStep);
    if (step === 'RECTIFICATION') step = await cycle.publicNotice();
  }
  if (step === 'RECTIFICATION') await cycle.rectify();
  await cycle.close();
  await condition(allHandlersFinished);
  if (acceptsEarly) await emitter.idle();
  return cycle.state;
}
