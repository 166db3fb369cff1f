import type { RequestHandler } from 'express';
import { endRequest } from './lifetime';
import { RETRY_AFTER_SECONDS, sendProblem, unavailable } from './problem';
import { boundOf } from './routing';

/** A request with a body: its bound starts once the body is in (a slow upload is the client's time). */
const hasBody = (h: Record<string, string | string[] | undefined>) =>
  h['transfer-encoding'] !== undefined || Number(h['content-length'] ?? 0) > 0;

/**
 * No request waits without bound: one not answered `boundMs` (or the longer bound its route declares,
 * the directory import's) after it arrived whole gets 503 with
 * Retry-After, its backend calls are cut (its lifetime's signal), and whatever its handler answers later
 * is dropped. Sign-offs answer on their own before it (200, 202 or 503: see branches/commands.ts); this
 * catches every other wait (a silent service, a stuck query).
 */
export function boundRequests(boundMs: number): RequestHandler {
  return (req, res, next) => {
    let timer: NodeJS.Timeout | undefined;
    const bound = boundOf(req.method, req.path) ?? boundMs;
    const start = () => {
      timer = setTimeout(() => {
        if (res.headersSent) return;
        req.log.warn({ boundMs: bound }, 'no answer within the bound: 503');
        sendProblem(
          res,
          unavailable('请求未能在时限内完成，请稍后重试', RETRY_AFTER_SECONDS),
          req.originalUrl,
        );
        endRequest(req, 'bound');
      }, bound);
    };
    res.once('close', () => clearTimeout(timer));
    if (!hasBody(req.headers) || req.complete) start();
    else req.once('end', start);
    next();
  };
}
