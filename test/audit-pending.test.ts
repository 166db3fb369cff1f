/**
 * A command is in the audit log before it runs (issue 11: killed 25 ms into a sign-off, the workflow kept
 * the sheet and the log had no row). The API alone (database `fivestar_test_audit_pending`) with a 1.5 s
 * bound and a branch workflow on a Temporal task queue no worker polls, so a sign-off hangs until the
 * bound: while it is in flight its opening entry is already in the table, listed as pending (未完成), and
 * verify finds the chain intact; once answered, the outcome entry names it. When the outcome cannot be
 * written (as when the API dies in between), the opening stays pending, and verify still passes.
 */
import { sql } from 'kysely';
import type { AuditEntry, AuditListedEntry } from '@fivestar/contracts';
import { branchWorkflowId } from '@fivestar/contracts/workflow';
import { AUDIT_WRITER, auditDb, fromRow, verifyChain, type AuditDb } from '../services/api/src/audit';
import { startTestApi, startUnservedBranch, type Caller, type TestApi } from './api-support';
import { testEnv } from './support';

const env = testEnv('audit_pending');
const BOUND_MS = 1500;
const COUNTY = '411099';
const BRANCH = '411099100201';
const ROUND = `pending-${env.run}`;
const URGE = `/rounds/${ROUND}/branches/${BRANCH}/urge`;
const ACTION = 'POST /rounds/:roundId/branches/:code/urge';

let api: TestApi & { taskQueue: string };
let db: AuditDb;
let unserved: Awaited<ReturnType<typeof startUnservedBranch>> | undefined;
let coordinator: Caller, admin: Caller;

const entries = async (): Promise<AuditEntry[]> =>
  (await db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map(fromRow);

/** Sends the urge without waiting for it; `answered()` tells whether its answer has come. */
async function urge() {
  const after = (await entries()).at(-1)?.seq ?? 0;
  let answered = false;
  const answer = coordinator.post(URGE, { note: '请尽快提交自评' }).finally(() => {
    answered = true;
  });
  return { after, answer, answered: () => answered };
}

/** The urge's opening, read from the table while the request is still in flight. */
async function openingInFlight(sent: Awaited<ReturnType<typeof urge>>): Promise<AuditEntry> {
  for (let i = 0; i < 200; i++) {
    const opening = (await entries()).find(
      (e) => e.seq > sent.after && e.action === ACTION && e.status === null,
    );
    if (opening) {
      expect(sent.answered()).toBe(false);
      return opening;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no opening entry while the command was in flight');
}

const listed = async (seq: number): Promise<AuditListedEntry> =>
  ((await admin.get(`/audit?limit=500`)).body.items as AuditListedEntry[]).find((e) => e.seq === seq)!;

beforeAll(async () => {
  api = await startTestApi(env, COUNTY, undefined, { requestBoundMs: BOUND_MS });
  db = auditDb(api.db);
  // The branch's workflow exists, on a queue no worker polls: an Update to it is never taken.
  unserved = await startUnservedBranch(env, api.taskQueue, branchWorkflowId(ROUND, BRANCH), []);
  coordinator = await api.signIn(`coord-${COUNTY}`);
  admin = await api.signIn(`admin-${COUNTY}`);
});

afterAll(async () => {
  await unserved?.close();
  await api?.close();
});

test('a command is recorded (pending) before it runs, and completed once answered', async () => {
  const sent = await urge();
  const opening = await openingInFlight(sent);
  expect(opening).toMatchObject({
    action: ACTION,
    target: `rounds/${ROUND}/branches/${BRANCH}`,
    actor: `u-coord-${COUNTY}`,
    role: 'coordinator',
    branchId: BRANCH,
    scope: BRANCH,
    status: null,
    problem: null,
    outcomeOf: null,
  });
  // In flight: listed as pending, and not a fault of the chain.
  expect(await listed(opening.seq)).toMatchObject({ seq: opening.seq, pending: true });
  expect(await verifyChain(db)).toMatchObject({ ok: true, pending: [opening.seq] });
  expect((await entries()).some((e) => e.outcomeOf === opening.seq)).toBe(false);
  expect(sent.answered()).toBe(false);

  // The workflow never takes it: 503 at the bound, and the outcome entry names the opening.
  const answer = await sent.answer;
  expect(answer.status).toBe(503);
  const outcome = (await entries()).find((e) => e.outcomeOf === opening.seq);
  expect(outcome).toMatchObject({
    action: ACTION,
    actor: `u-coord-${COUNTY}`,
    requestId: opening.requestId,
    status: 503,
    problem: answer.body.title,
  });
  expect(outcome!.seq).toBeGreaterThan(opening.seq);
  expect(await listed(opening.seq)).toMatchObject({ pending: false });
  const verified = await verifyChain(db);
  expect(verified).toEqual({ ok: true, count: (await entries()).length, headHash: expect.any(String) });
}, 30_000);

test('an opening whose outcome never came (the API stopped in between) stays pending; verify passes', async () => {
  const sent = await urge();
  const opening = await openingInFlight(sent);
  // From here no outcome can be written: what a crash between the two appends leaves behind.
  await sql`REVOKE INSERT ON audit_log FROM ${sql.id(AUDIT_WRITER)}`.execute(db);
  try {
    const answer = await sent.answer;
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ title: '审计记录失败' });
  } finally {
    await sql`GRANT INSERT ON audit_log TO ${sql.id(AUDIT_WRITER)}`.execute(db);
  }
  expect((await entries()).some((e) => e.outcomeOf === opening.seq)).toBe(false);
  expect(await listed(opening.seq)).toMatchObject({ status: null, pending: true });
  const verified = await verifyChain(db);
  expect(verified).toMatchObject({ ok: true, pending: [opening.seq] });
  expect((await admin.get('/audit/verify')).body).toEqual(verified);
}, 30_000);
