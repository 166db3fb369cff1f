import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CalendarReplanInput } from '@fivestar/contracts/workflow';

const { signalProvisionalWork } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 50 },
});

/**
 * After a calendar year is loaded: tells every workflow whose open work was counted provisionally in it
 * to plan again, twice — the second pass a while later catches work planned meanwhile from a calendar
 * copy older than the load, and workflows the visibility store listed late.
 */
export async function calendarReplan(input: CalendarReplanInput): Promise<{ told: number[] }> {
  const first = await signalProvisionalWork(input);
  await sleep('2 minutes');
  const second = await signalProvisionalWork(input);
  return { told: [first, second] };
}
