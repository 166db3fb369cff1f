/**
 * Property-based fuzzing of every operation of the OpenAPI document (issue 5; docs/security.md, 模糊测试),
 * on the real stack. Each operation is called by a demo user its `x-fivestar-access` allows, inside its
 * `x-fivestar-scope`, with (a) hostile JSON, queries and uploads, (b) near-valid input: a value of the
 * operation's schemas with one field mutated, (c) fuzzed path parameters. Every answer must be below 500,
 * a 4xx a problem+json, and no body may show a stack trace, SQL or a file path. A refused input (4xx) and
 * any read must leave the state as it was (test/fuzz-state.ts says what the fingerprint covers).
 *
 * FUZZ_SEED varies the inputs (fixed by default, printed on failure); FUZZ_RUNS deepens (runs per
 * operation); FUZZ_SHRINK=1 shrinks a failure to a smallest input; FUZZ_ONLY=<operationId,…> narrows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DEFAULT_SCHEDULE, type Role, type RoundSchedule } from '@fivestar/contracts';
import { DEMO_PASSWORD } from '@fivestar/api';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import {
  answerViolations,
  encodeSegment,
  fillPath,
  fuzzOperations,
  hostileBody,
  hostileQuery,
  hostileUpload,
  nearValid,
  nearValidQuery,
  oddSegment,
  queryArbitrary,
  schemaArbitrary,
  type FuzzDocument,
  type FuzzOperation,
  type GenOptions,
  type QueryPairs,
  type WireAnswer,
  type WireBody,
} from './fuzz-support';
import { fingerprintDiff, stateProbe, type Fingerprint, type StateProbe } from './fuzz-state';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_501);
const RUNS = Number(process.env.FUZZ_RUNS ?? 24);
const ONLY = process.env.FUZZ_ONLY?.split(',');

const COUNTY = '411099';
const TOWNSHIP = `${COUNTY}100`;
const BRANCH = `${TOWNSHIP}201`;
/** Fuzzed administration may re-scope or disable this user: it is no caller. */
const SPARE_USER = `obs-${COUNTY}-3`;
const CALLERS: Record<Role, string> = {
  village_secretary: `sec-${BRANCH}`,
  township_reviewer: `twp-${TOWNSHIP}-1`,
  county_reviewer: `cty-${COUNTY}-1`,
  observer: `obs-${COUNTY}-1`,
  coordinator: `coord-${COUNTY}`,
  admin: `admin-${COUNTY}`,
  city_reviewer: `city-${COUNTY.slice(0, 4)}-1`,
  province_reviewer: `prov-${COUNTY.slice(0, 2)}-1`,
  leader: `leader-${COUNTY}`,
};

/** Every deadline a week away, in seconds (no holiday calendar needed): no timer fires while the fuzz runs. */
const WEEK = { seconds: 7 * 86_400 };
const SCHEDULE: RoundSchedule = {
  ...DEFAULT_SCHEDULE,
  steps: {
    SELF_CHECK: WEEK,
    TOWNSHIP_REVIEW: WEEK,
    COUNTY_PRE_REVIEW: WEEK,
    ON_SITE_OBSERVATION: WEEK,
    AWARD: WEEK,
  },
  rectification: WEEK,
  reminderBefore: { seconds: 0 },
  escalation: [{ level: 'blue', after: WEEK, notify: { role: 'township_reviewer', scope: 'township' } }],
  publicNotice: WEEK,
};

let stack: Stack;
let probe: StateProbe;
let sink: Server;
let evidenceDir: string;
let varBefore: string | undefined;
let roundId: string;
let doc: FuzzDocument;
let gen: GenOptions;

/** Signs a demo user in, waiting out a lock a fuzzed password change may have caused (lock: 1 s). */
async function signIn(username: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (res.status === 200) return ((await res.json()) as { token: string }).token;
    if (res.status !== 429 || attempt > 10) throw new Error(`login ${username}: ${res.status}`);
    await new Promise((r) => setTimeout(r, 1100));
  }
}

