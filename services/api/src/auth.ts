import { hash, verify } from '@node-rs/argon2';
import type { NextFunction, Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import { Actor, ROLES, type Role } from '@fivestar/contracts';
import { forbidden, unauthorized } from './problem';
import type { ApiDatabase } from './schema';

export const hashPassword = (password: string) => hash(password);

const TOKEN_TTL_SECONDS = 60 * 60;

export interface TokenIssuer {
  issue(actor: Actor): Promise<string>;
  read(token: string): Promise<Actor>;
}

export function tokenIssuer(secret: Uint8Array): TokenIssuer {
  return {
    issue: (actor) =>
      new SignJWT({ name: actor.name, role: actor.role, jurisdiction: actor.jurisdiction })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.userId)
        .setIssuedAt()
        .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
        .sign(secret),
    read: async (token) => {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
      return Actor.parse({
        userId: payload.sub,
        name: payload.name,
        role: payload.role,
        jurisdiction: payload.jurisdiction,
      });
    },
  };
}

/** Checks a password; the same generic answer whether the user is unknown, disabled or wrong. */
export async function login(
  db: Kysely<ApiDatabase>,
  tokens: TokenIssuer,
  username: string,
  password: string,
): Promise<{ token: string; user: Actor }> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const ok = row?.active ? await verify(row.password_hash, password) : false;
  if (!row || !ok) throw unauthorized('用户名或密码错误');
  const user: Actor = { userId: row.id, name: row.name, role: row.role, jurisdiction: row.jurisdiction };
  return { token: await tokens.issue(user), user };
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

export function authenticate(tokens: TokenIssuer) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(unauthorized());
    try {
      req.actor = await tokens.read(token);
      req.log = req.log.child({ userId: req.actor.userId, role: req.actor.role });
      next();
    } catch {
      next(unauthorized('登录已过期或令牌无效'));
    }
  };
}

export function actorOf(req: Request): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) throw forbidden(`需要角色：${roles.join('、')}`);
}

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
