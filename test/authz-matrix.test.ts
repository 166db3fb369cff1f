/**
 * The authorisation matrix (issue 5): every operation of the OpenAPI document × every role × the caller's
 * own jurisdiction and one outside it, plus a caller without a token, each answered with exactly the
 * status the document's `x-fivestar-access` / `x-fivestar-scope` promise (see test/authz-doc.ts) and the
 * fixture's answer for an allowed caller (test/authz-fixtures.ts). Generated from the served document, so
 * a new route without a fixture fails here. A branch command's callers are those of `COMMAND_SIGNERS`
 * (contracts/src/permissions.ts), the one source the API and the workflows follow: a change there shows
 * up here.
 *
 * "Own" is a branch of county 411099 (each state-changing operation has a branch of its own), its
 * township, the county and its round. "Other" is a second county (411098) with a round of its own, and,
 * for a secretary and a township reviewer, a branch (and township) of another township of 411099 in its
 * own round, for the county roles the second county's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BRANCH_COMMANDS,
  catalogTasks,
  commandRoles,
  defaultCatalogFor,
  mayCommand,
  ROLES,
  type Actor,
  type BranchCommand,
  type Role,
  type SessionTokens,
} from '@fivestar/contracts';
import { mapLimited } from '@fivestar/platform';
import { DEMO_PASSWORD, demoCounty } from '@fivestar/api';
import { ApiUser, eventually, loadCounty, startStack, type Stack } from './harness';
import { quietSchedule, seconds } from './round-schedules';
import {
  accessTable,
  expectedStatus,
  operationsOf,
  tableCells,
  type OpenApiDocument,
  type Operation,
  type Side,
} from './authz-doc';
import { FIXTURES, type Call, type Fixture, type Target, type World } from './authz-fixtures';

const COUNTY = '411099';
const OTHER_COUNTY = '411098';
/**
 * Branches of the two rural townships (not the weak village, whose 整顿 item is a second open task): the
 * first is shared by the operations that change nothing.
 */
const OWN_BRANCHES = ['100', '200']
  .flatMap((t) => Array.from({ length: 10 }, (_, i) => `${COUNTY}${t}${201 + i}`))
  .filter((b) => b !== `${COUNTY}200210`);
/** Outside a secretary's and a township reviewer's jurisdiction, inside the county. */
const NEAR_BRANCH = `${COUNTY}001001`;
/** In the second county (its demo directory has one branch per township). */
const FAR_BRANCH = `${OTHER_COUNTY}100201`;
/** A robot of the second county's township of FAR_BRANCH (its posts fail: nothing listens on port 9). */
const HOOK = 'authz-matrix-hook';
/** Requests in flight at once (operations run side by side, the cases of one in order). */
const CONCURRENCY = 6;

/** Long enough that nothing falls due while the matrix runs. */
const schedule = quietSchedule(3600, { publicNotice: seconds(3600) });

const townshipOf = (branch: string) => branch.slice(0, 9);
const countyOf = (branch: string) => branch.slice(0, 6);

/** The operations that send each branch command (its Update): every command is driven through the API. */
const COMMAND_OPERATIONS: Record<BranchCommand, readonly string[]> = {
  submitSelfCheck: ['submitSelfCheck'],
  review: ['review'],
  recordObservation: ['recordObservation'],
  closeObservation: ['closeObservation'],
  confirmAward: ['confirmAward'],
  upholdObjection: ['upholdObjection'],
  decideRevocation: ['decideRevocation'],
  submitEvidence: ['submitRectificationEvidence'],
  verifyRectification: ['verifyRectification'],
  urge: ['urgeBranch', 'urgeFinding', 'bulkUrge'],
  requestExtension: ['requestExtension', 'requestFindingExtension'],
  decideExtension: ['decideExtension', 'decideFindingExtension'],
};
const commandOf = new Map(
  BRANCH_COMMANDS.flatMap((command) => COMMAND_OPERATIONS[command].map((id) => [id, command] as const)),
);

let stack: Stack;
let world: World;
let operations: Operation[];
const roundIds: Record<string, string> = {};
/** Per branch: its secretary's open self-check task and an evidence file of its own. */
const branchData = new Map<string, { taskKey: string; sha256: string }>();
const sessions = new Map<string, Promise<ApiUser>>();
const callers = new Map<string, Promise<SessionTokens>>();

/** One signed-in session per user for preparing the round, and one per user for the cases. */
const session = (username: string) => {
  if (!sessions.has(username)) sessions.set(username, ApiUser.login(stack.baseUrl, username));
  return sessions.get(username)!;
};
const caller = (username: string) => {
  if (!callers.has(username)) callers.set(username, login(username));
  return callers.get(username)!;
};

