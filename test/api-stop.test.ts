/**
 * Stopping the API waits for its requests (a CI flake: "Channel has been shut down" from the Temporal
 * client's retry timer, fired after a test had stopped its API while a request's Temporal call still ran).
 * A request waiting on a workflow no worker serves has its call cut at the request's bound; stop() resolves
 * only after its handler has ended, and without having to cut anything itself.
 */
import { randomBytes } from 'node:crypto';
import { createLogger } from '@fivestar/platform';
import { demoCounty } from '@fivestar/api';
import { branchWorkflowId } from '@fivestar/contracts/workflow';
import { insertRound, startTestApi, startUnservedBranch, type TestApi } from './api-support';
import { testEnv } from './support';
import { quietSchedule } from './round-schedules';
import { rural } from './rural-sheets';

const env = testEnv('api_stop');
const BOUND_MS = 1000;
const COUNTY = '411099';
const BRANCH = '411099100201';
const ROUND = `stop-${randomBytes(3).toString('hex')}`;

/** What the API logged at warn and above, in order. */
const logged: { msg: string }[] = [];
const log = createLogger('api-stop-test', 'warn', {
  write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]),
});

let api: (TestApi & { taskQueue: string }) | undefined;
let unserved: Awaited<ReturnType<typeof startUnservedBranch>> | undefined;

beforeAll(async () => {
  api = await startTestApi(
    env,
    COUNTY,
    (db) => insertRound(db, { roundId: ROUND, countyCode: COUNTY, title: '停止测试' }),
    { requestBoundMs: BOUND_MS, log },
  );
  // The branch's workflow exists, on a queue no worker polls: a query of it waits.
  const branch = demoCounty(COUNTY).branches.find((b) => b.code === BRANCH)!;
  unserved = await startUnservedBranch(env, api.taskQueue, branchWorkflowId(ROUND, BRANCH), [
    { roundId: ROUND, branch, catalog: rural, schedule: quietSchedule(3600) },
  ]);
});

afterAll(async () => {
  await unserved?.close();
  await api?.close();
});

test('stop() waits for a request waiting on Temporal, whose call ends at the bound', async () => {
  const caller = await api!.signIn(`coord-${COUNTY}`);
  const answer = caller.get(`/rounds/${ROUND}/branches/${BRANCH}`);
  // The request is in (half the bound is long on a local socket), its handler waiting on the query.
  await new Promise((resolve) => setTimeout(resolve, BOUND_MS / 2));
  const stopping = api!.close();
  api = undefined;
  const answered = await answer;
  await stopping;
  const atStop = logged.map((l) => l.msg);

  expect(answered.status).toBe(503);
  expect(answered.headers.get('retry-after')).toBeTruthy();
  // The handler ended before stop() resolved: its query was cut at the bound, not left to the closing channel.
  expect(atStop).toContain('late outcome after the answer was sent');
  // Nothing was still running when stop() had waited the bound.
  expect(atStop).not.toContain('requests still running at stop: their calls are cut');
}, 30_000);
