/**
 * No request waits without bound (issue: a sign-off hung while the worker retried forever). The API
 * alone, with a 1.5 s bound, a Temporal task queue no worker polls and a tasks service that takes
 * requests and never answers: every operation of the OpenAPI document, called by a user allowed to call
 * it, answers within the bound (plus slack) — a sign-off that was not taken with 503 and Retry-After.
 * Then a worker comes: the same request with the same Idempotency-Key is the same command, taken once.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CalendarSource, connectNats, jetstreamClient, type NatsConnection } from '@fivestar/platform';
import { demoCounty } from '@fivestar/api';
import { branchWorkflowId } from '@fivestar/contracts/workflow';
import { createActivities } from '@fivestar/workflows';
import { insertRound, startTestApi, startUnservedBranch, type Caller, type TestApi } from './api-support';
import { connectStream, testEnv } from './support';
import { quietSchedule } from './round-schedules';
import { rural } from './rural-sheets';

const env = testEnv('request_bound');
const BOUND_MS = 1500;
/** What an answer may take beyond the bound: writing it, the event loop, a loaded CI machine. */
const SLACK_MS = 1500;
const COUNTY = '411099';
const BRANCH = '411099100201';
const ROUND = `bound-${randomBytes(3).toString('hex')}`;

let api: TestApi & { taskQueue: string };
let nc: NatsConnection;
let unserved: Awaited<ReturnType<typeof startUnservedBranch>> | undefined;
let temporal: Client;
const callers: Record<string, Caller> = {};

/** A user of each role of the demo county. */
const USERS: Record<string, string> = {
  village_secretary: `sec-${BRANCH}`,
  township_reviewer: `twp-${BRANCH.slice(0, 9)}-1`,
  county_reviewer: `cty-${COUNTY}-1`,
  observer: `obs-${COUNTY}-1`,
  coordinator: `coord-${COUNTY}`,
  admin: `admin-${COUNTY}`,
};

/** Plausible values for every path parameter the API declares. */
const PATH_VALUES: Record<string, string> = {
  roundId: ROUND,
  code: BRANCH,
  findingId: 'F1',
  commandId: 'cmd-unknown',
  countyCode: COUNTY,
  calendarId: 'cn-mainland',
  year: '2027',
  id: 'rural-default',
  version: '1',
  username: `sec-${BRANCH}`,
  sha256: '0'.repeat(64),
  period: '2026-12',
};

beforeAll(async () => {
  api = await startTestApi(
    env,
    COUNTY,
    (db) => insertRound(db, { roundId: ROUND, countyCode: COUNTY, title: '时限测试' }),
    { requestBoundMs: BOUND_MS },
  );
  nc = await connectStream(env);
  // A tasks service that takes every request and never answers (a hung process, not an absent one).
  nc.subscribe('fivestar.svc.tasks.>', { callback: () => undefined });
  await nc.flush();
  for (const [role, username] of Object.entries(USERS)) callers[role] = await api.signIn(username);
  // The branch's workflow exists, on a queue no worker polls yet.
  const branch = demoCounty(COUNTY).branches.find((b) => b.code === BRANCH)!;
  unserved = await startUnservedBranch(env, api.taskQueue, branchWorkflowId(ROUND, BRANCH), [
    { roundId: ROUND, branch, catalog: rural, schedule: quietSchedule(3600) },
  ]);
  temporal = unserved.temporal;
});

afterAll(async () => {
  await unserved?.close();
  await nc?.close();
  await api?.close();
});

interface Operation {
  method: string;
  path: string;
  access: string | string[];
}