async function login(username: string): Promise<SessionTokens> {
  const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()) as SessionTokens;
}

async function startRound(county: string, roundId: string, branches: number): Promise<void> {
  const coordinator = await session(`coord-${county}`);
  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: county,
    year: 2026,
    title: '权限矩阵',
    schedule,
  });
  if (started.status !== 201)
    throw new Error(`start ${roundId}: ${started.status} ${JSON.stringify(started.body)}`);
  await eventually(
    () => coordinator.get(`/api/rounds/${roundId}`),
    (r) => r.body?.progress?.launchDone === true && r.body.progress.launched === branches,
    60_000,
  );
}

/** The branch's open self-check task (as its secretary sees it) and a file uploaded for it. */
async function prepareBranch(branch: string): Promise<void> {
  const secretary = await session(`sec-${branch}`);
  const roundId = roundIds[countyOf(branch)]!;
  const selfCheck = (r: { body: any }) =>
    r.body?.items?.find((t: { step: string | null }) => t.step === 'SELF_CHECK') as
      { key: string } | undefined;
  const tasks = await eventually(
    () => secretary.get(`/api/tasks?roundId=${roundId}`),
    (r) => selfCheck(r) !== undefined,
  );
  const uploaded = await secretary.upload(
    `/api/rounds/${roundId}/branches/${branch}/evidence?filename=a.pdf`,
    Buffer.from(`%PDF-1.4\n% ${branch}\n%%EOF\n`),
    'application/pdf',
  );
  if (uploaded.status !== 201) throw new Error(`upload ${branch}: ${uploaded.status}`);
  branchData.set(branch, { taskKey: selfCheck(tasks)!.key, sha256: uploaded.body.sha256 });
}

function target(branch: string, round: string): Target {
  const county = countyOf(branch);
  return {
    county,
    township: townshipOf(branch),
    branch,
    branchRound: roundIds[county]!,
    round,
    ...branchData.get(branch)!,
    secretaryId: `u-sec-${branch}`,
    username: `obs-${county}-3`,
  };
}

/**
 * The roles of a county's users, whom this matrix plays. The roles above the county (city and province
 * reviewers, the read-only leader) are played by test/province.test.ts; their row of the matrix needs an
 * "other" county outside their city and province, which this directory does not have yet (issue 12).
 */
const COUNTY_ROLES = ROLES.filter(
  (r): r is CountyRole => !(['city_reviewer', 'province_reviewer', 'leader'] as const).includes(r as never),
);
type CountyRole = Exclude<Role, 'city_reviewer' | 'province_reviewer' | 'leader'>;

/** Who plays each role for an operation acting on `branch`. */
function username(role: CountyRole, branch: string): string {
  switch (role) {
    case 'village_secretary':
      return `sec-${branch}`;
    case 'township_reviewer':
      return `twp-${townshipOf(branch)}-1`;
    case 'coordinator':
      return `coord-${COUNTY}`;
    case 'admin':
      return `admin-${COUNTY}`;
    case 'county_reviewer':
      return `cty-${COUNTY}-1`;
    case 'observer':
      return `obs-${COUNTY}-1`;
  }
}

/** Outside the role's jurisdiction: the nearest branch that is, and another county with its round. */
function otherTarget(role: Role): Target {
  const near = role === 'village_secretary' || role === 'township_reviewer';
  const t = target(near ? NEAR_BRANCH : FAR_BRANCH, roundIds[OTHER_COUNTY]!);
  return { ...t, county: OTHER_COUNTY, username: `obs-${OTHER_COUNTY}-3` };
}

