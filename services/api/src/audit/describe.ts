import {
  ApiTokenPath,
  BranchCode,
  CountyCode,
  FindingPath,
  Period,
  RoundId,
  TownshipCode,
  Username,
} from '@fivestar/contracts';

/** What an audit entry says a command was about: its route and the resources it named. */
export interface CommandDescription {
  /** `POST /rounds/:roundId/branches/:code/review`: the method and path, identifiers replaced by names. */
  action: string;
  /** `rounds/<id>/branches/<code>`, then ids the body carries (`tasks/<key>`, `users/<username>`). */
  target: string | null;
  roundId: string | null;
  branchId: string | null;
  countyCode: string | null;
}

const valid =
  (schema: { safeParse(v: unknown): { success: boolean } }) =>
  (s: string): boolean =>
    schema.safeParse(s).success;

/**
 * Path segments followed by identifiers (as the routes name them). Only a segment that passes the check
 * counts as an identifier, so `/bulletins/snapshot` stays a literal path; and no POST here ends in an
 * identifier (its last segment is a verb or a collection), so `POST /admin/users/import` stays literal.
 */
const PATH_IDS = new Map<string, { name: string; ok: (s: string) => boolean }[]>(
  // A Map, not an object: a path segment such as `constructor` or `__proto__` must find nothing.
  Object.entries({
    rounds: [{ name: 'roundId', ok: valid(RoundId) }],
    counties: [{ name: 'countyCode', ok: valid(CountyCode) }],
    townships: [{ name: 'townshipCode', ok: valid(TownshipCode) }],
    branches: [{ name: 'code', ok: valid(BranchCode) }],
    findings: [{ name: 'findingId', ok: valid(FindingPath.shape.findingId) }],
    bulletins: [
      { name: 'countyCode', ok: valid(CountyCode) },
      { name: 'period', ok: valid(Period) },
    ],
    deliveries: [{ name: 'id', ok: (s) => /^\d{1,18}$/.test(s) }],
    users: [{ name: 'username', ok: valid(Username) }],
    tokens: [{ name: 'id', ok: valid(ApiTokenPath.shape.id) }],
  }),
);

// Audit rows stay small and storable whatever a caller sends (PostgreSQL text cannot hold U+0000).
const MAX_ACTION = 200;
const MAX_TARGET = 500;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const cap = (s: string, max: number) => {
  const t = s.replaceAll('\u0000', '\ufffd');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** Resources named in the body: task keys travel there (they contain slashes), login names, new rounds. */
function bodyTargets(body: Record<string, unknown>, inPath: Set<string>): string[] {
  const keys = Array.isArray(body.keys) ? body.keys.filter((k) => typeof k === 'string') : [];
  return [
    !inPath.has('rounds') && str(body.roundId) ? `rounds/${str(body.roundId)}` : null,
    str(body.key) ? `tasks/${str(body.key)}` : null,
    ...keys.map((k) => `tasks/${k}`),
    str(body.username) ? `users/${str(body.username)}` : null,
  ].filter((t): t is string => t !== null);
}

/** Describes a command from its method, path (below /api) and parsed body (a Buffer for uploads). */
export function describeCommand(method: string, path: string, body: unknown): CommandDescription {
  const segments = path.split('/').filter(Boolean);
  const shown: string[] = [];
  const ids = new Map<string, string>();
  const pathTargets: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    shown.push(segment);
    const values: string[] = [];
    for (const id of PATH_IDS.get(segment) ?? []) {
      const next = segments[i + 1];
      const lastOfPost = method === 'POST' && i + 2 === segments.length;
      if (next === undefined || lastOfPost || !id.ok(next)) break;
      i++;
      shown.push(`:${id.name}`);
      ids.set(id.name, next);
      values.push(next);
    }
    if (values.length) pathTargets.push([segment, ...values].join('/'));
  }
  const fields =
    body !== null && typeof body === 'object' && !Buffer.isBuffer(body)
      ? (body as Record<string, unknown>)
      : {};
  const inPath = new Set(pathTargets.map((t) => t.split('/')[0]!));
  const targets = [...(pathTargets.length ? [pathTargets.join('/')] : []), ...bodyTargets(fields, inPath)];
  const fromBody = (name: string, ok: (s: string) => boolean) => {
    const v = str(fields[name]);
    return v && ok(v) ? v : null;
  };
  return {
    action: cap(`${method} /${shown.join('/')}`, MAX_ACTION),
    target: targets.length ? cap(targets.join(' '), MAX_TARGET) : null,
    roundId: ids.get('roundId') ?? fromBody('roundId', valid(RoundId)),
    branchId: ids.get('code') ?? null,
    countyCode: ids.get('countyCode') ?? fromBody('countyCode', valid(CountyCode)),
  };
}