beforeAll(async () => {
  // Accepted uploads land in a folder of this run, not in the working tree's var/.
  evidenceDir = await mkdtemp(path.join(tmpdir(), 'fivestar-fuzz-'));
  varBefore = process.env.FIVESTAR_VAR;
  process.env.FIVESTAR_VAR = evidenceDir;
  // Webhooks a fuzzed admin registers point here: answered at once, so deliveries come to rest.
  sink = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}'),
  );
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  stack = await startStack({ identity: { lockSeconds: 1 } });
  roundId = `fuzz-${stack.runId}`;
  const coordinator = await ApiUser.login(stack.baseUrl, CALLERS.coordinator);
  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '模糊测试',
    schedule: SCHEDULE,
  });
  expect(started.status).toBe(201);
  const reader = await ApiUser.login(stack.baseUrl, `cty-${COUNTY}-2`);
  const branchUrl = `/api/rounds/${roundId}/branches/${BRANCH}`;
  await eventually(
    async () => (await reader.get(branchUrl)).body?.state,
    (s) => s?.step === 'SELF_CHECK',
  );
  const res = await fetch(`${stack.baseUrl}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as FuzzDocument;
  gen = {
    urlBase: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`,
    hints: {
      roundId,
      code: BRANCH,
      branchId: BRANCH,
      branchCode: BRANCH,
      townshipCode: TOWNSHIP,
      countyCode: COUNTY,
      scope: COUNTY,
      jurisdiction: COUNTY,
      username: SPARE_USER,
      // The branch's open self-check task (work keys are `<workflow id>/<step>/<attempt>`), a colleague to hand it to.
      key: `round/${roundId}/branch/${BRANCH}/SELF_CHECK/1`,
      userId: `u-twp-${TOWNSHIP}-2`,
      period: '2026-10',
    },
  };
  probe = await stateProbe({
    databaseUrl: stack.config.databaseUrl,
    natsUrl: stack.config.natsUrl,
    durables: ['tasks', 'notifications', 'ranking'].map((s) => `${s}-${stack.runId}`),
    temporal: stack.temporal,
    taskQueue: stack.config.taskQueue,
    keepWorkflow: (id) => id.includes(roundId),
    branchState: async () => {
      const a = await reader.get(branchUrl);
      return { status: a.status, body: a.body };
    },
  });
});