function url(op: Operation, call: Call): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`fixture gives no path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const query = call.query ? `?${new URLSearchParams(call.query)}` : '';
  return `/api${path}${query}`;
}

async function send(op: Operation, call: Call, token: string | undefined) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: Buffer | string | undefined;
  if (call.raw) {
    headers['content-type'] = call.raw.type;
    body = call.raw.bytes;
  } else if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.body);
  }
  const res = await fetch(`${stack.baseUrl}${url(op, call)}`, { method: op.method, headers, body });
  const text = await res.text();
  let detail = '';
  if (res.headers.get('content-type')?.startsWith('application/problem+json')) {
    const problem = JSON.parse(text) as { title?: string; detail?: string };
    detail = [problem.title, problem.detail].filter(Boolean).join('：');
  }
  return { status: res.status, detail };
}

interface Case {
  op: Operation;
  fixture: Fixture;
  role: Role | null;
  side: Side;
  branch: string;
}
interface Outcome extends Case {
  expected: number;
  actual: number | string;
  detail: string;
}

function allowedStatus(c: Case): number {
  const { status } = c.fixture;
  if (typeof status === 'number') return status;
  const byRole = c.role === null ? undefined : status[c.role];
  if (byRole === undefined) throw new Error(`fixture has no status for ${c.role ?? 'anonymous'}`);
  return byRole;
}

/**
 * The status a case must answer: the document's promise, or for a branch command COMMAND_SIGNERS': 403 to
 * a role none of its signers has, and to a signer's role the branch does not lie under (unless the fixture
 * says why not), judged on the caller's jurisdiction as the API signed it in.
 */
function expectedOf(c: Case, t: Target, user: Actor | undefined): number {
  const command = commandOf.get(c.op.operationId);
  const allowed = () => allowedStatus(c);
  if (!command) return expectedStatus(c.op, c.role, c.side, allowed, c.fixture.other);
  if (!user) return 401;
  if (!commandRoles(command).includes(user.role)) return 403;
  const branch = { code: t.branch, townshipCode: townshipOf(t.branch), countyCode: countyOf(t.branch) };
  return mayCommand(user, branch, command) ? allowed() : (c.fixture.other ?? 403);
}

async function run(c: Case): Promise<Outcome> {
  const { op, fixture, role, side } = c;
  try {
    const t = role === null || side === 'own' ? target(c.branch, roundIds[COUNTY]!) : otherTarget(role);
    const name = role && username(role as CountyRole, c.branch);
    const signedIn = !name ? undefined : fixture.freshSession ? await login(name) : await caller(name);
    const expected = expectedOf(c, t, signedIn?.user);
    const call = await fixture.request(t, world);
    const { status, detail } = await send(op, call, signedIn?.token);
    return { ...c, expected, actual: status, detail };
  } catch (err) {
    return { ...c, expected: NaN, actual: 'error', detail: String(err) };
  }
}

/** One operation's cases in a fixed order: anonymous, then each role on its own target, then the other. */
function casesOf(op: Operation, fixture: Fixture, branch: string): Case[] {
  const sides: Side[] = op.scope ? ['own', 'other'] : ['own'];
  return [
    { op, fixture, role: null, side: 'own', branch },
    ...sides.flatMap((side) => COUNTY_ROLES.map((role): Case => ({ op, fixture, role, side, branch }))),
  ];
}

function table(rows: Outcome[]): string {
  const lines = rows.map(
    (o) =>
      `| ${o.op.operationId} | ${o.op.method} ${o.op.path} | ${o.role ?? 'anonymous'} | ${o.side} | ${o.expected} | ${o.actual} | ${o.detail.slice(0, 120)} |`,
  );
  return [
    '| operation | route | caller | target | expected | actual | answer |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}

beforeAll(async () => {
  stack = await startStack();
  await loadCounty(stack.config, demoCounty(OTHER_COUNTY, 1));
  roundIds[COUNTY] = `authz-${stack.runId}`;
  roundIds[OTHER_COUNTY] = `authz-${stack.runId}-x`;
  const doc = await fetch(`${stack.baseUrl}/api/openapi.json`);
  if (doc.status !== 200) throw new Error(`GET /api/openapi.json: ${doc.status}`);
  operations = operationsOf((await doc.json()) as OpenApiDocument);

  // Before the rounds: the notice opening FAR_BRANCH's self-check reaches it.
  const hook = await (
    await session(`admin-${OTHER_COUNTY}`)
  ).post('/api/admin/webhooks', {
    id: HOOK,
    jurisdiction: townshipOf(FAR_BRANCH),
    kind: 'wecom',
    url: 'http://127.0.0.1:9/authz',
  });
  if (hook.status !== 200) throw new Error(`webhook: ${hook.status}`);
  await Promise.all([
    startRound(COUNTY, roundIds[COUNTY], 30),
    startRound(OTHER_COUNTY, roundIds[OTHER_COUNTY], 3),
  ]);
  await mapLimited([...OWN_BRANCHES, NEAR_BRANCH, FAR_BRANCH], CONCURRENCY, prepareBranch);

  const rural = defaultCatalogFor('rural')!;
  world = {
    runId: stack.runId,
    // The shipped catalog, seeded at start: importing it again changes nothing.
    catalog: { id: rural.id, version: rural.version, file: rural },
    requirements: catalogTasks(rural).flatMap((t) => t.evidence.map((e) => e.code)),
    selfCheck: {
      scores: Object.fromEntries(catalogTasks(rural).map((t) => [t.code, t.points])),
      targetStars: rural.stars.map((s) => s.code),
    },
    refreshToken: async () => (await login(`obs-${COUNTY}-2`)).refreshToken,
  };
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

test('every operation of the document has a fixture, and every fixture an operation', () => {
  const documented = new Set(operations.map((o) => o.operationId));
  const undocumented = operations.filter((o) => !FIXTURES[o.operationId]);
  expect(undocumented.map((o) => `${o.operationId} (${o.method} ${o.path})`)).toEqual([]);
  expect(Object.keys(FIXTURES).filter((id) => !documented.has(id))).toEqual([]);
});

test('every branch command has its operations in the document, open to the roles of COMMAND_SIGNERS', () => {
  const byId = new Map(operations.map((o) => [o.operationId, o]));
  const drift = BRANCH_COMMANDS.flatMap((command) => {
    const ids = COMMAND_OPERATIONS[command];
    if (ids.length === 0) return [`${command}: no operation`];
    return ids.flatMap((id) => {
      const access = byId.get(id)?.access;
      const roles = Array.isArray(access) ? [...access].sort() : access;
      const signers = commandRoles(command).sort();
      return JSON.stringify(roles) === JSON.stringify(signers)
        ? []
        : [`${command}: ${id} is open to ${JSON.stringify(access)}, its signers are ${signers.join(', ')}`];
    });
  });
  expect(drift).toEqual([]);
});

test("the roles × actions table in docs/security.md is the served document's", async () => {
  const documented = tableCells(await readFile(path.resolve(__dirname, '../docs/security.md'), 'utf8'));
  // Stale: run `npx tsx scripts/authz-table.ts` (after `npm run openapi`).
  expect(documented).toEqual(tableCells(accessTable(operations)));
});

test('every role × operation × own or other jurisdiction answers exactly the status the document (a branch command: COMMAND_SIGNERS) promises', async () => {
  const known = operations.filter((o) => FIXTURES[o.operationId]);
  const dedicated = OWN_BRANCHES.slice(1);
  const branchOf = new Map<string, string>();
  for (const op of known) {
    const branch = FIXTURES[op.operationId]!.dedicated ? dedicated.shift() : OWN_BRANCHES[0];
    if (!branch) throw new Error('more dedicated fixtures than branches: add branches');
    branchOf.set(op.operationId, branch);
  }
  const runOperations = (ops: Operation[]) =>
    mapLimited(ops, CONCURRENCY, async (op) => {
      const out: Outcome[] = [];
      for (const c of casesOf(op, FIXTURES[op.operationId]!, branchOf.get(op.operationId)!))
        out.push(await run(c));
      return out;
    });
  const first = await runOperations(known.filter((o) => !FIXTURES[o.operationId]!.last));
  const last = await runOperations(known.filter((o) => FIXTURES[o.operationId]!.last));
  const outcomes = [...first, ...last].flat();
  const mismatches = outcomes.filter((o) => o.actual !== o.expected);
  // The whole picture at once: every case that answered otherwise, as a table.
  expect(
    mismatches.length ? `${mismatches.length} of ${outcomes.length} cases:\n${table(mismatches)}` : '',
  ).toBe('');
  // Anonymous and six roles on their own target; six more on another where the operation is scoped.
  expect(outcomes).toHaveLength(known.reduce((n, o) => n + (o.scope ? 13 : 7), 0));
}, 120_000);

test('an administrator sees and changes only the webhooks and deliveries of its own county', async () => {
  const own = await session(`admin-${OTHER_COUNTY}`);
  const other = await session(`admin-${COUNTY}`);
  const ids = (r: { body: any }) => r.body.items.map((x: { id: string }) => x.id) as string[];
  const listed = await eventually(
    () => own.get('/api/admin/deliveries?limit=500'),
    (r) => r.body?.items?.some((d: { webhookId: string | null }) => d.webhookId === HOOK),
  );
  const delivery = listed.body.items.find((d: { webhookId: string | null }) => d.webhookId === HOOK);
  expect(ids(await own.get('/api/admin/webhooks'))).toContain(HOOK);
  expect(ids(await other.get('/api/admin/webhooks'))).not.toContain(HOOK);
  expect(ids(await other.get('/api/admin/deliveries?limit=500'))).not.toContain(delivery.id);
  expect((await other.post(`/api/admin/deliveries/${delivery.id}/retry`)).status).toBe(404);
  // Naming another county's robot does not take it over.
  const takeover = await other.post('/api/admin/webhooks', {
    id: HOOK,
    jurisdiction: COUNTY,
    kind: 'wecom',
    url: 'https://127.0.0.1/taken',
  });
  expect(takeover.status).toBe(403);
  const kept = (await own.get('/api/admin/webhooks')).body.items.find((w: { id: string }) => w.id === HOOK);
  expect(kept).toMatchObject({ jurisdiction: townshipOf(FAR_BRANCH), url: 'http://127.0.0.1:9/authz' });
});
