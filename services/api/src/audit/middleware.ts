import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { AuditEntry } from '@fivestar/contracts';
import type { Logger } from '@fivestar/platform';
import { Problem, sendProblem } from '../gateway/problem';
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

/**
 * The entry's fields from the request: at its opening (`answered` null, before the handler runs) or once
 * answered. Who acted: the token's user, or for an accepted login the user signed in.
 */
async function draftOf(
  db: Kysely<ApiDatabase>,
  req: Request,
  answered: { status: number; problem: string | null } | null,
): Promise<AuditDraft> {
  const path = req.originalUrl.split('?')[0]!.replace(/^\/api(?=\/|$)/, '');
  const d = describeCommand(req.method, path, req.body);
  let actor = req.actor ?? null;
  if (!actor && d.action === LOGIN && answered?.status === 200) {
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
    status: answered?.status ?? null,
    problem: answered?.problem ?? null,
    outcomeOf: null,
  };
}

/** A command's audit so far: its opening entry (once the handler is about to run) and whether it was answered. */
interface CommandState {
  opening?: Promise<AuditEntry>;
  answered: boolean;
}

export interface CommandAudit {
  /**
   * Mounted on /api ahead of everything: records the outcome of every command (POST, PUT, PATCH, DELETE;
   * accepted or refused) before its response leaves.
   */
  record: RequestHandler;
  /** Mounted right before the handlers: appends the command's opening entry; the handler runs once it is in. */
  open: RequestHandler;
}

/**
 * The audit of commands (docs/audit.md). `open` appends an opening entry (status null) before the handler
 * runs, so a command never takes effect unrecorded, even if the API dies while it runs (the opening then
 * stays pending). `record` makes `res.end` wait for the outcome entry (naming the opening, or alone for a
 * refusal before any handler: a bad body, no token, a lockout). If the opening cannot be appended, the
 * handler does not run: 500. If the outcome cannot, the client gets a 500 problem instead of the answer (or,
 * if a streamed answer already started, a cut connection): never an unrecorded acknowledgement.
 */
export function auditCommands(db: Kysely<ApiDatabase>, log: Logger): CommandAudit {
  const audit = auditDb(db);
  const states = new WeakMap<Request, CommandState>();

  const record: RequestHandler = (req, res, next) => {
    if (!COMMANDS.has(req.method)) return next();
    const state: CommandState = { answered: false };
    states.set(req, state);
    const end = res.end;
    res.end = function auditedEnd(...args: unknown[]) {
      // The answer is decided by the first end(); a second one (a handler bug) must not slip out unrecorded.
      if (state.answered) return res;
      state.answered = true;
      const answered = { status: res.statusCode, problem: problemTitle(res, args[0]) };
      // An opening still being appended is waited for; one that failed leaves this entry on its own.
      const opened = state.opening?.then(
        (e) => e.seq,
        () => null,
      );
      Promise.resolve(opened)
        .then(async (outcomeOf) =>
          appendEntry(audit, { ...(await draftOf(db, req, answered)), outcomeOf: outcomeOf ?? null }),
        )
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

  const open: RequestHandler = (req, _res, next) => {
    const state = states.get(req);
    // Not a command, or opened already (the opening is mounted before public and authenticated routes).
    if (!state || state.opening) return next();
    // Answered before it got here (the request's bound ran out): that answer stands, the command is not run.
    if (state.answered) return;
    const opening = draftOf(db, req, null).then((draft) => appendEntry(audit, draft));
    state.opening = opening;
    opening.then(
      // Answered meanwhile (the request's bound ran out): that answer stands, the command is not run.
      () => {
        if (!state.answered) next();
      },
      (err: unknown) => {
        (req.log ?? log).error({ err }, 'audit opening failed: command not run');
        if (!state.answered)
          next(new Problem(500, '审计记录失败', '操作未能记入审计日志，未办理，请稍后重试'));
      },
    );
  };

  return { record, open };
}
