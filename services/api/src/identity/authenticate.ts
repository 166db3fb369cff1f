import type { NextFunction, Request, Response } from 'express';
import {
  ROLE_LABELS,
  ROLES,
  type Actor,
  type ApiTokenScope,
  type Role,
  type Viewer,
} from '@fivestar/contracts';
import type { Kysely } from 'kysely';
import { apiTokenActor } from './api-tokens';
import { looksLikeApiToken, scopeAllows } from './secrets';
import { sessionActor } from './sessions';
import { forbidden, unauthorized } from '../gateway/problem';
import type { ApiDatabase } from '../schema';
import type { TokenIssuer } from './access-token';

/** What telling the caller needs: the sessions and API tokens, and the access tokens' key. */
type Verifier = { db: Kysely<ApiDatabase>; tokens: TokenIssuer };

/** How the caller proved who they are: a login session, or an API token with its scopes. */
export type Credential =
  { kind: 'session'; sessionId: string } | { kind: 'api_token'; tokenId: string; scopes: ApiTokenScope[] };

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
    credential?: Credential;
  }
}

async function identify(
  deps: Verifier,
  token: string,
): Promise<{ actor: Actor; credential: Credential } | undefined> {
  if (looksLikeApiToken(token)) {
    const found = await apiTokenActor(deps.db, token);
    return (
      found && {
        actor: found.actor,
        credential: { kind: 'api_token', tokenId: found.tokenId, scopes: found.scopes },
      }
    );
  }
  const claims = await deps.tokens.read(token);
  // The session is looked up on every request, so logout, revocation and disabling act at once.
  const actor = claims && (await sessionActor(deps.db, claims.userId, claims.sessionId));
  return actor && { actor, credential: { kind: 'session', sessionId: claims.sessionId } };
}

/** Accepts an access token (JWT of a live session) or an API token, the latter within its scopes. */
export function authenticate(deps: Verifier) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(unauthorized());
    try {
      const found = await identify(deps, token);
      if (!found) return next(unauthorized('登录已过期或令牌无效'));
      req.actor = found.actor;
      req.credential = found.credential;
      req.log = req.log.child({ userId: found.actor.userId, role: found.actor.role });
      if (found.credential.kind === 'api_token' && !scopeAllows(found.credential.scopes, req.method))
        return next(forbidden('该 API 令牌的权限范围不允许此操作'));
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function actorOf(req: Request): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

/** The caller as the read services scope their answers (tasks, notices, ledger). */
export function viewerOf(req: Request): Viewer {
  const { userId, role, jurisdiction } = actorOf(req);
  return { userId, role, jurisdiction };
}

/** The caller's login session; account management (logout, password, API tokens) needs one. */
export function sessionOf(req: Request): string {
  if (req.credential?.kind !== 'session') throw forbidden('此操作需要登录会话，API 令牌不能办理');
  return req.credential.sessionId;
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role))
    throw forbidden(`该操作需由${roles.map((r) => ROLE_LABELS[r]).join('或')}办理`);
}

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
