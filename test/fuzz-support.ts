/**
 * What the fuzz test (test/fuzz.test.ts) generates, and how it judges one answer: the operations of the
 * OpenAPI document with their parameters and bodies, fast-check arbitraries for hostile input and for
 * near-valid input derived from the operation's JSON schemas (the subset zod emits), and the rules every
 * answer must keep. Pure: no I/O here.
 */
import fc from 'fast-check';
import { operationsOf, type Operation, type OpenApiDocument } from './authz-doc';

// ---- the document ---------------------------------------------------------------------------------

/** A JSON schema as the document holds it (zod 4's output: a subset of draft 2020-12). */
export type JsonSchema = { [key: string]: unknown };

interface DocParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}
interface DocOperation {
  parameters?: DocParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
export interface FuzzDocument extends OpenApiDocument {
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Param {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/** An operation with what a request to it carries. */
export interface FuzzOperation extends Operation {
  pathParams: Param[];
  query: Param[];
  /** A JSON body's schema, an upload's content types, or nothing. */
  body: { json: JsonSchema } | { raw: string[] } | null;
}

export function fuzzOperations(doc: FuzzDocument): FuzzOperation[] {
  return operationsOf(doc).map((op) => {
    const raw = (doc.paths?.[op.path] as Record<string, DocOperation>)[op.method.toLowerCase()]!;
    const params = (where: string) =>
      (raw.parameters ?? [])
        .filter((p) => p.in === where)
        .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} }));
    const content = raw.requestBody?.content;
    const json = content?.['application/json']?.schema;
    const body = json ? { json } : content ? { raw: Object.keys(content) } : null;
    return { ...op, pathParams: params('path'), query: params('query'), body };
  });
}

// ---- hostile input --------------------------------------------------------------------------------

/** Strings a careless parser or a text column chokes on. */
const CURATED_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u202d',
  '\ufeff',
  '𠀀𠀁𪚥',
  '👨‍👩‍👧‍👦',
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  '../../../x',
  '%00',
  '%E0%A4%A',
  '${process.env}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'null',
  'true',
  '-1',
  '1e400',
  'NaN',
  '0x10',
  '2026-02-30T25:61:61Z',
];
const LONG_LENGTHS = [256, 1001, 10_001, 100_001, 300_000];

const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...CURATED_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1 }),
  fc
    .tuple(fc.constantFrom(...LONG_LENGTHS), fc.constantFrom('x', '汉', '\u0000', '😀'))
    .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
);

/** Object keys that have bitten JavaScript servers (prototype pollution) and other odd names. */
const oddKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '__defineGetter__',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, 1e20),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** An own property, even for `__proto__` (plain assignment would set the prototype instead). */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Any JSON value, with odd strings, numbers and keys in it. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.constant(null), fc.boolean(), oddNumber, oddString),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(oddKey, tie('value')), { maxLength: 5 }).map((entries) => {
      const obj: Record<string, unknown> = {};
      for (const [k, v] of entries) define(obj, k, v);
      return obj;
    }),
  ),
})).value;

/** What goes on the wire as a body: text or bytes, with the content type declared (none: no header). */
export interface WireBody {
  content: string | Uint8Array;
  type?: string;
}

const json = (v: unknown): WireBody => ({ content: JSON.stringify(v) ?? 'null', type: 'application/json' });

