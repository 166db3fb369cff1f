/**
 * The authorisation view of the OpenAPI document (docs/api.md): every operation with the roles that may
 * call it (`x-fivestar-access`) and the request part naming the jurisdiction it acts in
 * (`x-fivestar-scope`). The matrix test (test/authz-matrix.test.ts) and the roles × actions table in
 * docs/security.md (scripts/authz-table.ts) are both generated from it.
 */
import { ROLE_LABELS, ROLES, type Role } from '@fivestar/contracts';

export type Access = 'public' | 'user' | Role[];
export interface ScopeSpec {
  in: 'path' | 'query' | 'body';
  name: string;
  level: 'province' | 'city' | 'area' | 'county' | 'township' | 'branch' | 'round';
}
export interface Operation {
  operationId: string;
  method: string;
  /** The document's path template, e.g. `/rounds/{roundId}` (under the server `/api`). */
  path: string;
  summary: string;
  access: Access;
  scope: ScopeSpec | null;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface DocOperation {
  operationId?: string;
  summary?: string;
  'x-fivestar-access'?: Access;
  'x-fivestar-scope'?: ScopeSpec | null;
}
export interface OpenApiDocument {
  paths?: Record<string, Partial<Record<(typeof METHODS)[number], DocOperation>>>;
}

/** Every operation of the document; one without its operationId or extension fields is an error. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      if (!op) return [];
      const where = `${method.toUpperCase()} ${path}`;
      const access = op['x-fivestar-access'];
      const scope = op['x-fivestar-scope'];
      if (!op.operationId || access === undefined || scope === undefined)
        throw new Error(`${where}: operationId, x-fivestar-access and x-fivestar-scope are required`);
      return [
        {
          operationId: op.operationId,
          method: method.toUpperCase(),
          path,
          summary: op.summary ?? '',
          access,
          scope,
        },
      ];
    }),
  );
}

/** Whether a signed-in caller of `role` gets past the operation's role check. */
export function roleAllowed(access: Access, role: Role): boolean {
  return access === 'public' || access === 'user' || access.includes(role);
}

export type Side = 'own' | 'other';

/**
 * The status an operation must answer: 401 to a caller without a token (unless public), 403 to a role
 * the operation does not list, `outside` (403 unless a fixture says why not) to an allowed role acting
 * outside its jurisdiction, else what the operation does for an allowed caller (`allowed`, from the
 * fixture).
 */
export function expectedStatus(
  op: Operation,
  role: Role | null,
  side: Side,
  allowed: () => number,
  outside = 403,
): number {
  if (op.access === 'public') return allowed();
  if (role === null) return 401;
  if (!roleAllowed(op.access, role)) return 403;
  return side === 'other' ? outside : allowed();
}

const LEVEL_LABELS: Record<ScopeSpec['level'], string> = {
  province: '省',
  city: '市',
  area: '地区',
  county: '县',
  township: '乡镇',
  branch: '支部',
  round: '轮次',
};

/** The roles × actions table (markdown) as the document declares it: ✓ passes the role check. */
export function accessTable(ops: Operation[]): string {
  const header = `| 接口 | 说明 | 辖区 | ${ROLES.map((r) => ROLE_LABELS[r]).join(' | ')} |`;
  const rule = `| --- | --- | --- | ${ROLES.map(() => ':-:').join(' | ')} |`;
  const rows = [...ops]
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((op) => {
      const scope = op.scope
        ? `${LEVEL_LABELS[op.scope.level]}（${op.scope.in}.${op.scope.name}）`
        : op.access === 'public'
          ? '公开'
          : '—';
      const cells = ROLES.map((r) => (roleAllowed(op.access, r) ? '✓' : ''));
      return `| \`${op.method} ${op.path}\` | ${op.summary} | ${scope} | ${cells.join(' | ')} |`;
    });
  return [header, rule, ...rows].join('\n');
}

const TABLE_BEGIN = '<!-- authz-table:begin (npx tsx scripts/authz-table.ts) -->';
const TABLE_END = '<!-- authz-table:end -->';

/**
 * The cells of the table between the markers of `markdown` (docs/security.md), or of `markdown` itself
 * when it has none: row by row, without the alignment row, so padding (prettier) does not matter.
 */
export function tableCells(markdown: string): string[][] {
  const begin = markdown.indexOf(TABLE_BEGIN);
  const end = markdown.indexOf(TABLE_END);
  const table = begin >= 0 && end > begin ? markdown.slice(begin + TABLE_BEGIN.length, end) : markdown;
  return table
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
    .filter((cells) => !cells.every((cell) => /^:?-+:?$/.test(cell)));
}

/** `markdown` with the table between its markers replaced by `table`. */
export function replaceAccessTable(markdown: string, table: string): string {
  const begin = markdown.indexOf(TABLE_BEGIN);
  const end = markdown.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`markers not found: ${TABLE_BEGIN} … ${TABLE_END}`);
  return `${markdown.slice(0, begin + TABLE_BEGIN.length)}\n\n${table}\n\n${markdown.slice(end)}`;
}
