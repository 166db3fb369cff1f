import { setHandler } from '@temporalio/workflow';
import { DecideExtension, RequestExtension, Urge } from '@fivestar/contracts';
import {
  calendarChangedSignal,
  decideExtensionUpdate,
  requestExtensionUpdate,
  urgeUpdate,
} from '@fivestar/contracts/workflow';
import { reject, requireValid } from './guard';
import type { SupervisedWork } from './supervised-work';

/**
 * Urge and extension Updates, answered by whatever work is supervised at the moment; a loaded calendar
 * year re-plans it (work opened meanwhile is planned with the new year already).
 */
export function handleWorkUpdates(current: () => SupervisedWork | null): void {
  const work = (): SupervisedWork => current() ?? reject('WrongStep', '当前没有可催办或延期的事项');
  setHandler(calendarChangedSignal, async ({ calendarId, year, revision }) => {
    await current()?.replan(calendarId, year, revision);
  });
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