/** Kind (a): any JSON value, broken JSON text, or JSON under a type nobody declared. */
export const hostileBody: fc.Arbitrary<WireBody | undefined> = fc.oneof(
  { arbitrary: hostileJson.map(json), weight: 6 },
  {
    arbitrary: fc
      .constantFrom(
        '{',
        '{"a":',
        '[1,2',
        'nul',
        '\u0000',
        '"\\ud800"',
        '{"a":1,"a":2}',
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
      )
      .map((content) => ({ content, type: 'application/json' })),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(hostileJson, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded'))
      .map(([v, type]) => ({ content: JSON.stringify(v) ?? '', type })),
    weight: 1,
  },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const MAGIC = ['', '%PDF-1.7\n', '\x89PNG\r\n\x1a\n', '\xff\xd8\xff\xe0', 'PK\x03\x04', '{"items":'];

/** Uploads: random bytes (some behind a file type's magic number) under declared, wrong or no types. */
export function hostileUpload(declared: string[]): fc.Arbitrary<WireBody> {
  const bytes = fc
    .tuple(fc.constantFrom(...MAGIC), fc.uint8Array({ maxLength: 4096 }))
    .map(([magic, rest]) => new Uint8Array([...Buffer.from(magic, 'latin1'), ...rest]));
  const type = fc.option(
    fc.constantFrom(
      ...declared,
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'image/svg+xml',
      'application/json; charset=latin1',
      'garbage',
    ),
    { nil: undefined },
  );
  return fc.record({ content: bytes, type }, { requiredKeys: ['content'] });
}

// ---- near-valid input from the schemas ------------------------------------------------------------

/**
 * Known good values by property or parameter name (the demo round, branch, county …): with them, a
 * near-valid request reaches the handler's own checks instead of stopping at "no such branch".
 */
type Hints = Record<string, string>;

export interface GenOptions {
  hints: Hints;
  /** Where URLs point (a sink on this machine): a fuzzed webhook must never post to a real host. */
  urlBase: string;
}

interface Ctx extends GenOptions {
  doc: FuzzDocument;
  depth: number;
}

function resolve(schema: JsonSchema, doc: FuzzDocument): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return resolve(target, doc);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
function stringArbitrary(s: JsonSchema, ctx: Ctx): fc.Arbitrary<string> {
  const minLength = num(s.minLength) ?? 0;
  const maxLength = Math.min(num(s.maxLength) ?? minLength + 20, minLength + 40);
  switch (s.format) {
    case 'date-time':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    case 'uri':
    case 'url':
      return fc.stringMatching(/^[a-z0-9]{0,12}$/).map((p) => `${ctx.urlBase}/${p}`);
    case 'binary':
      return fc.string({ maxLength: 64 });
  }
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern));
    } catch {
      // A pattern JavaScript cannot compile here: plain strings of the right length instead.
    }
  }
  return fc.string({ minLength, maxLength });
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const exMin = num(s.exclusiveMinimum);
  const exMax = num(s.exclusiveMaximum);
  const min = num(s.minimum) ?? (exMin === undefined ? -1_000_000 : exMin + (integer ? 1 : 1e-6));
  const max = num(s.maximum) ?? (exMax === undefined ? 1_000_000 : exMax - (integer ? 1 : 1e-6));
  if (integer) return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Whether a known value fits the schema (enum, const, type, pattern, length), so the hint may stand in. */
function hintFits(schema: JsonSchema, hint: string, doc: FuzzDocument): boolean {
  const s = resolve(schema, doc);
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alts) return alts.some((a) => hintFits(a, hint, doc));
  if (Array.isArray(s.enum)) return s.enum.includes(hint);
  if ('const' in s) return s.const === hint;
  const types: unknown[] = Array.isArray(s.type) ? s.type : [s.type];
  if (!types.includes('string')) return false;
  if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(hint)) return false;
  return hint.length >= (num(s.minLength) ?? 0) && hint.length <= (num(s.maxLength) ?? Infinity);
}

function objectArbitrary(s: JsonSchema, ctx: Ctx): fc.Arbitrary<unknown> {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = (s.required ?? []) as string[];
  const entries = Object.entries(props);
  if (entries.length === 0 && typeof s.additionalProperties === 'object') {
    const value = arbitraryOf(s.additionalProperties as JsonSchema, ctx);
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), value, { maxKeys: 3 });
  }
  const arbs: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, prop] of entries) {
    const own = arbitraryOf(prop, ctx);
    const hint = ctx.hints[name];
    arbs[name] =
      hint !== undefined && hintFits(prop, hint, ctx.doc)
        ? fc.oneof({ arbitrary: fc.constant(hint), weight: 3 }, { arbitrary: own, weight: 1 })
        : own;
  }
  return fc.record(arbs, { requiredKeys: required.filter((k) => k in arbs) });
}

