/**
 * `npm run faults` (docs/faults.md): brings up a private instance, drives one branch per fault through
 * its sign-offs while the fault strikes (processes killed, NATS and Temporal stopped and started,
 * database backends terminated, the ledger's table locked), measures how long the system takes to come
 * back and converge, then checks that no acknowledged command was lost or applied twice, that the read
 * models equal the workflows, that the audit log has every acknowledged command and verifies, and that
 * every request was answered within its bound. Prints the table; exit 0 only when every check passed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import {
  CONVERGE_TIMEOUT_MS,
  COUNTY,
  DATABASE_NAME,
  DATABASE_URL,
  PRIVATE_PORTS,
  PROCESSES,
  RESTART_WAIT_MS,
  TOWNSHIP,
  VAR,
  type ProcessName,
} from './config';
import { finalChecks, type Findings } from './checks';
import { driveBranch, type BranchRun, type Cast, type Sheets } from './driver';
import { commands, exchanges, runCommand, setWindow, User } from './http';
import { FAULTS, type Fault, type Injected } from './injections';
import { say, seconds, sleep, waitFor } from './log';
import { db, differences, look, system } from './observe';
import { ctl, health, hasReadiness, pidsOf, portOpen } from './procs';
import { table, verdict, type WindowResult } from './report';

const BRANCHES = Array.from({ length: 10 }, (_, i) => `${TOWNSHIP}${String(201 + i)}`);
const STEP_SECONDS = 3600;

/** Leftovers of an earlier run stopped (its pid files), every private port free, a clean slate. */
async function preflight(): Promise<void> {
  await ctl('down');
  const taken: string[] = [];
  for (const [name, port] of Object.entries(PRIVATE_PORTS))
    if (await portOpen(port)) taken.push(`${port} (${name})`);
  if (taken.length)
    throw new Error(
      `ports of the private instance are taken by another program: ${taken.join(', ')}. ` +
        'Stop it, or move the suite with FAULTS_API_PORT, FAULTS_NATS_PORT, FAULTS_TEMPORAL_PORT, … (docs/faults.md)',
    );
  rmSync(VAR, { recursive: true, force: true });
  mkdirSync(path.join(VAR, 'log'), { recursive: true });
  const admin = new Client({ connectionString: DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Every process ready within the timeout; false at once when one has been gone for 10 s. */
async function allReady(timeoutMs: number): Promise<boolean> {
  const goneSince = new Map<string, number>();
  const ok = await waitFor(async () => {
    const hs = await Promise.all(PROCESSES.map((p) => health(p)));
    for (const h of hs) {
      if (h.pids.length) goneSince.delete(h.name);
      else if (!goneSince.has(h.name)) goneSince.set(h.name, Date.now());
    }
    if ([...goneSince.values()].some((t) => Date.now() - t > 10_000)) return false;
    return hs.every((h) => h.ready) ? true : undefined;
  }, timeoutMs);
  return ok === true;
}

async function bringUp(): Promise<void> {
  say('starting the private Temporal dev server and NATS; checking PostgreSQL');
  await ctl('infra');
  say('provisioning the private database, the stream, the migrations');
  await ctl('provision');
  say('starting the worker and the services');
  await ctl('start-all');
  if (!(await allReady(90_000))) {
    const hs = await Promise.all(PROCESSES.map((p) => health(p)));
    throw new Error(
      `the private instance did not come up: ${hs.map((h) => `${h.name} ${h.detail}`).join('; ')} ` +
        `(logs: ${path.join(VAR, 'log')})`,
    );
  }
  say(
    `up (${hasReadiness() ? 'every process answers /ready' : 'no /ready in this build: API /health and pids'})`,
  );
  say('loading the demo county');
  await ctl('load-demo');
}

async function castOf(): Promise<Cast> {
  const cast: Cast = {
    secretaries: new Map(BRANCHES.map((code) => [code, new User(`sec-${code}`)])),
    township: new User(`twp-${TOWNSHIP}-1`),
    county: new User(`cty-${COUNTY}-1`),
    observer1: new User(`obs-${COUNTY}-1`),
    observer2: new User(`obs-${COUNTY}-2`),
    coordinator: new User(`coord-${COUNTY}`),
    admin: new User(`admin-${COUNTY}`),
  };
  await Promise.all(members(cast).map((u) => u.login(60_000)));
  return cast;
}

const members = (cast: Cast) => [
  ...cast.secretaries.values(),
  cast.township,
  cast.county,
  cast.observer1,
  cast.observer2,
  cast.coordinator,
  cast.admin,
];

/** A round over one township, every step an hour long (nothing falls due while the suite runs). */
async function startRound(cast: Cast): Promise<{ roundId: string; sheets: Sheets }> {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const roundId = `faults-${stamp}`;
  const each = { seconds: STEP_SECONDS };
  const schedule = {
    calendar: 'cn-mainland',
    uncoveredYear: 'weekdays-provisional',
    steps: {
      SELF_CHECK: each,
      TOWNSHIP_REVIEW: each,
      COUNTY_PRE_REVIEW: each,
      ON_SITE_OBSERVATION: each,
      AWARD: each,
    },
    rectification: each,
    reminderBefore: { seconds: 60 },
    urgeIntervalSeconds: 3600,
    unsignedPolicy: { SELF_CHECK: 'wait' },
    escalation: [
      { level: 'blue', after: { seconds: 0 }, notify: { role: 'township_reviewer', scope: 'township' } },
    ],
    observation: { rule: 'mean', quorum: 2, outlierPoints: 3 },
    publicNotice: null,
    revocation: { proposeAtLastRung: true },
    award: { capstoneRequiresAllOthers: true },
  };
  const started = await cast.coordinator.call('POST', '/api/rounds', {
    kind: 'check',
    body: {
      roundId,
      countyCode: COUNTY,
      year: new Date().getFullYear(),
      title: '故障注入演练',
      schedule,
      townshipCodes: [TOWNSHIP],
    },
  });
  if (started.status !== 201)
    throw new Error(`round not started: ${started.status} ${JSON.stringify(started.body)}`);
  const launched = await waitFor(async () => {
    const a = await cast.coordinator.get<{
      catalogs: { id: string; version: number }[];
      progress: { launchDone: boolean; launched: number };
    }>(`/api/rounds/${roundId}`);
    return a.status === 200 && a.body.progress.launchDone ? a.body : undefined;
  }, 60_000);
  if (!launched) throw new Error(`round ${roundId} did not launch`);
  say(`round ${roundId} launched: ${launched.progress.launched} branches`);
  for (const code of BRANCHES) {
    const open = await waitFor(async () => {
      const a = await cast.coordinator.get<{ state: { step: string; timeline: { action: string }[] } }>(
        `/api/rounds/${roundId}/branches/${code}`,
      );
      return a.status === 200 && a.body.state.step === 'SELF_CHECK' && a.body.state.timeline.length
        ? true
        : undefined;
    }, 60_000);
    if (!open) throw new Error(`branch ${code} did not open its self-check`);
  }
  // The rural catalog the round pinned: every star claimed, every task at full marks, every file cited.
  let sheets: Sheets | undefined;
  for (const pick of launched.catalogs) {
    const a = await cast.coordinator.get<{
      branchType: string;
      stars: { code: string; tasks: { code: string; points: number; evidence: { code: string }[] }[] }[];
    }>(`/api/catalogs/${pick.id}/${pick.version}`);
    if (a.status !== 200 || a.body.branchType !== 'rural') continue;
    const tasks = a.body.stars.flatMap((s) => s.tasks);
    sheets = {
      stars: a.body.stars.map((s) => s.code),
      scores: Object.fromEntries(tasks.map((t) => [t.code, t.points])),
      requirements: tasks.flatMap((t) => t.evidence.map((e) => e.code)),
    };
  }
  if (!sheets) throw new Error(`round ${roundId} pinned no rural catalog`);
  return { roundId, sheets };
}

/** Reads while the window runs (my tasks, an inbox, the branch): their answers and times are recorded. */
function reader(cast: Cast, roundId: string, code: string) {
  let on = true;
  const done = (async () => {
    while (on) {
      try {
        await cast.secretaries.get(code)!.get(`/api/tasks?roundId=${roundId}`, 'read');
        await cast.township.get('/api/inbox?limit=5', 'read');
        await cast.coordinator.get(`/api/rounds/${roundId}/branches/${code}`, 'read');
      } catch (err) {
        say(`  reader: ${String(err)}`); // a sign-in refused: recorded, the next round tries again
      }
      await sleep(1000);
    }
  })();
  return {
    stop: async () => {
      on = false;
      await done;
    },
  };
}

/**
 * After a fault: waits until every process is ready again (a killed one replaced; one gone for
 * RESTART_WAIT_MS is NOT RESTARTED, and started by the suite only to go on), then until the system has
 * converged — every consumer caught up, `done()`, every driven branch's read models equal to its workflow.
 */
async function settle(w: WindowResult, cast: Cast, roundId: string, driven: string[], done: () => boolean) {
  const t0 = w.injected!.endedAt;
  const killed = w.injected!.killed;
  let restartedBySuite = false;

  for (;;) {
    const now = Date.now();
    const hs = await Promise.all(PROCESSES.map((p) => health(p)));
    const replaced = !killed || !hs.find((h) => h.name === killed.name)!.pids.includes(killed.pid);
    if (w.backInMs === undefined && replaced && hs.every((h) => h.ready)) {
      w.backInMs = Date.now() - t0;
      say(`  every process ready again after ${seconds(w.backInMs)} s`);
    }
    if (!restartedBySuite && now > t0 + RESTART_WAIT_MS) {
      const dead = hs.filter((h) => !h.pids.length).map((h) => h.name);
      if (dead.length) {
        restartedBySuite = true;
        w.notRestarted.push(...dead);
        say(
          `  NOT RESTARTED within ${seconds(RESTART_WAIT_MS)} s: ${dead.join(', ')}; the suite starts them to go on`,
        );
        for (const name of dead) await ctl('start', name);
      }
    }
    if (w.backInMs !== undefined && done()) {
      const sys = await system(cast);
      if (sys.ready && sys.caughtUp) {
        const views = await look(cast, roundId, driven);
        const diffs = [...views.problems, ...driven.flatMap((c) => differences(roundId, c, views))];
        if (!diffs.length) {
          w.convergedMs = Date.now() - t0;
          w.lastPending = w.notConverged;
          w.notConverged = [];
          say(
            `  converged ${seconds(w.convergedMs)} s after the fault ended` +
              (w.lastPending.length ? ` (last to settle: ${w.lastPending.slice(0, 3).join('; ')})` : ''),
          );
          break;
        }
        w.notConverged = diffs;
      } else w.notConverged = sys.detail;
    } else if (w.backInMs === undefined) {
      w.notConverged = hs.filter((h) => !h.ready).map((h) => `${h.name}: ${h.detail}`);
    } else w.notConverged = ['the client is still sending'];
    if (now > t0 + CONVERGE_TIMEOUT_MS) {
      say(
        `  NOT CONVERGED within ${seconds(CONVERGE_TIMEOUT_MS)} s: ${w.notConverged.slice(0, 5).join('; ')}`,
      );
      break;
    }
    await sleep(1000);
  }
}

async function runWindow(
  fault: Fault,
  code: string,
  cast: Cast,
  roundId: string,
  sheets: Sheets,
  driven: string[],
): Promise<WindowResult> {
  setWindow(fault.name);
  say(`── ${fault.title}: branch ${code}, injected after "${fault.at}" is sent`);
  const w: WindowResult = { fault, branch: code, notRestarted: [], restarts: [], notConverged: [] };
  const before = new Map(PROCESSES.map((p) => [p, pidsOf(p)]));
  let injection: Promise<Injected> | undefined;
  const inject = () =>
    (injection ??= sleep(fault.delayMs)
      .then(() => fault.inject())
      .catch((err: unknown) => ({
        endedAt: Date.now(),
        note: '',
        failure: `injection failed: ${String(err)}`,
      })));
  const reading = reader(cast, roundId, code);
  let run: BranchRun | undefined;
  const chain = driveBranch(fault.name, roundId, code, cast, sheets, (label) => {
    if (label === fault.at) void inject();
  }).then((r) => (run = r));
  while (!injection) {
    await Promise.race([chain, sleep(100)]);
    if (run && !injection) void inject(); // the chain ended before its point: strike anyway
  }
  w.injected = await injection;
  await settle(w, cast, roundId, driven, () => run !== undefined);
  w.run = await chain;
  await reading.stop();
  for (const p of PROCESSES) {
    const after = pidsOf(p);
    const was = before.get(p) ?? [];
    if (after.join() !== was.join()) {
      const how = w.injected.killed?.name === p ? 'killed' : 'exited';
      const back = w.notRestarted.includes(p as ProcessName) ? 'started by the suite' : 'came back by itself';
      w.restarts.push(`${p} ${was.join(',') || '-'} → ${after.join(',') || '-'} (${how}; ${back})`);
    }
  }
  if (w.restarts.length) say(`  pids changed: ${w.restarts.join('; ')}`);
  return w;
}

const RESEND: Fault = {
  name: 'resend',
  title: 'every acknowledged sign-off sent again (same key)',
  at: 'award',
  delayMs: 0,
  inject: async () => ({ endedAt: Date.now(), note: '' }),
};

/** JSON with sorted keys: two answers are the same when their canonical forms are. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * The last window, with no fault: every sign-off acknowledged so far is sent again with its own key and
 * body (docs/api.md: "the same request sent again with the same key is the same command: never taken
 * twice, answered the same") — including the awards of branches whose workflows have finished since.
 */
async function resendWindow(cast: Cast, roundId: string, driven: string[]): Promise<WindowResult> {
  setWindow(RESEND.name);
  const originals = commands.filter((c) => c.outcome === 'acknowledged' && !c.pending && !c.refusal);
  say(`── ${RESEND.title}: ${originals.length} sign-offs`);
  const w: WindowResult = { fault: RESEND, branch: 'all', notRestarted: [], restarts: [], notConverged: [] };
  w.mismatches = [];
  const users = new Map(members(cast).map((u) => [u.username, u]));
  for (const rec of originals) {
    const again = await runCommand(users.get(rec.user)!, rec.branch, rec.label, rec.path, rec.body, rec.key);
    if (again.outcome !== 'acknowledged' || again.refusal || again.pending)
      w.mismatches.push(
        `${rec.branch} ${rec.label} (key ${rec.key}): ${again.refusal ? `${again.refusal.status} ${again.refusal.problem ?? ''}` : again.outcome}`,
      );
    else if (canonical(again.answer) !== canonical(rec.answer))
      w.mismatches.push(
        `${rec.branch} ${rec.label} (key ${rec.key}): answered ${canonical(again.answer).slice(0, 160)}, first ${canonical(rec.answer).slice(0, 160)}`,
      );
  }
  w.injected = {
    endedAt: Date.now(),
    note: `${originals.length} sent again, ${w.mismatches.length} answered differently`,
  };
  await settle(w, cast, roundId, driven, () => true);
  return w;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const only = (process.env.FAULTS_ONLY ?? '').split(',').filter(Boolean);
  const faults = only.length ? FAULTS.filter((f) => only.includes(f.name)) : FAULTS;
  if (!faults.length)
    throw new Error(`FAULTS_ONLY names no fault (known: ${FAULTS.map((f) => f.name).join(', ')})`);
  say(`private instance in ${VAR}; database ${DATABASE_NAME}; ports ${JSON.stringify(PRIVATE_PORTS)}`);
  await preflight();
  await bringUp();
  const cast = await castOf();
  const { roundId, sheets } = await startRound(cast);
  const setupMs = Date.now() - t0;

  const windows: WindowResult[] = [];
  const driven: string[] = [];
  for (const [i, fault] of faults.entries()) {
    const code = BRANCHES[i]!;
    driven.push(code);
    windows.push(await runWindow(fault, code, cast, roundId, sheets, driven));
  }

  windows.push(await resendWindow(cast, roundId, driven));

  setWindow('checks');
  say('checking: effects in the workflows, read models, inboxes, audit log, bounds');
  const findings: Findings = await finalChecks(cast, roundId, driven);
  const atEnd = (await Promise.all(PROCESSES.map((p) => health(p))))
    .filter((h) => !h.ready)
    .map((h) => `${h.name}: ${h.detail}`);
  const v = verdict(windows, findings, atEnd);

  const acknowledged = commands.filter((c) => c.outcome === 'acknowledged').length;
  const report = [
    `# Fault injection: round ${roundId}`,
    '',
    `${commands.length} sign-offs sent (${acknowledged} acknowledged) over ${driven.length} branches, ` +
      `${exchanges.length} requests; setup ${seconds(setupMs)} s, total ${seconds(Date.now() - t0)} s; ` +
      `${hasReadiness() ? 'readiness from /ready' : 'no /ready in this build (API /health, live pids)'}.`,
    '',
    table(windows, findings),
    '',
    ...windows
      .filter((w) => w.restarts.length)
      .map((w) => `- ${w.fault.name}: pids ${w.restarts.join('; ')}`),
    '',
    v.ok
      ? `PASSED: 0 lost, 0 duplicated, every process back, read models equal, audit complete and verified (${findings.auditVerify.detail}).`
      : `FAILED:\n\n${v.failures.join('\n')}`,
    '',
  ].join('\n');
  writeFileSync(path.join(VAR, 'report.md'), report);
  writeFileSync(
    path.join(VAR, 'report.json'),
    JSON.stringify(
      { roundId, windows, commands, exchanges, findings: { ...findings, effects: undefined } },
      null,
      1,
    ),
  );
  process.stdout.write(`\n${report}`);
  say(`report: ${path.join(VAR, 'report.md')} (details: report.json, logs: ${path.join(VAR, 'log')})`);
  return v.ok ? 0 : 1;
}

let tornDown = false;
async function teardown(): Promise<void> {
  if (tornDown) return;
  tornDown = true;
  say('tearing the private instance down (logs stay in var/faults/log)');
  await ctl('down').catch((err: unknown) => say(`teardown: ${String(err)}`));
  await db.end().catch(() => undefined);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    say(`${signal}: stopping`);
    void teardown().then(() => process.exit(130));
  });

main()
  .catch((err: unknown) => {
    say(`ERROR: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 2;
  })
  .then(async (code) => {
    await teardown();
    process.exit(code);
  });
