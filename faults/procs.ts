/**
 * The private instance's processes: found in /proc by their entry point and their FIVESTAR_VAR (so a
 * process of `npm run up` or of the tests is never taken for ours, whatever supervises it), started and
 * stopped through faults/ctl.sh (infra/lib.sh's start_bg / stop_bg), and asked /ready (or /health).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ENTRY, HEALTH_URL, ROOT, VAR, type ProcessName } from './config';
import { say } from './log';

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes whose argv holds `arg` and whose environment has our FIVESTAR_VAR. */
function findOurs(matches: (argv: string[], exe: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const dir = `/proc/${entry}`;
    const cmdline = read(`${dir}/cmdline`);
    if (!cmdline) continue;
    const argv = cmdline.split('\0').filter(Boolean);
    let exe = '';
    try {
      exe = readlinkSync(`${dir}/exe`);
    } catch {
      continue;
    }
    if (!matches(argv, exe)) continue;
    const environ = read(`${dir}/environ`)?.split('\0') ?? [];
    if (!environ.includes(`FIVESTAR_VAR=${VAR}`)) continue;
    const stat = read(`${dir}/stat`) ?? '';
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
    pids.push(Number(entry));
  }
  return pids;
}

/** The node processes running `name`'s entry point in the private instance (a supervisor is not one). */
export function pidsOf(name: ProcessName): number[] {
  const entry = ENTRY[name];
  return findOurs(
    (argv, exe) =>
      path.basename(exe).startsWith('node') &&
      argv.some((a) => a === entry || a === path.join(ROOT, entry) || a.endsWith(`/${entry}`)),
  );
}

/** The private nats-server / Temporal dev server (their data lives under FIVESTAR_VAR). */
export function infraPids(kind: 'nats' | 'temporal'): number[] {
  return findOurs((argv) =>
    kind === 'nats'
      ? argv.some((a) => a.endsWith('nats-server')) && argv.includes(path.join(VAR, 'nats'))
      : argv.some((a) => a === 'start-dev') && argv.some((a) => a.startsWith(path.join(VAR, 'temporal'))),
  );
}

/** Runs faults/ctl.sh with the private environment; its output goes to var/faults/log/ctl.log. */
export function ctl(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [path.join(ROOT, 'faults/ctl.sh'), ...args],
      { cwd: ROOT, env: process.env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // The scripts' own lines; the services' JSON logs (migrations, provisioning) stay out.
        const out = `${stdout}${stderr}`.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
        for (const line of out) say(`  ${line}`);
        if (err) reject(new Error(`ctl.sh ${args.join(' ')} failed: ${err.message}`));
        else resolve();
      },
    );
  });
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the build has the health listeners (platform/src/health.ts): /ready on every process. */
export const hasReadiness = () => existsSync(path.join(ROOT, 'platform/dist/health.js'));

export interface ProcessHealth {
  name: ProcessName;
  pids: number[];
  /** Ready: /ready 200 where the build has it; otherwise alive (and, for the API, /health 200). */
  ready: boolean;
  detail: string;
}

async function get(url: string): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
    return { status: res.status, text: (await res.text()).slice(0, 300) };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { status: 0, text: cause?.code ?? (err instanceof Error ? err.name : String(err)) };
  }
}

export async function health(name: ProcessName): Promise<ProcessHealth> {
  const pids = pidsOf(name);
  if (!pids.length) return { name, pids, ready: false, detail: 'no process' };
  if (hasReadiness()) {
    const r = await get(`${HEALTH_URL[name]}/ready`);
    if (r.status === 200) return { name, pids, ready: true, detail: 'ready' };
    return {
      name,
      pids,
      ready: false,
      detail: `/ready ${r.status || r.text}${r.status ? `: ${r.text}` : ''}`,
    };
  }
  if (name === 'api') {
    const r = await get(`${HEALTH_URL.api}/health`);
    return { name, pids, ready: r.status === 200, detail: `/health ${r.status || r.text}` };
  }
  return { name, pids, ready: true, detail: 'alive (no /ready in this build)' };
}
