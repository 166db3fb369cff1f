import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from '@fivestar/platform';
import { Problem, sendProblem } from '../problem';
import type { ApiDatabase } from '../schema';
import { payloadDigest } from './chain';
import { describeCommand } from './describe';
import { appendEntry, auditDb, type AuditDraft } from './store';

const COMMANDS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOGIN = 'POST /auth/login';

/** The problem title of a refusal, read back from the problem+json body the handler sent. */
function problemTitle(res: Response, chunk: unknown): string | null {
  if (res.statusCode < 400) return null;
  try {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : typeof chunk === 'string' ? chunk : '';
    const title = (JSON.parse(text) as { title?: unknown }).title;
    if (typeof title === 'string') return title.slice(0, 200);
  } catch {
    // not problem+json: the status says enough
  }
  return `HTTP ${res.statusCode}`;
}

/** The entry's fields from the finished request. Who acted: the token's user, or for a login the user signed in. */
async function draftOf(
  db: Kysely<ApiDatabase>,
  req: Request,
  res: Response,
  chunk: unknown,
): Promise<AuditDraft> {
  const path = req.originalUrl.split('?')[0]!.replace(/^\/api(?=\/|$)/, '');
  const d = describeCommand(req.method, path, req.body);
  let actor = req.actor ?? null;
  if (!actor && d.action === LOGIN && res.statusCode === 200) {
    const username = (req.body as { username: string }).username;
    const u = await db
      .selectFrom('users')
      .select(['id', 'role', 'jurisdiction', 'name'])
      .where('username', '=', username)
      .executeTakeFirst();
    actor = u ? { userId: u.id, name: u.name, role: u.role, jurisdiction: u.jurisdiction } : null;
  }
  // The entry belongs to the jurisdiction of what was acted on, else of whoever acted.
  let scope = d.branchId ?? d.countyCode;
  if (!scope && d.roundId)
    scope =
      (
        await db
          .selectFrom('rounds')
          .select('county_code')
          .where('round_id', '=', d.roundId)
          .executeTakeFirst()
      )?.county_code ?? null;
  return {
    requestId: String(req.id),
    clientIp: req.ip ?? null,
    actor: actor?.userId ?? null,
    role: actor?.role ?? null,
    jurisdiction: actor?.jurisdiction ?? null,
    action: d.action,
    target: d.target,
    roundId: d.roundId,
    branchId: d.branchId,
    scope: scope ?? actor?.jurisdiction ?? null,
    payloadDigest: payloadDigest(req.body),
    status: res.statusCode,
    problem: problemTitle(res, chunk),
  };
}

/**
 * Records every command under /api (POST, PUT, PATCH, DELETE; accepted or refused) before its response
 * leaves: `res.end` waits for the append. If the append fails, the client gets a 500 problem instead of the
 * answer (or, if a streamed answer already started, a cut connection): never an unrecorded acknowledgement.
 */
export function auditCommands(db: Kysely<ApiDatabase>, log: Logger): RequestHandler {
  const audit = auditDb(db);
  return (req, res, next) => {
    if (!COMMANDS.has(req.method)) return next();
    const end = res.end;
    let ended = false;
    res.end = function auditedEnd(...args: unknown[]) {
      // The answer is decided by the first end(); a second one (a handler bug) must not slip out unrecorded.
      if (ended) return res;
      ended = true;
      draftOf(db, req, res, args[0])
        .then((draft) => appendEntry(audit, draft))
        .then(
          () => Reflect.apply(end, res, args),
          (err: unknown) => {
            (req.log ?? log).error({ err }, 'audit append failed: command answer withheld');
            res.end = end;
            if (res.headersSent) return res.destroy();
            for (const h of ['content-length', 'content-type', 'content-disposition', 'etag'])
              res.removeHeader(h);
            sendProblem(
              res,
              new Problem(500, '审计记录失败', '操作未能记入审计日志，结果未确认，请核实后重试'),
              req.originalUrl,
            );
          },
        );
      return res;
    } as Response['end'];
    next();
  };
}
