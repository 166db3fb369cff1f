/**
 * The faults, one per window, each injected while a branch's chain is running (just after the sign-off
 * named by `at` was sent). The suite restarts only what it stops on purpose (NATS, Temporal); a killed
 * process must come back by itself (start_bg's supervision).
 */
import { Client } from 'pg';
import { DATABASE_NAME, DATABASE_URL, LOCK_MS, OUTAGE_MS, PRIVATE_PORTS, type ProcessName } from './config';
import type { SignOff } from './driver';
import { say, seconds, sleep } from './log';
import { SUITE_APPLICATION_NAME } from './observe';
import { ctl, pidsOf, portOpen } from './procs';

export interface Injected {
  /** When the fault ended and recovery began: the kill; the restart of what was stopped; the lock's release. */
  endedAt: number;
  killed?: { name: ProcessName; pid: number };
  /** What happened that the table should say (how long it was down, what it terminated). */
  note: string;
  /** The fault could not be injected as meant (the suite reports it as a failure). */
  failure?: string;
}

export interface Fault {
  name: string;
  title: string;
  /** The sign-off after whose sending the fault is injected, and how long after. */
  at: SignOff;
  delayMs: number;
  inject(): Promise<Injected>;
}

function kill(name: ProcessName, at: SignOff, delayMs: number): Fault {
  return {
    name,
    title: `kill -9 ${name}`,
    at,
    delayMs,
    async inject() {
      const pids = pidsOf(name);
      if (pids.length !== 1)
        return { endedAt: Date.now(), note: '', failure: `${pids.length} ${name} processes` };
      const pid = pids[0]!;
      process.kill(pid, 'SIGKILL');
      say(`  killed ${name} (pid ${pid}) with SIGKILL`);
      return { endedAt: Date.now(), killed: { name, pid }, note: `pid ${pid} killed` };
    },
  };
}

/** Stops NATS or Temporal through its infra script, leaves it down OUTAGE_MS, starts it again. */
function outage(what: 'nats' | 'temporal', at: SignOff): Fault {
  const port = what === 'nats' ? PRIVATE_PORTS.nats! : PRIVATE_PORTS.temporal!;
  const label = what === 'nats' ? 'NATS' : 'Temporal server';
  return {
    name: what,
    title: `${label} stopped ${Math.round(OUTAGE_MS / 1000)} s`,
    at,
    delayMs: 0,
    async inject() {
      const t0 = Date.now();
      await ctl(what, 'stop');
      const stoppedAt = Date.now();
      say(`  ${label} stopped (${seconds(stoppedAt - t0)} s to stop); down for ${seconds(OUTAGE_MS)} s`);
      let failure: string | undefined;
      if (await portOpen(port)) failure = `${label} still answers on ${port} after stop`;
      await sleep(OUTAGE_MS);
      if (!failure && (await portOpen(port))) failure = `${label} answered on ${port} while it was stopped`;
      const startAt = Date.now();
      await ctl(what, 'start');
      say(`  ${label} started again (${seconds(Date.now() - startAt)} s until it answered)`);
      return {
        endedAt: startAt,
        note: `down ${seconds(startAt - stoppedAt)} s, back in ${seconds(Date.now() - startAt)} s`,
        failure,
      };
    },
  };
}

/** pg_terminate_backend on every backend of the private database (the suite's own connections excepted). */
const terminate: Fault = {
  name: 'pg-terminate',
  title: 'pg_terminate_backend (every backend)',
  at: 'county review',
  delayMs: 20,
  async inject() {
    const c = new Client({
      connectionString: DATABASE_URL,
      application_name: `${SUITE_APPLICATION_NAME}-terminate`,
    });
    await c.connect();
    try {
      const r = await c.query<{ pid: number; application_name: string; terminated: boolean }>(
        `SELECT pid, application_name, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name NOT LIKE $2`,
        [DATABASE_NAME, `${SUITE_APPLICATION_NAME}%`],
      );
      const n = r.rows.filter((x) => x.terminated).length;
      say(`  terminated ${n} backends of ${DATABASE_NAME}`);
      return { endedAt: Date.now(), note: `${n} backends terminated` };
    } finally {
      await c.end();
    }
  },
};

/** An ACCESS EXCLUSIVE lock on the ledger's table, held LOCK_MS in an open transaction. */
const lock: Fault = {
  name: 'pg-lock',
  title: `LOCK tasks.tasks ACCESS EXCLUSIVE ${Math.round(LOCK_MS / 1000)} s`,
  at: 'township review',
  delayMs: 0,
  async inject() {
    const c = new Client({
      connectionString: DATABASE_URL,
      application_name: `${SUITE_APPLICATION_NAME}-lock`,
    });
    await c.connect();
    try {
      const t0 = Date.now();
      await c.query('BEGIN');
      await c.query('LOCK TABLE tasks.tasks IN ACCESS EXCLUSIVE MODE');
      const held = Date.now();
      say(`  tasks.tasks locked (${seconds(held - t0)} s to get the lock); holding ${seconds(LOCK_MS)} s`);
      await sleep(LOCK_MS);
      await c.query('COMMIT');
      return { endedAt: Date.now(), note: `held ${seconds(Date.now() - held)} s` };
    } finally {
      await c.end();
    }
  },
};

const none: Fault = {
  name: 'none',
  title: 'none (baseline)',
  at: 'township review',
  delayMs: 0,
  inject: async () => ({ endedAt: Date.now(), note: '' }),
};

/** In order; each gets a branch of its own. */
export const FAULTS: Fault[] = [
  none,
  kill('worker', 'county review', 20),
  kill('tasks', 'township review', 0),
  kill('notifications', 'township review', 0),
  kill('ranking', 'township review', 0),
  // At the award: a retry after a cut connection meets a branch that may have finished meanwhile.
  kill('api', 'award', 20),
  outage('nats', 'township review'),
  outage('temporal', 'county review'),
  terminate,
  lock,
];