afterAll(async () => {
  await probe?.close();
  await stack?.stop();
  sink?.close();
  if (varBefore === undefined) delete process.env.FIVESTAR_VAR;
  else process.env.FIVESTAR_VAR = varBefore;
  if (evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
});

/** One request of the fuzz: path parameters (encoded), query pairs, body. */
interface FuzzInput {
  kind: 'hostile' | 'near-valid' | 'path';
  params: Record<string, string>;
  query: QueryPairs;
  body: WireBody | undefined;
}

/** How a failing input is printed: long strings and byte arrays cut short. */
function printable(input: FuzzInput): FuzzInput {
  const cut = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…(${s.length} chars)` : s);
  const body = input.body && {
    type: input.body.type,
    content:
      typeof input.body.content === 'string' ? cut(input.body.content) : `${input.body.content.length} bytes`,
  };
  const shown = {
    kind: input.kind,
    params: Object.fromEntries(Object.entries(input.params).map(([k, v]) => [k, cut(v)])),
    query: input.query.map(([k, v]) => [cut(k), cut(v)]),
    body,
  };
  return Object.assign(input, { [fc.toStringMethod]: () => JSON.stringify(shown) });
}

function inputs(op: FuzzOperation): fc.Arbitrary<FuzzInput> {
  const paramArbs = Object.fromEntries(
    op.pathParams.map((p) => {
      const hint = gen.hints[p.name];
      const own = schemaArbitrary(p.schema, doc, gen).map((v) => encodeSegment(String(v)));
      return [p.name, hint === undefined ? own : fc.constant(hint)];
    }),
  );
  const params = fc.record(paramArbs) as fc.Arbitrary<Record<string, string>>;
  const query = queryArbitrary(op.query, doc, gen);
  const json = (v: unknown): WireBody | undefined =>
    v === undefined ? undefined : { content: JSON.stringify(v), type: 'application/json' };
  const upload = op.body && 'raw' in op.body ? hostileUpload(op.body.raw) : undefined;
  const validBody: fc.Arbitrary<WireBody | undefined> =
    upload ??
    (op.body && 'json' in op.body
      ? schemaArbitrary(op.body.json, doc, gen).map(json)
      : fc.constant(undefined));
  const mutatedBody: fc.Arbitrary<WireBody | undefined> =
    upload ??
    (op.body && 'json' in op.body
      ? nearValid(schemaArbitrary(op.body.json, doc, gen)).map(json)
      : hostileBody);

  const kinds: fc.Arbitrary<FuzzInput>[] = [
    fc.record({
      kind: fc.constant('hostile' as const),
      params,
      query: hostileQuery,
      body: upload ?? hostileBody,
    }),
    // One field mutated: in the query or in the body.
    fc
      .tuple(params, query, nearValidQuery(query), validBody, mutatedBody, fc.boolean())
      .map(([p, q, badQ, b, badB, inQuery]) => ({
        kind: 'near-valid' as const,
        params: p,
        query: inQuery && op.query.length > 0 ? badQ : q,
        body: inQuery && op.query.length > 0 ? b : badB,
      })),
  ];
  if (op.pathParams.length > 0)
    kinds.push(
      fc.tuple(params, fc.nat(), oddSegment, query, validBody).map(([p, i, segment, q, b]) => ({
        kind: 'path' as const,
        params: { ...p, [op.pathParams[i % op.pathParams.length]!.name]: segment },
        query: q,
        body: b,
      })),
    );
  return fc.oneof(...kinds).map(printable);
}

async function send(op: FuzzOperation, token: string | null, input: FuzzInput): Promise<WireAnswer> {
  const search = input.query.length > 0 ? `?${new URLSearchParams(input.query).toString()}` : '';
  const withBody = op.method !== 'GET' && input.body !== undefined;
  const res = await fetch(`${stack.baseUrl}/api${fillPath(op.path, input.params)}${search}`, {
    method: op.method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(withBody && input.body!.type ? { 'content-type': input.body!.type } : {}),
    },
    body: withBody ? input.body!.content : undefined,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** What one operation's fuzzing saw: answers by status. */
type Seen = Map<number, number>;

/** Access tokens by username, until an operation may have ended the session (it saw a 401). */
const tokens = new Map<string, string>();
/** The state before the refused inputs since the last accepted one, carried across operations; null: to be taken (settled). */
let before: Fingerprint | null = null;

async function fuzz(op: FuzzOperation): Promise<Seen> {
  const role = op.access === 'public' ? null : op.access === 'user' ? 'coordinator' : op.access[0]!;
  const username = role && CALLERS[role];
  if (username && !tokens.has(username)) tokens.set(username, await signIn(username));
  const token = username && tokens.get(username)!;
  const seen: Seen = new Map();
  const compare = async (after: Fingerprint, what: string) => {
    const changed = fingerprintDiff(before!, after);
    if (changed.length > 0) {
      before = null;
      throw new Error(`${what} changed the state: ${changed.join(', ')}`);
    }
  };
  await fc.assert(
    fc.asyncProperty(inputs(op), async (input) => {
      before ??= await probe.settle();
      const answer = await send(op, token, input);
      seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
      const violations = answerViolations(answer);
      if (violations.length > 0)
        throw new Error(`${violations.join('; ')}\nanswer ${answer.status}: ${answer.text.slice(0, 1000)}`);
      if (answer.status >= 400 || op.method === 'GET')
        await compare(await probe.fingerprint(), `a ${op.method} answered ${answer.status}`);
      else before = null;
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: process.env.FUZZ_SHRINK !== '1', includeErrorInReport: true },
  );
  // Effects that come late (an event published after the answer) show once the system is at rest.
  if (before) await compare(await probe.settle(), 'the refused inputs, at rest,');
  if (username && seen.has(401)) tokens.delete(username);
  return seen;
}

it('the fingerprint sees applied commands in any service, and not a sign-in', async () => {
  const coordinator = await ApiUser.login(stack.baseUrl, CALLERS.coordinator);
  const at = await probe.settle();
  // A sign-in only touches the technical tables left out (sessions, refresh tokens).
  await ApiUser.login(stack.baseUrl, CALLERS.observer);
  expect(fingerprintDiff(at, await probe.settle())).toEqual([]);
  const token = await coordinator.post('/api/auth/tokens', { name: '指纹检查', scopes: ['read'] });
  expect(token.status).toBe(201);
  const prefs = await coordinator.call('PUT', '/api/me/notification-preferences', {
    email: 'fuzz@example.com',
    kinds: {},
  });
  expect(prefs.status).toBe(200);
  // The branch's own state: its deadline, moved by an approved extension.
  const secretary = await ApiUser.login(stack.baseUrl, CALLERS.village_secretary);
  const extension = await secretary.post(`/api/rounds/${roundId}/branches/${BRANCH}/extension`, {
    requestedDeadline: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    reasons: ['指纹检查'],
  });
  expect(extension.status).toBe(200);
  const township = await ApiUser.login(stack.baseUrl, CALLERS.township_reviewer);
  const decided = await township.post(`/api/rounds/${roundId}/branches/${BRANCH}/extension/decision`, {
    approved: true,
  });
  expect(decided.status).toBe(200);
  expect(fingerprintDiff(at, await probe.settle())).toEqual(
    expect.arrayContaining(['api.api_tokens', 'notifications.preferences', 'workflow:branch']),
  );
});

it(
  'fuzzes every operation of the OpenAPI document: no 5xx, problems for 4xx, no leaks, refusals change nothing',
  async () => {
    const ops = fuzzOperations(doc).filter((op) => !ONLY || ONLY.includes(op.operationId));
    const failures: string[] = [];
    const summary: string[] = [];
    for (const op of ops) {
      const name = `${op.operationId} (${op.method} ${op.path})`;
      const t0 = Date.now();
      try {
        const seen = await fuzz(op);
        summary.push(`${name} ${Date.now() - t0} ms: ${[...seen].map(([s, n]) => `${s}×${n}`).join(' ')}`);
        // The caller must get past the role and scope checks, or the fuzz only ever met the gate.
        const gated = [...seen.keys()].every((s) => s === 401 || s === 403);
        if (op.access !== 'public' && gated) failures.push(`${name}: every input stopped at 401/403`);
      } catch (err) {
        before = null;
        tokens.clear();
        failures.push(`${name}: ${String((err as Error).message).slice(0, 4000)}`);
      }
    }
    if (process.env.FUZZ_VERBOSE === '1') process.stdout.write(`${summary.join('\n')}\n`);
    expect(ops.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    // About 3.5 s per run over all operations here (93 with the province's); FUZZ_RUNS deepens, so the
    // time allowed grows with it.
  },
  60_000 + RUNS * 10_000,
);
