import type { Request, RequestHandler } from 'express';

/**
 * A request's life: the signal its backend calls end with, and what still runs for it — its response
 * until it closes, and its handler, which may outlive the answer (a 503 at the bound).
 */
interface Lifetime {
  readonly controller: AbortController;
  running: number;
  release(): void;
}

declare module 'express-serve-static-core' {
  interface Request {
    lifetime?: Lifetime;
  }
}

/** Why a request's calls were cut. */
export class RequestEnded extends Error {
  constructor(readonly why: 'bound' | 'closed' | 'stopping') {
    super(`request ended (${why})`);
  }
}

/** The signal a request's backend calls end with; one that never aborts outside a tracked request. */
export const requestSignal = (req: Request): AbortSignal =>
  req.lifetime?.controller.signal ?? new AbortController().signal;

/** Cuts the request's backend calls (its bound fired, or its response closed). */
export function endRequest(req: Request, why: RequestEnded['why']): void {
  const c = req.lifetime?.controller;
  if (c && !c.signal.aborted) c.abort(new RequestEnded(why));
}

/** Holds the request's lifetime while `work` (its handler) runs. */
export async function holdRequest<T>(req: Request, work: () => Promise<T>): Promise<T> {
  const life = req.lifetime;
  if (!life) return work();
  life.running += 1;
  try {
    return await work();
  } finally {
    life.release();
  }
}

/** The requests of one API in flight, so that stopping waits for them before closing what they use. */
export class InFlight {
  private readonly lives = new Set<Lifetime>();
  private waiters: (() => void)[] = [];

  /** Middleware: each request's lifetime, held until its response has closed; its signal aborts then. */
  track(): RequestHandler {
    return (req, res, next) => {
      const life: Lifetime = {
        controller: new AbortController(),
        running: 1,
        release: () => this.release(life),
      };
      this.lives.add(life);
      req.lifetime = life;
      res.once('close', () => {
        endRequest(req, 'closed');
        life.release();
      });
      next();
    };
  }

  /** Resolves once no request is in flight, or after `waitMs`; answers how many still are. */
  async settled(waitMs: number): Promise<number> {
    if (this.lives.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))),
      ]);
      clearTimeout(timer);
    }
    return this.lives.size;
  }

  /** Cuts the backend calls of every request still in flight. */
  abortAll(): void {
    for (const life of this.lives)
      if (!life.controller.signal.aborted) life.controller.abort(new RequestEnded('stopping'));
  }

  private release(life: Lifetime): void {
    life.running -= 1;
    if (life.running > 0 || !this.lives.delete(life) || this.lives.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
