import { RequestError } from '@fivestar/platform';
import { badRequest, conflict, forbidden, notFound, Problem, unavailable } from './problem';

/** A service's error answer (NATS request/reply) as an HTTP problem; no answer at all is a 503. */
export function serviceProblem(err: unknown): Problem {
  if (!(err instanceof RequestError)) return unavailable('后台服务未响应，请稍后重试', 5);
  switch (err.code) {
    case 'invalid':
      return badRequest(err.message);
    case 'not_found':
      return notFound(err.message);
    case 'forbidden':
      return forbidden(err.message);
    case 'conflict':
      return conflict(err.message);
    default:
      return new Problem(502, '后台服务出错', err.message);
  }
}

/** Runs a request to a service and turns its error answers into problems (the twin of viaTemporal). */
export async function viaService<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw serviceProblem(err);
  }
}