/** Values valid for `schema` (mostly: refinements and combined bounds are not known to the document). */
function arbitraryOf(schema: JsonSchema, ctx: Ctx): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx.doc);
  const inner = { ...ctx, depth: ctx.depth + 1 };
  if (ctx.depth > 8) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => arbitraryOf(a, inner)));
  if (Array.isArray(s.allOf)) return arbitraryOf(Object.assign({}, ...(s.allOf as JsonSchema[])), inner);
  if (Array.isArray(s.type))
    return fc.oneof(...s.type.map((type: unknown) => arbitraryOf({ ...s, type }, inner)));
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'string':
      return stringArbitrary(s, ctx);
    case 'array': {
      if (Array.isArray(s.prefixItems))
        return fc.tuple(...s.prefixItems.map((i: JsonSchema) => arbitraryOf(i, inner)));
      const minLength = num(s.minItems) ?? 0;
      const maxLength = Math.min(num(s.maxItems) ?? minLength + 3, minLength + 3);
      return fc.array(arbitraryOf((s.items as JsonSchema) ?? {}, inner), { minLength, maxLength });
    }
    case 'object':
      return objectArbitrary(s, inner);
    default:
      return hostileJson;
  }
}

export const schemaArbitrary = (schema: JsonSchema, doc: FuzzDocument, opts: GenOptions) =>
  arbitraryOf(schema, { ...opts, doc, depth: 0 });

// ---- one mutation ---------------------------------------------------------------------------------

type Path = (string | number)[];

function nodes(v: unknown, at: Path = []): Path[] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => nodes(x, [...at, i]))];
  if (v && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => nodes(x, [...at, k]))];
  return [at];
}

type Mutation = 'replace' | 'delete' | 'addKey' | 'wrongType';

/** `value` with one node changed: replaced by hostile JSON or a value of another type, deleted, or given an odd key. */
function mutate(value: unknown, pick: number, how: Mutation, key: string, replacement: unknown): unknown {
  const copy: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  const all = nodes(copy);
  const path = all[pick % all.length]!;
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], copy);
  const last = path[path.length - 1];
  const current = path.reduce<any>((o, k) => o[k], copy);
  const wrongType =
    typeof current === 'string'
      ? 12345
      : typeof current === 'number'
        ? String(current)
        : Array.isArray(current)
          ? {}
          : [current];
  const set = (v: unknown) => {
    if (last === undefined) return v;
    if (Array.isArray(parent)) parent[last as number] = v;
    else define(parent as Record<string, unknown>, String(last), v);
    return copy;
  };
  switch (how) {
    case 'replace':
      return set(replacement);
    case 'wrongType':
      return set(wrongType);
    case 'delete':
      if (last === undefined) return undefined;
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete (parent as Record<string, unknown>)[String(last)];
      return copy;
    case 'addKey':
      if (current && typeof current === 'object' && !Array.isArray(current)) {
        define(current as Record<string, unknown>, key, replacement);
        return copy;
      }
      return set(replacement);
  }
}

/** Kind (b): a value from the schema, with exactly one mutation. */
export function nearValid(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      base,
      fc.nat(),
      fc.constantFrom<Mutation>('replace', 'delete', 'addKey', 'wrongType'),
      oddKey,
      hostileJson,
    )
    .map(([v, pick, how, key, replacement]) => mutate(v, pick, how, key, replacement));
}

// ---- queries and paths ----------------------------------------------------------------------------

/** A query as key/value pairs: a repeated key makes an array on the server. */
export type QueryPairs = [string, string][];

const wire = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** Schema-shaped query pairs (arrays as repeated keys, optional ones sometimes left out). */
export function queryArbitrary(
  params: Param[],
  doc: FuzzDocument,
  opts: GenOptions,
): fc.Arbitrary<QueryPairs> {
  const parts = params.map((p) => {
    const hint = opts.hints[p.name];
    const own = schemaArbitrary(p.schema, doc, opts);
    const value =
      hint === undefined || !hintFits(p.schema, hint, doc)
        ? own
        : fc.oneof({ arbitrary: fc.constant(hint), weight: 3 }, own);
    const pairs = value.map((v): QueryPairs =>
      Array.isArray(v) ? v.map((x) => [p.name, wire(x)]) : [[p.name, wire(v)]],
    );
    return p.required ? pairs : fc.option(pairs, { nil: [] as QueryPairs });
  });
  return fc.tuple(...parts).map((ps) => ps.flat());
}

