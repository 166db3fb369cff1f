/**
 * What the suite compares: each branch's workflow state (the API's GET of the branch, a Temporal query)
 * against the read models built from the event stream — the ledger (tasks), the rankings and the
 * inboxes (notifications) — and whether the system as a whole is back: every process ready, every
 * read-model consumer caught up with the stream (GET /api/admin/stats).
 */
import { Pool } from 'pg';
import { STEP_SIGNERS, scopeCode, type BranchState, type HumanStep } from '@fivestar/contracts';
import { COUNTY, DATABASE_URL, PROCESSES, TOWNSHIP } from './config';
import type { Cast } from './driver';
import { health, type ProcessHealth } from './procs';

/** The suite's own connections: named, so the pg_terminate_backend fault can leave them alone. */
export const SUITE_APPLICATION_NAME = 'fivestar-faults-suite';
export const db = new Pool({
  connectionString: DATABASE_URL,
  max: 3,
  application_name: SUITE_APPLICATION_NAME,
  idleTimeoutMillis: 5000,
});
db.on('error', () => undefined);

const HUMAN_STEPS: HumanStep[] = [
  'SELF_CHECK',
  'TOWNSHIP_REVIEW',
  'COUNTY_PRE_REVIEW',
  'ON_SITE_OBSERVATION',
  'AWARD',
];
export const branchWorkflowId = (roundId: string, code: string) => `round/${roundId}/branch/${code}`;

interface LedgerRow {
  key: string;
  kind: string;
  branchId: string | null;
  step: string | null;
  status: 'open' | 'done';
}
interface Standing {
  code: string;
  level: number;
}
interface NoticeRow {
  event_id: string;
  user_id: string;
  kind: string;
  work_key: string | null;
  branch_id: string | null;
}
interface UserRow {
  id: string;
  role: string;
  jurisdiction: string;
}

/** Everything read once per look, for every branch of the round. */
export interface Views {
  states: Map<string, BranchState | null>;
  ledger: LedgerRow[] | null;
  standings: Standing[] | null;
  notices: NoticeRow[] | null;
  users: UserRow[] | null;
  problems: string[];
}

export async function look(cast: Cast, roundId: string, codes: string[]): Promise<Views> {
  const problems: string[] = [];
  const states = new Map<string, BranchState | null>();
  await Promise.all(
    codes.map(async (code) => {
      const a = await cast.coordinator.get<{ state: BranchState }>(`/api/rounds/${roundId}/branches/${code}`);
      states.set(code, a.status === 200 ? a.body.state : null);
      if (a.status !== 200) problems.push(`branch ${code}: GET answered ${a.status || a.error}`);
    }),
  );
  const ledger = await cast.coordinator.get<{ rows: LedgerRow[] }>(`/api/ledger?roundId=${roundId}`);
  if (ledger.status !== 200) problems.push(`ledger: GET answered ${ledger.status || ledger.error}`);
  const rankings = await cast.coordinator.get<{ branches: Standing[] }>(
    `/api/rankings?countyCode=${COUNTY}&roundId=${roundId}`,
  );
  if (rankings.status !== 200) problems.push(`rankings: GET answered ${rankings.status || rankings.error}`);
  const notices = await db
    .query<NoticeRow>(
      'SELECT event_id, user_id, kind, work_key, branch_id FROM notifications.notices WHERE round_id = $1',
      [roundId],
    )
    .then((r) => r.rows)
    .catch((err: Error) => {
      problems.push(`notices: ${err.message}`);
      return null;
    });
  const users = await db
    .query<UserRow>('SELECT id, role, jurisdiction FROM api.users WHERE active')
    .then((r) => r.rows)
    .catch((err: Error) => {
      problems.push(`users: ${err.message}`);
      return null;
    });
  return {
    states,
    ledger: ledger.status === 200 ? ledger.body.rows : null,
    standings: rankings.status === 200 ? rankings.body.branches : null,
    notices,
    users,
    problems,
  };
}

const slot = (step: string, attempt: number) => `${step}/${attempt}`;

/**
 * Where one branch's read models differ from its workflow state: one ledger task per opened step
 * attempt (done once signed, open while it is the open step), the ranking at the awarded level, one
 * 待办 notice per opened step and member of its group and one award notice, none twice.
 */
