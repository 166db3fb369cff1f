import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Actor } from '@fivestar/contracts';

/** A login kept between runs: the refresh token renews the short-lived access token. */
export interface StoredSession {
  server: string;
  token: string;
  /** When the access token expires (epoch ms). */
  expiresAt: number;
  refreshToken: string;
  user: Actor;
}

export function credentialsPath(env: Record<string, string | undefined>): string {
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(config, 'fivestar', 'credentials.json');
}

export async function loadSession(env: Record<string, string | undefined>): Promise<StoredSession | null> {
  try {
    return JSON.parse(await readFile(credentialsPath(env), 'utf8')) as StoredSession;
  } catch {
    return null;
  }
}

/** Owner-only (0600): the refresh token is a password's equal for a week. */
export async function saveSession(env: Record<string, string | undefined>, s: StoredSession): Promise<void> {
  const file = credentialsPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  // writeFile keeps the mode of a file that already exists.
  await chmod(file, 0o600);
}

export async function clearSession(env: Record<string, string | undefined>): Promise<void> {
  await rm(credentialsPath(env), { force: true });
}
