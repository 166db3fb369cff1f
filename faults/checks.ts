/**
 * The checks after the last fault: every command's effects counted in its branch's workflow (Temporal
 * history: Updates accepted under its id; the state's timeline and score sheets), the read models
 * against the workflows, the audit log against what the client was told, and every request's time.
 */
import { Client, Connection } from '@temporalio/client';
import type { BranchState } from '@fivestar/contracts';
import { BOUND_MARGIN_MS, REQUEST_BOUND_MS, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } from './config';
import type { Cast } from './driver';
import { commands, exchanges, type CommandRecord } from './http';
import { seconds } from './log';
import { branchWorkflowId, differences, duplicateNotices, look } from './observe';

/** What each command did in its workflow. */
export interface Effects {
  /** Updates accepted under the command's id. */
  accepted: number;
}

export interface Findings {
  lost: CommandRecord[];
  duplicated: { rec: CommandRecord; why: string }[];
  /** Refused (4xx) after a send that may have reached the workflow, yet applied: a wrong answer. */
  misanswered: { rec: CommandRecord; why: string }[];
  /** Updates in a workflow's history that no command of the suite sent (by id). */
  stray: string[];
  readModels: string[];
  duplicateNotices: string[];
  auditMissing: { rec: CommandRecord; requestId: string; why: string }[];
  /** Answered requests (refusals, 503s) without an entry: every command that reaches the API has one. */
  auditUnrecorded: string[];
  auditVerify: { ok: boolean; detail: string };
  slow: string[];
  effects: Map<string, Effects>;
}

interface AuditItem {
  requestId: string;
  status: number;
  action: string;
}

const SIGNED_STEP: Record<string, string> = {
  'self-check': 'SELF_CHECK',
  'township review': 'TOWNSHIP_REVIEW',
  'county review': 'COUNTY_PRE_REVIEW',
  'close observation': 'ON_SITE_OBSERVATION',
  award: 'AWARD',
};

/** Accepted Updates of a workflow, by Update id (its whole history, as the server keeps it). */
async function acceptedUpdates(client: Client, workflowId: string): Promise<Map<string, number>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const out = new Map<string, number>();
  for (const e of history.events ?? []) {
    const id = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId;
    if (id) out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

export async function finalChecks(cast: Cast, roundId: string, codes: string[]): Promise<Findings> {
  const f: Findings = {
    lost: [],
    duplicated: [],
    misanswered: [],
    stray: [],
    readModels: [],
    duplicateNotices: [],
    auditMissing: [],
    auditUnrecorded: [],
    auditVerify: { ok: false, detail: '' },
    slow: [],
    effects: new Map(),
  };

  // 1. Effects in the workflows.
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  const views = await look(cast, roundId, codes);
  try {
    for (const code of codes) {
      const mine = commands.filter((c) => c.branch === code);
      const updates = await acceptedUpdates(client, branchWorkflowId(roundId, code));
      const state = views.states.get(code) as BranchState | null | undefined;
      for (const rec of mine) {
        const accepted = updates.get(rec.updateId) ?? 0;
        f.effects.set(rec.updateId, { accepted });
        if (rec.outcome === 'acknowledged' && accepted === 0) f.lost.push(rec);
        if (accepted > 1) f.duplicated.push({ rec, why: `Update accepted ${accepted} times` });
        if (rec.outcome === 'refused' && accepted > 0 && rec.ambiguous)
          f.misanswered.push({
            rec,
            why: `answered ${rec.refusal!.status} ${rec.refusal!.problem ?? ''} to a resend, but the first send was taken`,
          });
      }
      const known = new Set(mine.map((c) => c.updateId));
      for (const [id, n] of updates) if (!known.has(id)) f.stray.push(`${code}: Update ${id} ×${n}`);
      if (!state) {
        f.readModels.push(`${code}: no workflow state`);
        continue;
      }
      // The workflow's own account: one signature per signed step, one sheet per observer.
      for (const rec of mine) {
        const step = SIGNED_STEP[rec.label];
        const applied = (f.effects.get(rec.updateId)?.accepted ?? 0) > 0;
        if (step) {
          const signed = state.timeline.filter((e) => e.step === step && e.action === 'signed').length;
          if (signed > 1) f.duplicated.push({ rec, why: `${step} signed ${signed} times in the timeline` });
          if (applied && signed === 0 && rec.outcome === 'acknowledged')
            f.lost.push({ ...rec, label: `${rec.label} (no signature in the timeline)` });
        } else if (rec.label.startsWith('observation')) {
          const sheets = state.observation.sheets.filter(
            (s) => s.observer.userId === rec.updateId.split(':')[0],
          );
          if (rec.outcome === 'acknowledged' && sheets.length !== 1)
            f.lost.push({ ...rec, label: `${rec.label} (${sheets.length} sheets of this observer)` });
          if (sheets.length > 1) f.duplicated.push({ rec, why: `${sheets.length} sheets of one observer` });
        }
      }
    }
  } finally {
    await connection.close();
  }

  // 2. Read models against the workflows.
  f.readModels.push(...views.problems);
  for (const code of codes) f.readModels.push(...differences(roundId, code, views));
  f.duplicateNotices = duplicateNotices(views);

  // 3. Audit: an entry for every acknowledged command (the request that acknowledged it), and the chain.
  const audit = new Map<string, AuditItem[]>();
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const a: { status: number; body: { items: AuditItem[]; nextCursor: string | null } } =
      await cast.admin.get(`/api/audit?roundId=${roundId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    if (a.status !== 200) {
      f.auditVerify.detail = `GET /api/audit answered ${a.status}`;
      break;
    }
    for (const item of a.body.items) audit.set(item.requestId, [...(audit.get(item.requestId) ?? []), item]);
    cursor = a.body.nextCursor;
    if (!cursor) break;
  }
  for (const rec of commands) {
    if (rec.outcome !== 'acknowledged' || !rec.ackRequestId) continue;
    const entries = audit.get(rec.ackRequestId) ?? [];
    if (!entries.length) f.auditMissing.push({ rec, requestId: rec.ackRequestId, why: 'no entry' });
    else if (!entries.some((e) => e.status === rec.ackStatus))
      f.auditMissing.push({
        rec,
        requestId: rec.ackRequestId,
        why: `entries say ${entries.map((e) => e.status).join(', ')}, the client got ${rec.ackStatus}`,
      });
  }
  for (const e of exchanges)
    if ((e.kind === 'command' || e.kind === 'upload') && e.status > 0 && !audit.has(e.requestId))
      f.auditUnrecorded.push(`${e.window}: ${e.method} ${e.path} → ${e.status} (${e.requestId})`);
  const verify = await cast.admin.get<{ ok: boolean } & Record<string, unknown>>('/api/audit/verify');
  f.auditVerify =
    verify.status === 200
      ? { ok: verify.body.ok === true, detail: JSON.stringify(verify.body).slice(0, 600) }
      : { ok: false, detail: `GET /api/audit/verify answered ${verify.status || verify.error}` };

  // 4. Every request answered within its bound.
  for (const e of exchanges) {
    if (e.error === 'timeout' || (e.status > 0 && e.ms > REQUEST_BOUND_MS + BOUND_MARGIN_MS))
      f.slow.push(`${e.window}: ${e.method} ${e.path} → ${e.status || e.error} after ${seconds(e.ms)} s`);
  }
  return f;
}