export function differences(roundId: string, code: string, v: Views): string[] {
  const out: string[] = [];
  const state = v.states.get(code);
  if (!state) return [`${code}: no workflow state`];
  const wf = branchWorkflowId(roundId, code);
  const opened = state.timeline.filter(
    (e) => e.action === 'opened' && (HUMAN_STEPS as string[]).includes(e.step),
  );
  const finished = new Set(
    state.timeline
      .filter((e) => ['signed', 'returned', 'closed'].includes(e.action))
      .map((e) => slot(e.step, e.attempt)),
  );

  if (v.ledger) {
    const rows = v.ledger.filter((r) => r.branchId === code && r.kind === 'step');
    const expected = new Map(
      opened.map((e) => [
        `${wf}/${e.step}/${e.attempt}`,
        finished.has(slot(e.step, e.attempt)) ? 'done' : 'open',
      ]),
    );
    for (const [key, status] of expected) {
      const row = rows.filter((r) => r.key === key);
      if (row.length === 0)
        out.push(`${code} ledger: no task ${key.slice(wf.length + 1)} (${status} in the workflow)`);
      else if (row.length > 1)
        out.push(`${code} ledger: task ${key.slice(wf.length + 1)} listed ${row.length} times`);
      else if (row[0]!.status !== status)
        out.push(
          `${code} ledger: task ${key.slice(wf.length + 1)} is ${row[0]!.status}, the workflow says ${status}`,
        );
    }
    for (const r of rows)
      if (!expected.has(r.key))
        out.push(`${code} ledger: task ${r.key.slice(wf.length + 1)} the workflow never opened`);
  }

  if (v.standings) {
    const level = v.standings.find((s) => s.code === code)?.level ?? 0;
    if (level !== (state.level ?? 0))
      out.push(`${code} rankings: level ${level}, the workflow's ${state.level ?? 0}`);
  }

  if (v.notices && v.users) {
    const branch = { code, townshipCode: TOWNSHIP, countyCode: COUNTY };
    const expected = new Map<string, number>();
    const add = (user: string, kind: string, key: string | null) => {
      const k = `${user}|${kind}|${key ?? ''}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    };
    for (const e of opened) {
      const signer = STEP_SIGNERS[e.step as HumanStep];
      const jurisdiction = scopeCode(branch, signer.scope);
      for (const u of v.users)
        if (u.role === signer.role && jurisdiction.startsWith(u.jurisdiction))
          add(u.id, 'step_opened', `${wf}/${e.step}/${e.attempt}`);
    }
    if (state.level !== null && (state.step === 'CLOSED' || state.step === 'RECTIFICATION'))
      for (const u of v.users)
        if (u.role === 'village_secretary' && code.startsWith(u.jurisdiction))
          add(u.id, 'award_published', null);
    const present = new Map<string, number>();
    for (const n of v.notices)
      if (n.branch_id === code && (n.kind === 'step_opened' || n.kind === 'award_published')) {
        const k = `${n.user_id}|${n.kind}|${n.work_key ?? ''}`;
        present.set(k, (present.get(k) ?? 0) + 1);
      }
    for (const [k, n] of expected) {
      const got = present.get(k) ?? 0;
      if (got < n) out.push(`${code} inbox: missing ${k.replaceAll('|', ' ')}`);
      if (got > n) out.push(`${code} inbox: ${k.replaceAll('|', ' ')} ${got} times`);
    }
    for (const k of present.keys())
      if (!expected.has(k)) out.push(`${code} inbox: unexpected ${k.replaceAll('|', ' ')}`);
  }
  return out;
}

/** Notices that repeat: the same event to the same user, or the same 待办 / award to the same user twice. */
export function duplicateNotices(v: Views): string[] {
  if (!v.notices) return ['notices unreadable'];
  const out: string[] = [];
  const count = (key: (n: NoticeRow) => string) => {
    const m = new Map<string, number>();
    for (const n of v.notices!) m.set(key(n), (m.get(key(n)) ?? 0) + 1);
    return [...m].filter(([, c]) => c > 1);
  };
  for (const [k, c] of count((n) => `${n.event_id} → ${n.user_id}`)) out.push(`event ${k}: ${c} notices`);
  for (const [k, c] of count((n) => `${n.user_id} ${n.kind} ${n.work_key ?? n.branch_id}`))
    out.push(`${k}: ${c} notices (different events)`);
  return out;
}

export interface SystemLook {
  processes: ProcessHealth[];
  ready: boolean;
  /** Every read-model consumer answered and has nothing pending. */
  caughtUp: boolean;
  detail: string[];
}

/** Every process ready, every read-model service reachable with no lag and nothing unacknowledged. */
export async function system(cast: Cast): Promise<SystemLook> {
  const processes = await Promise.all(PROCESSES.map((p) => health(p)));
  const detail = processes.filter((p) => !p.ready).map((p) => `${p.name}: ${p.detail}`);
  let caughtUp = false;
  const stats = await cast.admin.get<{
    services: {
      service: string;
      reachable: boolean;
      error?: string;
      stats?: { consumers: { durable: string; lag: number; ackPending: number }[] };
    }[];
  }>('/api/admin/stats');
  if (stats.status === 200) {
    caughtUp = true;
    for (const s of stats.body.services) {
      if (!s.reachable) {
        caughtUp = false;
        detail.push(`${s.service}: unreachable (${s.error})`);
        continue;
      }
      for (const c of s.stats!.consumers)
        if (c.lag > 0 || c.ackPending > 0) {
          caughtUp = false;
          detail.push(`${s.service}: lag ${c.lag}, unacknowledged ${c.ackPending}`);
        }
    }
  } else detail.push(`admin stats: ${stats.status || stats.error}`);
  return { processes, ready: processes.every((p) => p.ready), caughtUp, detail };
}
