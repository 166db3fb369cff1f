import { progressBar } from './progress';
import { memoryIo } from './testing/memory-io';

describe('progress bars', () => {
  it('draw on a terminal’s stderr', () => {
    const io = memoryIo();
    Object.assign(io.stderr, { isTTY: true });
    const bar = progressBar(io, '启动支部');
    bar.update(3, 6);
    bar.update(6, 6);
    bar.stop();
    expect(io.err()).toContain('启动支部');
    expect(io.err()).toContain('6/6');
    expect(io.out()).toBe('');
  });

  it('stay silent when stderr is not a terminal (pipes, scripts, logs)', () => {
    const io = memoryIo();
    const bar = progressBar(io, '启动支部');
    bar.update(3, 6);
    bar.stop();
    expect(io.err()).toBe('');
  });
});