/**
 * Odd strings short enough for a URL: past Node's 16 kB header limit the HTTP server itself answers a bare
 * 431 before the app sees the request (nothing the app can shape).
 */
const oddUrlPart = oddString.filter((v) => encodeSegment(v).length <= 3000);

/** A URL component; lone surrogates (which encodeURIComponent refuses) go as U+FFFD, as a browser sends them. */
export const encodeSegment = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

/** Kind (a) for queries: odd keys and values. */
export const hostileQuery: fc.Arbitrary<QueryPairs> = fc.array(
  fc.tuple(fc.oneof(oddKey, fc.constantFrom('limit', 'cursor', 'format', 'scope')), oddUrlPart),
  { maxLength: 4 },
);

/** Kind (b) for queries: one pair changed, dropped, repeated (an array) or added. */
export function nearValidQuery(base: fc.Arbitrary<QueryPairs>): fc.Arbitrary<QueryPairs> {
  return fc
    .tuple(base, fc.nat(), fc.constantFrom('odd', 'drop', 'repeat', 'add'), oddKey, oddUrlPart)
    .map(([pairs, pick, how, key, odd]) => {
      const out = pairs.map((p) => [...p] as [string, string]);
      const i = out.length ? pick % out.length : -1;
      if (how === 'add' || i < 0) return [...out, [key, odd] as [string, string]];
      if (how === 'odd') out[i]![1] = odd;
      if (how === 'drop') out.splice(i, 1);
      if (how === 'repeat') out.push([out[i]![0], odd]);
      return out;
    });
}

/** Path segments as they go on the wire (already encoded): unknown ids, overlong, encoded slashes … */
export const oddSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'unknown-0000',
    '000000000000',
    '999999999999999999999',
    'a%2Fb',
    '..%2F..%2Fetc',
    '%2e%2e',
    '%00',
    '%E0%A4%A',
    '%',
    '%25',
    'x'.repeat(3000),
    '-1',
    'null',
    '__proto__',
    'constructor',
  ),
  oddUrlPart.filter((s) => s.length > 0).map(encodeSegment),
);

/** The URL of `template` (`/rounds/{roundId}`) with its parameters filled (values already encoded). */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? 'missing');
}

// ---- what every answer must keep ------------------------------------------------------------------

export interface WireAnswer {
  status: number;
  type: string;
  text: string;
}

/** Text that tells an attacker about the insides: stack frames, SQL and database errors, file paths. */
const LEAKS: [string, RegExp][] = [
  ['stack trace', /\bat [\w.<>]+ \(|\n\s+at \S+:\d+:\d+/],
  ['SQL', /\b(select\s+.+\s+from|insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i],
  [
    'database error',
    /syntax error at or near|violates .* constraint|duplicate key value|relation "[^"]+"|invalid byte sequence|unsupported Unicode escape/i,
  ],
  ['file path', /(\/work\/|\/home\/|\/root\/|node_modules|[\w-]+\.(ts|js):\d+)/],
];

function parseProblem(text: string): { type?: unknown; title?: unknown; status?: unknown } | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** Every rule one answer breaks (empty: none). */
export function answerViolations(a: WireAnswer): string[] {
  const out: string[] = [];
  if (a.status >= 500) out.push(`status ${a.status}`);
  if (a.status >= 400) {
    if (!a.type.startsWith('application/problem+json')) out.push(`4xx of type "${a.type}", not problem+json`);
    const body = parseProblem(a.text);
    if (!body) out.push('problem body is not a JSON object');
    else if (typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== a.status)
      out.push('problem without type, title or the status answered');
  }
  if (/json|text|csv|html/.test(a.type) || a.type === '')
    for (const [what, re] of LEAKS) if (re.test(a.text)) out.push(`${what} in the body`);
  return out;
}
