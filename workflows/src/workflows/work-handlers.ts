import { setHandler } from '@temporalio/workflow';
import { DecideExtension, RequestExtension, Urge } from '@fivestar/contracts';
import { decideExtensionUpdate, requestExtensionUpdate, urgeUpdate } from '../definitions';
import { reject, requireValid } from './guard';
import type { SupervisedWork } from './supervised-work';

/** Urge and extension Updates, answered by whatever work is supervised at the moment. */
export function handleWorkUpdates(current: () => SupervisedWork | null): void {
  const work = (): SupervisedWork => current() ?? reject('WrongStep', '当前没有可催办或延期的事项');
  setHandler(urgeUpdate, (cmd) => work().urge(cmd.actor, cmd.note), {
    validator: (cmd) => {
      requireValid(Urge, cmd);
      work().checkUrge(cmd?.actor);
    },
  });
  setHandler(requestExtensionUpdate, (cmd) => work().request(cmd.actor, cmd), {
    validator: (cmd) => work().checkRequest(cmd?.actor, requireValid(RequestExtension, cmd)),
  });
  setHandler(decideExtensionUpdate, (cmd) => work().decide(cmd.actor, cmd.approved, cmd.reasons ?? []), {
    validator: (cmd) => {
      requireValid(DecideExtension, cmd);
      work().checkDecision(cmd?.actor);
    },
  });
}
