/**
 * `npm run up`'s runner (infra/lib.sh): start_bg runs a program under a supervisor that starts it again
 * when it exits (1 s, doubling; back to 1 s after a long enough run), and stop_bg stops the supervisor and
 * the program (one SIGTERM, no restart). Shells out to bash with a runtime folder of its own.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { until } from './support';

const run = promisify(execFile);
const LIB = path.resolve(__dirname, '../infra/lib.sh');
let dir: string;
const names = ['crasher', 'steady', 'slow'];

/** Runs `script` in a bash that sourced lib.sh, with FIVESTAR_VAR in this test's folder. */
async function sh(script: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('bash', ['-c', `set -euo pipefail; source "$0"; ${script}`, LIB], {
    env: { ...process.env, FIVESTAR_VAR: path.join(dir, 'var'), ...env },
  });
  return stdout.trim();
}
const logOf = (name: string) => readFile(path.join(dir, 'var/log', `${name}.log`), 'utf8').catch(() => '');
/** Whether `pid` runs (a zombie waiting for a parent that will never reap it does not). */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

/** A program that logs its start and every SIGTERM, then exits after `ticks` tenths of a second (0: never). */
async function program(name: string, ticks: number, status = 3): Promise<string> {
  const file = path.join(dir, `${name}.sh`);
  await writeFile(
    file,
    `#!/usr/bin/env bash
echo "up $$"
trap 'echo "TERM $$" >> "${dir}/${name}.terms"; exit 0' TERM
n=0
while [ ${ticks} = 0 ] || [ $n -lt ${ticks} ]; do sleep 0.1; n=$((n + 1)); done
exit ${status}
`,
  );
  await chmod(file, 0o755);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fivestar-supervisor-'));
});

afterAll(async () => {
  await sh(names.map((n) => `stop_bg ${n} 5`).join('; ')).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('start_bg / stop_bg', () => {
  it('restarts a program that exits, with a doubling delay, and counts its exits', async () => {
    const file = await program('crasher', 3);
    await sh(`start_bg crasher ${file}`);
    const pid = Number(await sh('bg_pid crasher'));
    // Started twice is harmless: the same supervisor stays.
    await sh(`start_bg crasher ${file}`);
    expect(Number(await sh('bg_pid crasher'))).toBe(pid);

    const log = await until(
      () => logOf('crasher'),
      (l) => (l.match(/^up \d+$/gm) ?? []).length >= 3,
      15_000,
    );
    expect(log).toMatch(/crasher exited \(status 3\) after \d+s; restarting in 1s/);
    expect(log).toMatch(/crasher exited \(status 3\) after \d+s; restarting in 2s/);
    expect(new Set(log.match(/^up \d+$/gm)).size).toBe((log.match(/^up \d+$/gm) ?? []).length); // new pids
    expect(Number(await sh('bg_exits crasher'))).toBeGreaterThanOrEqual(2);
    expect(Number(await sh('bg_pid crasher'))).toBe(pid);

    await sh('stop_bg crasher 5');
    expect(alive(pid)).toBe(false);
    await expect(sh('is_running crasher')).rejects.toThrow();
    const after = (await logOf('crasher')).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect((await logOf('crasher')).length).toBe(after); // nothing restarted it
  });

  it('stops a running program with exactly one SIGTERM and does not restart it', async () => {
    const file = await program('steady', 0);
    await sh(`start_bg steady ${file}`);
    const pid = Number(await sh('bg_pid steady'));
    const log = await until(
      () => logOf('steady'),
      (l) => /^up \d+$/m.test(l),
      10_000,
    );
    const child = Number(/^up (\d+)$/m.exec(log)![1]);
    expect(child).not.toBe(pid);

    await sh('stop_bg steady 5');
    expect(alive(pid)).toBe(false);
    expect(alive(child)).toBe(false);
    expect(await readFile(path.join(dir, 'steady.terms'), 'utf8')).toBe(`TERM ${child}\n`);
    expect(await logOf('steady')).toMatch(/steady stopped/);
    await expect(sh('bg_pid steady')).rejects.toThrow();
  });

  it('goes back to the first delay after a run longer than FIVESTAR_RESTART_RESET_AFTER', async () => {
    const file = await program('slow', 15, 1);
    await sh(`start_bg slow ${file}`, { FIVESTAR_RESTART_RESET_AFTER: '1' });
    const log = await until(
      () => logOf('slow'),
      (l) => (l.match(/restarting in/g) ?? []).length >= 2,
      20_000,
    );
    expect(log.match(/restarting in \d+s/g)!.slice(0, 2)).toEqual(['restarting in 1s', 'restarting in 1s']);
    await sh('stop_bg slow 5');
  });
});
