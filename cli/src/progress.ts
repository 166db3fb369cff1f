import { Presets, SingleBar } from 'cli-progress';
import type { Io } from './output';

export interface Progress {
  update(value: number, total: number): void;
  stop(): void;
}

/** A progress bar on stderr, only on a terminal: pipes and scripts see nothing of it. */
export function progressBar(io: Io, label: string): Progress {
  if (!io.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      stream: io.stderr,
      format: `${label} [{bar}] {value}/{total}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(value, total) {
      if (!started) bar.start(total, value);
      else bar.setTotal(total);
      bar.update(value);
      started = true;
    },
    stop: () => started && bar.stop(),
  };
}
