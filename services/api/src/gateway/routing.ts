import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Role } from '@fivestar/contracts';
import { actorOf, requireRole } from '../identity/authenticate';
import { holdRequest } from './lifetime';
import { parse } from './validate';

/** Who may call a route: anyone, anyone signed in, or the roles listed (403 for the others). */
export type Access = 'public' | 'user' | readonly Role[];

/** The request part naming the jurisdiction the caller must be inside (checked by the handler). */
export interface RouteScope {
  in: 'path' | 'query' | 'body';
  name: string;
  /** `area`: a province, city or county code (2, 4 or 6 digits). */
  level: 'province' | 'city' | 'area' | 'county' | 'township' | 'branch' | 'round';
}

/**
 * One documented answer: a JSON schema, a description (a problem for 4xx/5xx, no body below 400), or a
 * download in the content types given.
 */
export type RouteResponse = z.ZodType | string | { description: string; download: readonly string[] };

type Shape = z.ZodObject;

export interface RouteSpec<
  P extends Shape | undefined,
  Q extends Shape | undefined,
  B extends z.ZodType | undefined,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path under /api. */
  path: string;
  operationId: string;
  summary: string;
  tags: readonly string[];
  access: Access;
  /** null when the resource is the caller's own (or not bound to a jurisdiction). */
  scope: RouteScope | null;
  params?: P;
  query?: Q;
  /** A JSON body. */
  body?: B;
  /** An upload: the handler reads the raw body itself (see body.ts), in one of these content types. */
  rawBody?: readonly string[];
  /** A JSON body larger than the app's default (a county's whole directory): an express size, `8mb`. */
  jsonLimit?: string;
  /** A longer bound than the app's on the answer (bound.ts), for work that grows with the body it takes. */
  boundMs?: number;
  responses: Readonly<Record<number, RouteResponse>>;
}

export type AnyRouteSpec = RouteSpec<Shape | undefined, Shape | undefined, z.ZodType | undefined>;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the request's parts, parsed by the route's schemas. */
export interface RouteInput<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

/** Every declared route by operationId: the OpenAPI document is built from it (openapi.ts). */
const registry = new Map<string, AnyRouteSpec>();

export const declaredRoutes = (): AnyRouteSpec[] => [...registry.values()];

/** Method and path pattern of the routes whose body the app-wide JSON parser leaves or sizes apart. */
const bodyRoutes = new Map<string, { method: string; pattern: RegExp; body: 'raw' | { limit: string } }>();
/** Method and path pattern of the routes with a bound of their own. */
const boundRoutes = new Map<string, { method: string; pattern: RegExp; boundMs: number }>();

const pathPattern = (path: string) => new RegExp(`^${path.replace(/:[A-Za-z]\w*/g, '[^/]+')}/?$`);

function register(spec: AnyRouteSpec): void {
  const known = registry.get(spec.operationId);
  if (known && (known.method !== spec.method || known.path !== spec.path))
    throw new Error(`operationId ${spec.operationId} names both ${known.path} and ${spec.path}`);
  registry.set(spec.operationId, spec);
  const body = spec.rawBody ? 'raw' : spec.jsonLimit ? { limit: spec.jsonLimit } : undefined;
  const method = spec.method.toUpperCase();
  if (body) bodyRoutes.set(spec.operationId, { method, pattern: pathPattern(spec.path), body });
  if (spec.boundMs)
    boundRoutes.set(spec.operationId, { method, pattern: pathPattern(spec.path), boundMs: spec.boundMs });
}

/**
 * How the route a request goes to (its method and path below the router's mount point) takes its
 * body: `raw` (declared with `rawBody`: the app-wide JSON parser leaves it for the route to read),
 * JSON of a declared larger limit, or undefined for the app's default.
 */
export function bodyOf(method: string, path: string): 'raw' | { limit: string } | undefined {
  for (const r of bodyRoutes.values()) if (r.method === method && r.pattern.test(path)) return r.body;
  return undefined;
}

/** The bound a route declares for the request (its method and path below /api); undefined: the app's. */
export function boundOf(method: string, path: string): number | undefined {
  for (const r of boundRoutes.values()) if (r.method === method && r.pattern.test(path)) return r.boundMs;
  return undefined;
}

function enforce(access: Access, req: Request): void {
  if (access === 'public') return;
  const actor = actorOf(req);
  if (access !== 'user') requireRole(actor, ...access);
}

/**
 * Mounts a route on `router` and records its declaration: the access roles are enforced (403) and the
 * path, query and JSON body are parsed (400 naming the field) before the handler runs, so the document
 * and what the API does cannot drift apart.
 */
export function route<
  P extends Shape | undefined = undefined,
  Q extends Shape | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  router: Router,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>, req: Request, res: Response) => Promise<void> | void,
): void {
  register(spec as AnyRouteSpec);
  // The handler holds its request's lifetime: stopping the API waits for it, even past its answer.
  router[spec.method](spec.path, (req, res) =>
    holdRequest(req, async () => {
      enforce(spec.access, req);
      const input = {
        params: spec.params && parse(spec.params, req.params, 'path'),
        query: spec.query && parse(spec.query, req.query, 'query'),
        body: spec.body && parse(spec.body, req.body, 'body'),
      } as RouteInput<P, Q, B>;
      await handler(input, req, res);
    }),
  );
}
