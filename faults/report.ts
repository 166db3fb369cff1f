/** The report: the table fault → lost / duplicated / back / converged / what the client saw, and the details. */
import type { ProcessName } from './config';
import type { Findings } from './checks';
import type { BranchRun } from './driver';
import { commands, exchanges, type CommandRecord, type Exchange } from './http';
import type { Fault, Injected } from './injections';
import { seconds } from './log';

export interface WindowResult {
  fault: Fault;
  branch: string;
  injected?: Injected;
  /** From the fault's end until every process was ready again. */
  backInMs?: number;
  /** Processes that died and did not come back by themselves (the suite then started them to go on). */
  notRestarted: ProcessName[];
  /** Processes whose pid changed during the window (killed, or exited on their own), and how they came back. */
  restarts: string[];
  /** From the fault's end until the system had converged; undefined: it did not within the timeout. */
  convergedMs?: number;
  /** What was still off when the window gave up waiting (or at the last look before it converged). */
  notConverged: string[];
  /** What was the last to settle before the window converged. */
  lastPending?: string[];
  /** The resend window: sign-offs whose resend was not answered as the first send was. */
  mismatches?: string[];
  run?: BranchRun;
}

const outcome = (e: Exchange) => (e.status ? String(e.status) : (e.error ?? '?'));

/** "503×3 → 200": runs of the same outcome collapsed. */
function sequence(xs: Exchange[]): string {
  const runs: [string, number][] = [];
  for (const x of xs) {
    const o = outcome(x);
    const lastRun = runs[runs.length - 1];
    if (lastRun && lastRun[0] === o) lastRun[1] += 1;
    else runs.push([o, 1]);
  }
  return runs.map(([o, n]) => (n > 1 ? `${o}×${n}` : o)).join(' → ');
}

function commandSaw(c: CommandRecord): string {
  let s = sequence(c.sends);
  if (c.polls.length) s += ` → poll ${sequence(c.polls)}`;
  if (c.outcome === 'unanswered') s += ' → gave up';
  if (c.pending) s += ' → still 202 at the budget';
  return `${c.label}: ${s} (${seconds(c.endedAt - c.startedAt)} s)`;
}

function histogram(xs: Exchange[]): string {
  const m = new Map<string, number>();
  for (const x of xs) m.set(outcome(x), (m.get(outcome(x)) ?? 0) + 1);
  return [...m].map(([o, n]) => `${o}×${n}`).join(' ');
}

export function clientSaw(w: WindowResult): string {
  const mine = commands.filter((c) => c.window === w.fault.name);
  const parts: string[] = [];
  const clean = mine.filter((c) => c.sends.length === 1 && c.sends[0]!.status === 200 && !c.polls.length);
  const upload = w.run?.upload ?? [];
  if (upload.length > 1 || (upload[0] && upload[0].status !== 201 && upload[0].status !== 200))
    parts.push(`evidence: ${sequence(upload)}`);
  for (const c of mine) if (!clean.includes(c)) parts.push(commandSaw(c));
  if (clean.length)
    parts.push(`${clean.length === mine.length ? 'all ' : ''}${clean.length} sign-offs 200 at once`);
  if (w.run?.stoppedAt) parts.push(`chain stopped at ${w.run.stoppedAt}`);
  const reads = exchanges.filter((e) => e.window === w.fault.name && e.kind === 'read');
  if (reads.length) parts.push(`reads ${histogram(reads)}`);
  const all = exchanges.filter((e) => e.window === w.fault.name && e.kind !== 'check');
  const slowest = Math.max(0, ...all.map((e) => e.ms));
  parts.push(`slowest answer ${seconds(slowest)} s`);
  return parts.join('; ');
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function table(windows: WindowResult[], f: Findings): string {
  const lines = [
    '| fault | branch | lost | duplicated | back in (s) | converged in (s) | what the client saw |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const w of windows) {
    const lost = f.lost.filter((c) => c.window === w.fault.name).length;
    const dup = new Set(f.duplicated.filter((d) => d.rec.window === w.fault.name).map((d) => d.rec.updateId))
      .size;
    let back = w.backInMs === undefined ? '—' : seconds(w.backInMs);
    if (w.notRestarted.length) back = `NOT RESTARTED: ${w.notRestarted.join(', ')}`;
    const converged = w.convergedMs === undefined ? 'NOT CONVERGED' : seconds(w.convergedMs);
    const saw = [
      w.injected?.failure ? `FAULT NOT AS MEANT: ${w.injected.failure}` : '',
      w.injected?.note ?? '',
      clientSaw(w),
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(
      `| ${cell(w.fault.title)} | ${w.branch} | ${lost} | ${dup} | ${cell(back)} | ${converged} | ${cell(saw)} |`,
    );
  }
  return lines.join('\n');
}

export interface Verdict {
  ok: boolean;
  failures: string[];
}

export function verdict(windows: WindowResult[], f: Findings, processesAtEnd: string[]): Verdict {
  const failures: string[] = [];
  const list = (title: string, items: string[]) => {
    if (items.length)
      failures.push(`${title} (${items.length}):\n${items.map((i) => `  - ${i}`).join('\n')}`);
  };
  const who = (c: CommandRecord) => `[${c.window}] ${c.branch} ${c.label} (${c.user}, key ${c.key})`;
  list('acknowledged commands lost', f.lost.map(who));
  list(
    'commands applied more than once',
    f.duplicated.map((d) => `${who(d.rec)}: ${d.why}`),
  );
  list(
    'refused on a resend although applied',
    f.misanswered.map((d) => `${who(d.rec)}: ${d.why}`),
  );
  list('Updates no command of the suite sent', f.stray);
  list(
    'processes that did not come back by themselves',
    windows.flatMap((w) => w.notRestarted.map((p) => `[${w.fault.name}] ${p}`)),
  );
  list(
    'faults not injected as meant',
    windows.filter((w) => w.injected?.failure).map((w) => `[${w.fault.name}] ${w.injected!.failure}`),
  );
  list(
    'windows that did not converge',
    windows
      .filter((w) => w.convergedMs === undefined)
      .map((w) => `[${w.fault.name}] still: ${w.notConverged.slice(0, 8).join('; ')}`),
  );
  list(
    'commands not acknowledged within their budget, or refused',
    commands
      .filter((c) => c.outcome !== 'acknowledged' || c.pending || c.refusal)
      .map(
        (c) =>
          `${who(c)}: ${commandSaw(c)}${c.refusal ? ` — ${c.refusal.status} ${c.refusal.problem ?? ''}` : ''}`,
      ),
  );
  list(
    'sign-offs sent again with their key and not answered the same',
    windows.flatMap((w) => w.mismatches ?? []),
  );
  list('read models that differ from the workflows', f.readModels);
  list('duplicate notices', f.duplicateNotices);
  list(
    'acknowledged commands without their audit entry',
    f.auditMissing.map((m) => `${who(m.rec)}: request ${m.requestId}: ${m.why}`),
  );
  list('answered commands without an audit entry', f.auditUnrecorded);
  if (!f.auditVerify.ok) failures.push(`audit chain not verified: ${f.auditVerify.detail}`);
  list('requests answered beyond the bound (10 s + 2 s margin) or not at all', f.slow);
  list('processes not ready at the end', processesAtEnd);
  return { ok: failures.length === 0, failures };
}