test('every operation answers within the bound when the engine and a service do not', async () => {
  const doc = (await callers.admin!.get('/openapi.json')).body;
  const operations: Operation[] = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
    ([p, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method,
        path: p.replace(/^\/api/, ''),
        access: op['x-fivestar-access'],
      })),
  );
  expect(operations.length).toBeGreaterThan(50);
  const slow: string[] = [];
  const unbounded503: string[] = [];
  let waited = 0;
  const queue = [...operations];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let op = queue.shift(); op; op = queue.shift()) {
        const role = Array.isArray(op.access) ? op.access[0]! : 'coordinator';
        const url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => PATH_VALUES[name] ?? 'x');
        const caller = callers[role] ?? callers.coordinator!;
        const started = Date.now();
        const answer =
          op.method === 'get'
            ? await caller.get(url)
            : await caller.post(url, op.method === 'post' ? {} : undefined);
        const took = Date.now() - started;
        if (took > BOUND_MS + SLACK_MS) slow.push(`${op.method.toUpperCase()} ${url}: ${took} ms`);
        if (answer.status === 503) {
          waited += 1;
          if (!answer.headers.get('retry-after')) unbounded503.push(`${op.method.toUpperCase()} ${url}`);
        }
      }
    }),
  );
  expect(slow).toEqual([]);
  expect(unbounded503).toEqual([]);
  // The sweep did reach the silent parts (the branch query, the task lists, the urge Update).
  expect(waited).toBeGreaterThan(3);
}, 180_000);

test('a sign-off not taken in time is a 503; the same request again, once a worker runs, is one command', async () => {
  const url = `/rounds/${ROUND}/branches/${BRANCH}/urge`;
  const key = `urge-${randomBytes(4).toString('hex')}`;
  // Its own sign-in: the request needs a header the shared callers do not send.
  const login = await fetch(`http://127.0.0.1:${api.port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USERS.coordinator, password: 'demo-password-2026' }),
  });
  const { token } = (await login.json()) as { token: string };
  const sendAs = () =>
    fetch(`http://127.0.0.1:${api.port}/api${url}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify({ note: '请尽快提交自评' }),
    });

  const started = Date.now();
  const first = await sendAs();
  expect(first.status).toBe(503);
  expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(first.headers.get('content-type')).toContain('application/problem+json');
  expect(Date.now() - started).toBeLessThan(BOUND_MS + SLACK_MS);

  const workerNc = await connectNats(env.serviceOptions.config.natsUrl, 'bound-worker');
  const workerConnection = await NativeConnection.connect({
    address: env.serviceOptions.config.temporalAddress,
  });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: env.serviceOptions.config.temporalNamespace,
    taskQueue: api.taskQueue,
    workflowsPath: path.resolve(__dirname, '../workflows/src/workflows'),
    activities: createActivities({
      nc: workerNc,
      js: jetstreamClient(workerNc),
      client: temporal,
      taskQueue: api.taskQueue,
      calendars: new CalendarSource(workerNc, env.serviceOptions.log),
    }),
  });
  const running = worker.run();
  try {
    // The branch opens its self-check once the worker runs (its page answers again).
    const page = `/rounds/${ROUND}/branches/${BRANCH}`;
    for (let i = 0; i < 60; i++) {
      const b = await callers.coordinator!.get(page);
      if (b.status === 200 && b.body.state.deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const again = await sendAs();
    expect(again.status).toBe(200);
    const status = (await again.json()) as { lastUrgedAt: string };
    expect(status.lastUrgedAt).toBeTruthy();
    // Once more: the same command's answer, not a second urge (which the urge interval would refuse).
    const third = await sendAs();
    expect(third.status).toBe(200);
    expect(((await third.json()) as { lastUrgedAt: string }).lastUrgedAt).toBe(status.lastUrgedAt);
    const accepted: string[] = [];
    const history = await temporal.workflow.getHandle(branchWorkflowId(ROUND, BRANCH)).fetchHistory();
    for (const e of history.events ?? [])
      if (e.workflowExecutionUpdateAcceptedEventAttributes)
        accepted.push(e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.meta?.updateId ?? '');
    expect(accepted).toEqual([`u-${USERS.coordinator}:${key}`]);
  } finally {
    worker.shutdown();
    await running;
    await workerNc.close();
    await workerConnection.close();
  }
}, 120_000);
