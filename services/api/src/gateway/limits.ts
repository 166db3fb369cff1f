import { isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import cors from 'cors';
import { rateLimit, type Options } from 'express-rate-limit';
import { Problem } from './problem';

/**
 * The edge's own limits (docs/security.md, 接口边界): request rates on login, refresh and urge, and the
 * origins a browser may call from. Counters live in this process's memory: several API processes behind
 * one address need a shared store (express-rate-limit's Redis or PostgreSQL stores) to share them.
 */
export interface EdgeSettings {
  /** Logins per window from one client address (an office may share one). */
  loginPerAddress: number;
  /** Logins per window for one username typed, from anywhere (on top of the lockout). */
  loginPerUsername: number;
  /** Refresh-token exchanges per window from one client address. */
  refreshPerAddress: number;
  /** Urges per window by one user, over all urge routes together (single, finding and bulk). */
  urgePerUser: number;
  windowSeconds: number;
  /** Origins allowed to call the API from a browser; none (the default) sends no CORS headers at all. */
  corsOrigins: string[];
  /**
   * Addresses or CIDRs of the reverse proxies in front of the API (`TRUSTED_PROXIES`). Only a request
   * whose socket comes from one of them has its `X-Forwarded-For` believed; none (the default): the
   * client address is always the socket's, so no caller can pick the address its limits count under.
   */
  trustedProxies: string[];
}

export const DEFAULT_EDGE: EdgeSettings = {
  loginPerAddress: 30,
  loginPerUsername: 10,
  refreshPerAddress: 30,
  urgePerUser: 30,
  windowSeconds: 60,
  corsOrigins: [],
  trustedProxies: [],
};

const ENV_NUMBERS: Record<Exclude<keyof EdgeSettings, 'corsOrigins' | 'trustedProxies'>, string> = {
  loginPerAddress: 'RATE_LIMIT_LOGIN_PER_ADDRESS',
  loginPerUsername: 'RATE_LIMIT_LOGIN_PER_USERNAME',
  refreshPerAddress: 'RATE_LIMIT_REFRESH_PER_ADDRESS',
  urgePerUser: 'RATE_LIMIT_URGE_PER_USER',
  windowSeconds: 'RATE_LIMIT_WINDOW_SECONDS',
};

/** The settings given in the environment; a count that is not a positive integer is refused. */
export function edgeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<EdgeSettings> {
  const out: Partial<EdgeSettings> = {};
  for (const [key, name] of Object.entries(ENV_NUMBERS) as [keyof typeof ENV_NUMBERS, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    out[key] = n;
  }
  if (env.CORS_ORIGINS) out.corsOrigins = parseOrigins(env.CORS_ORIGINS);
  if (env.TRUSTED_PROXIES) out.trustedProxies = parseTrustedProxies(env.TRUSTED_PROXIES);
  return out;
}

/**
 * `TRUSTED_PROXIES`: a comma list of IPv4 / IPv6 addresses or CIDRs (`10.0.0.0/8`, `fd00::/8`). Names
 * (`loopback`, a host name) and anything else are refused at start: trust is given to addresses only.
 */
export function parseTrustedProxies(list: string): string[] {
  return list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [address = '', bits, ...rest] = p.split('/');
      const family = isIP(address);
      const max = family === 6 ? 128 : 32;
      const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
      if (!family || !okBits || rest.length > 0)
        throw new Error(`TRUSTED_PROXIES: "${p}" is not an IP address or CIDR such as 10.0.0.0/8`);
      return p;
    });
}

/**
 * Express's `trust proxy` for the configured proxies: `false` without any (the socket's address is the
 * client's), else the list itself (proxy-addr: `req.ip` is the right-most address of `X-Forwarded-For`
 * not sent by one of them, so a client cannot prepend a forged one).
 */
export function trustProxy(proxies: readonly string[] | undefined): false | string[] {
  return proxies && proxies.length > 0 ? [...proxies] : false;
}

/** `CORS_ORIGINS`: a comma list of exact origins (scheme://host[:port]); anything else is refused. */
export function parseOrigins(list: string): string[] {
  return list
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      const url = URL.canParse(o) ? new URL(o) : null;
      if (!url || url.origin !== o)
        throw new Error(`CORS_ORIGINS: "${o}" is not an origin like https://host:port`);
      return o;
    });
}

/** CORS closed unless origins are configured; then only those, with the headers a client needs to read. */
export function corsPolicy(origins: string[]): RequestHandler {
  if (origins.length === 0) return (_req, _res, next) => next();
  return cors({
    origin: origins,
    exposedHeaders: ['x-request-id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
}

function limiter(
  name: string,
  limit: number,
  windowSeconds: number,
  what: string,
  extra: Partial<Options> = {},
): RequestHandler {
  return rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    identifier: name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Without a trusted proxy `X-Forwarded-For` is ignored on purpose (trustProxy above), not by mistake.
    validate: { xForwardedForHeader: false },
    // The limiter has set Retry-After; the answer is the usual problem+json.
    handler: (_req, res, next) =>
      next(
        new Problem(
          429,
          '请求过于频繁',
          `${what}过于频繁，请${String(res.getHeader('Retry-After'))}秒后再试`,
        ),
      ),
    ...extra,
  });
}

const usernameOf = (req: Request): string | undefined => {
  const name = (req.body as { username?: unknown } | undefined)?.username;
  return typeof name === 'string' ? name.trim().toLowerCase() : undefined;
};

export interface EdgeLimiters {
  /** Per client address, then per username typed. */
  login: RequestHandler[];
  refresh: RequestHandler;
  /** Mounted after authentication: counts per user. */
  urge: RequestHandler;
}

/** Fresh counters per app (tests run several apps in one process). */
export function edgeLimiters(s: EdgeSettings): EdgeLimiters {
  return {
    login: [
      limiter('login-address', s.loginPerAddress, s.windowSeconds, '登录'),
      limiter('login-username', s.loginPerUsername, s.windowSeconds, '该用户名的登录', {
        keyGenerator: (req) => `u:${usernameOf(req) ?? ''}`,
        // A body without a username is refused by validation anyway.
        skip: (req) => !usernameOf(req),
      }),
    ],
    refresh: limiter('refresh', s.refreshPerAddress, s.windowSeconds, '刷新令牌'),
    urge: limiter('urge', s.urgePerUser, s.windowSeconds, '催办', {
      keyGenerator: (req) => `a:${req.actor?.userId ?? ''}`,
    }),
  };
}

/** Every urge route, single and bulk: one budget per user across them. */
export const URGE_PATHS = [
  '/rounds/:roundId/urge',
  '/rounds/:roundId/branches/:code/urge',
  '/rounds/:roundId/branches/:code/findings/:findingId/urge',
];
