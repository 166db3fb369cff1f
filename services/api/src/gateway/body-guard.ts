import type { NextFunction, Request, Response } from 'express';
import { badRequest } from './problem';

const NUL_MESSAGE = '不能包含空字符（U+0000）';

/** How deep a JSON body may nest: ours go four or five levels; the log and the checks walk it recursively. */
export const MAX_JSON_DEPTH = 64;

/**
 * The first field (`body.a.0.b`, `query.key`) whose name or string value holds U+0000, if any. Walked
 * with a stack, not recursion, whatever the nesting.
 */
export function nulField(value: unknown, at: string): string | undefined {
  const stack: [unknown, string][] = [[value, at]];
  while (stack.length > 0) {
    const [v, where] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return where;
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, x] of Object.entries(v)) {
        const field = `${where}.${k}`;
        if (k.includes('\u0000')) return field;
        stack.push([x, field]);
      }
    }
  }
  return undefined;
}

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
export function jsonDepth(text: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * express.json's `verify`: a body nested deeper than MAX_JSON_DEPTH is refused before it is parsed (the
 * audit digest and zod walk bodies recursively, and would overflow the stack: a 5xx).
 */
export function refuseDeepJson(_req: Request, _res: Response, raw: Buffer): void {
  if (jsonDepth(raw) > MAX_JSON_DEPTH) {
    const message = `嵌套不能超过${MAX_JSON_DEPTH}层`;
    throw badRequest(`body: ${message}`, [{ field: 'body', message }]);
  }
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, so a string carrying one would fail deep in a service
 * as a 5xx: it is refused at the edge instead, as a 400 naming the field.
 */
export function rejectNul(req: Request, _res: Response, next: NextFunction): void {
  const field = nulField(req.body, 'body') ?? nulField(req.query, 'query');
  next(field ? badRequest(`${field}: ${NUL_MESSAGE}`, [{ field, message: NUL_MESSAGE }]) : undefined);
}
