import type { Logger } from './logger';

/** Runs `stop` once on SIGINT/SIGTERM, then exits; a second signal exits at once. */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/**
 * An uncaught exception (or an unhandled rejection, which Node raises as one) is logged as a fatal JSON
 * line rather than only a stack trace on stderr, then the process exits with 1: its state is unknown
 * after it, and its supervisor (`npm run up`'s, or the container's restart policy) starts it again.
 */
export function exitOnUncaught(log: Logger): void {
  const fatal = (err: unknown, origin: string) => {
    log.fatal({ err, origin }, 'uncaught error; exiting (the supervisor starts the process again)');
    process.exit(1);
  };
  process.on('uncaughtException', (err, origin) => fatal(err, origin));
}
