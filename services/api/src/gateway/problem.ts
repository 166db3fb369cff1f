import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { invalidFields, Refusal } from '../refusal';

/** An RFC 9457 problem; `errors` names each offending field. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: { field: string; message: string }[],
    /** Seconds for a Retry-After header (503: the command was not taken; try again then). */
    readonly retryAfter?: number,
  ) {
    super(detail ?? title);
  }
}

/** How long a client is asked to wait before sending a request that was not taken again. */
export const RETRY_AFTER_SECONDS = 5;

export const badRequest = (detail: string, errors?: Problem['errors']) =>
  new Problem(400, '请求参数无效', detail, errors);
export const unauthorized = (detail = '请先登录') => new Problem(401, '未认证', detail);
export const forbidden = (detail: string) => new Problem(403, '无权操作', detail);
export const notFound = (detail: string) => new Problem(404, '未找到', detail);
export const conflict = (detail: string) => new Problem(409, '状态冲突', detail);
export const tooLarge = (detail: string, errors?: Problem['errors']) =>
  new Problem(413, '请求体过大', detail, errors);
export const unavailable = (detail: string, retryAfter: number) =>
  new Problem(503, '服务暂不可用', detail, undefined, retryAfter);
export const unsupportedType = (detail: string, errors?: Problem['errors']) =>
  new Problem(415, '不支持的文件类型', detail, errors);

/** Field-level errors from a zod failure; `where` prefixes the path (body, query, path). */
export function fromZod(err: ZodError, where: string): Problem {
  return fieldErrors(
    err.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), message: i.message })),
  );
}

/** A 400 naming each offending field, its detail listing them all. */
export const fieldErrors = (errors: { field: string; message: string }[]): Problem =>
  problemOf(invalidFields(errors));

/** A store's or use case's refusal as the answer for its kind. */
export function problemOf(r: Refusal): Problem {
  switch (r.kind) {
    case 'invalid':
      return badRequest(r.message, r.fields);
    case 'unauthenticated':
      return unauthorized(r.message);
    case 'forbidden':
      return forbidden(r.message);
    case 'not_found':
      return notFound(r.message);
    case 'conflict':
      return conflict(r.message);
    case 'locked':
      return new Problem(429, '尝试次数过多', r.message, undefined, r.retryAfter);
    case 'too_large':
      return new Problem(413, '文件超出解析限制', r.message, r.fields);
    case 'busy':
      return unavailable(r.message, r.retryAfter ?? 5);
  }
}

export function sendProblem(res: Response, p: Problem, instance?: string): void {
  if (p.retryAfter !== undefined) res.setHeader('retry-after', String(p.retryAfter));
  res.status(p.status).type('application/problem+json').json({
    type: 'about:blank',
    title: p.title,
    status: p.status,
    detail: p.detail,
    instance,
    errors: p.errors,
  });
}

/**
 * The last handler: known problems as they are; anything else a bare 500 that never echoes the error (no
 * stack, no SQL), logged in full with the request id the answer names.
 */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.writableEnded) {
    // Answered already (a 503 at the request's bound): what the handler did later is only logged.
    req.log.warn({ err, requestId: req.id }, 'late outcome after the answer was sent');
    return;
  }
  if (res.headersSent) {
    req.log.error({ err, requestId: req.id }, 'error after the answer started');
    return res.destroy();
  }
  if (err instanceof Problem) return sendProblem(res, err, req.originalUrl);
  if (err instanceof Refusal) return sendProblem(res, problemOf(err), req.originalUrl);
  if (err instanceof ZodError) return sendProblem(res, fromZod(err, 'body'), req.originalUrl);
  const status = (err as { status?: number; type?: string }).status;
  if (status === 400 || status === 413 || status === 415) {
    // express.json() parse, size and encoding errors
    const title = { 400: '请求体不是有效的JSON', 413: '请求体过大', 415: '不支持的请求体编码' }[status];
    return sendProblem(res, new Problem(status, title), req.originalUrl);
  }
  req.log.error({ err, requestId: req.id }, 'unhandled error');
  const detail = `请求未能完成，请稍后重试；如仍失败，请向管理员提供请求编号 ${String(req.id)}`;
  sendProblem(res, new Problem(500, '服务器内部错误', detail), req.originalUrl);
};
