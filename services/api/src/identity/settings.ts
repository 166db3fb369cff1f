/** Lifetimes and lockout of the API's credentials (docs/security.md); tests shorten them. */
export interface IdentitySettings {
  /** Access tokens (JWT) live this long; default 15 min. */
  accessTtlSeconds: number;
  /** A refresh token must be used within this long; default 7 days. */
  refreshTtlSeconds: number;
  /**
   * Failed logins of one name from one client address before that address is slowed down for that name
   * (other addresses are not); default 5.
   */
  maxFailures: number;
  /** The longest delay: delays double from 1 s (1, 2, 4, … s) up to this; default 15 min. */
  lockSeconds: number;
  /**
   * Failed logins of one name from all addresses together within `nameWindowSeconds` before the name is
   * slowed down for every address (distributed guessing); default 100.
   */
  nameMaxFailures: number;
  /** The window of `nameMaxFailures`; default 1 h. */
  nameWindowSeconds: number;
}

export const DEFAULT_IDENTITY: IdentitySettings = {
  accessTtlSeconds: 15 * 60,
  refreshTtlSeconds: 7 * 24 * 60 * 60,
  maxFailures: 5,
  lockSeconds: 15 * 60,
  nameMaxFailures: 100,
  nameWindowSeconds: 60 * 60,
};

const ENV: Record<keyof IdentitySettings, string> = {
  accessTtlSeconds: 'ACCESS_TOKEN_TTL_SECONDS',
  refreshTtlSeconds: 'REFRESH_TOKEN_TTL_SECONDS',
  maxFailures: 'LOGIN_MAX_FAILURES',
  lockSeconds: 'LOGIN_LOCK_SECONDS',
  nameMaxFailures: 'LOGIN_NAME_MAX_FAILURES',
  nameWindowSeconds: 'LOGIN_NAME_WINDOW_SECONDS',
};

/** The settings given in the environment; a value that is not a positive integer is refused. */
export function identitySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<IdentitySettings> {
  const out: Partial<IdentitySettings> = {};
  for (const [key, name] of Object.entries(ENV) as [keyof IdentitySettings, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    out[key] = n;
  }
  return out;
}
