import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './program';
import { memoryIo } from './testing/memory-io';

/** Argument parsing and the failures that need no server: nothing here opens a connection. */
describe('argument parsing', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'fivestar-cli-'));
  });
  // An unreachable server: a test that got past parsing would fail with 4, not pass.
  const env = () => ({ HOME: home, FIVESTAR_SERVER: 'http://127.0.0.1:9' });

  it('help is not an error', async () => {
    const io = memoryIo(env());
    expect(await run(['--help'], io)).toBe(0);
    expect(io.out()).toContain('rounds');
  });

  it.each([
    [['rounds', 'start', '--county', '411099']],
    [['rounds', 'start', '--county', '411099', '--year', '二〇二六', '--title', 't', '--schedule', 'x']],
    [['ledger', 'export', '--round', 'r', '--format', 'pdf', '-o', 'x']],
    [['bulletins', 'export', '--county', '411099', '--period', '2026-01', '-o', 'x']],
    [['no-such-command']],
    [['rounds']],
  ])('%j is a usage error (2)', async (argv) => {
    const io = memoryIo(env());
    expect(await run(argv, io)).toBe(2);
    expect(io.out()).toBe('');
  });

  it('with --json a usage error is a JSON failure on stdout too', async () => {
    const io = memoryIo(env());
    expect(await run(['rankings', 'show', '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({
      ok: false,
      exitCode: 2,
      message: expect.stringContaining('--county'),
    });
  });

  it('checks flags with the contracts before sending', async () => {
    const io = memoryIo({ ...env(), FIVESTAR_TOKEN: 'fst_x' });
    expect(
      await run(
        ['bulletins', 'export', '--county', '4110', '--period', '2026-13', '--format', 'json', '-o', 'x'],
        io,
      ),
    ).toBe(2);
    expect(io.err()).toContain('--county：县级代码应为6位数字');
  });

  it('a bad --server is a usage error naming the flag', async () => {
    const io = memoryIo(env());
    expect(await run(['whoami', '--server', 'ftp://x', '--json'], io)).toBe(2);
    expect(JSON.parse(io.out()).errors[0].field).toBe('--server');
  });

  it('without a token or a saved login: not authenticated (3)', async () => {
    const io = memoryIo(env());
    expect(await run(['audit', 'verify'], io)).toBe(3);
    expect(io.err()).toContain('fivestar login');
  });

  it('an unreachable server is a server error (4)', async () => {
    const io = memoryIo({ ...env(), FIVESTAR_TOKEN: 'fst_x' });
    expect(await run(['audit', 'verify'], io)).toBe(4);
    expect(io.err()).toContain('无法连接服务器');
  });

  it('login without a terminal needs --password-stdin', async () => {
    const io = memoryIo(env());
    expect(await run(['login', '-u', 'coord-411099'], io)).toBe(2);
    expect(io.err()).toContain('--password-stdin');
  });
});
