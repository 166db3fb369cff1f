import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { RectificationState } from '@fivestar/contracts';
import {
  rectificationStateQuery,
  submitEvidenceUpdate,
  verifyRectificationUpdate,
  type RectificationInput,
} from '@fivestar/contracts/workflow';
import { Emitter } from './emitter';
import { RectificationItem } from './finding/item';
import { handleWorkUpdates } from './work-handlers';

/**
 * One finding's rectification (限期整改): the village submits evidence, the township verifies and closes it
 * out (销号) or rejects it with reasons (back to evidence). One deadline for the whole item; past it the
 * escalation ladder climbs (blue → yellow → red) until the item closes. Urges and extensions apply. The
 * state and the rules live in `RectificationItem` (./finding/item.ts); this function wires its handlers.
 */
export async function rectification(input: RectificationInput): Promise<RectificationState> {
  const { roundId, branch } = input;
  // Patch `answer-on-accept`: evidence and verification answer once recorded; their events follow in order.
  const acceptsEarly = patched('answer-on-accept');
  const emitter = new Emitter({ roundId, branchId: branch.code, jurisdiction: branch.code }, 0, acceptsEarly);
  const item = new RectificationItem(input, workflowInfo().workflowId, emitter);

  setHandler(rectificationStateQuery, () => item.query());
  handleWorkUpdates(() => item.supervised());
  setHandler(submitEvidenceUpdate, (cmd) => item.submitEvidence(cmd), {
    validator: (cmd) => item.validateSubmitEvidence(cmd),
  });
  setHandler(verifyRectificationUpdate, (cmd) => item.verify(cmd), {
    validator: (cmd) => item.validateVerify(cmd),
  });

  await item.run();
  await condition(allHandlersFinished);
  if (acceptsEarly) await emitter.idle();
  return item.query();
}
