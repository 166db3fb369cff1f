import { randomUUID } from 'node:crypto';
import express, { Router, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { databaseCheck, natsCheck, readiness, READY_TIMEOUT_MS } from '@fivestar/platform';
import { refuseDeepJson, rejectNul } from './body-guard';
import { boundRequests } from './bound';
import { serveConsole } from './console';
import type { ApiDeps } from './deps';
import { InFlight, requestSignal } from './lifetime';
import { corsPolicy, DEFAULT_EDGE, edgeLimiters, trustProxy, URGE_PATHS } from './limits';
import { openApiRoutes } from './openapi';
import { notFound, problemHandler } from './problem';
import { bodyOf } from './routing';
import { adminStatsRoutes } from './stats-routes';
import { withSignal } from './temporal';
import { auditCommands } from '../audit';
import { auditRoutes } from '../audit/routes';
import { branchRoutes } from '../branches/routes';
import { calendarRoutes } from '../calendars/routes';
import { catalogRoutes } from '../catalogs/routes';
import { directoryRoutes } from '../directory/routes';
import { evidenceRoutes } from '../evidence/routes';
import { authenticate } from '../identity/authenticate';
import { authRoutes, publicAuthRoutes } from '../identity/routes';
import { adminUserRoutes } from '../identity/user-routes';
import { ledgerRoutes } from '../ledger/routes';
import { inboxRoutes } from '../notifications/inbox-routes';
import { notificationRoutes } from '../notifications/routes';
import { bulletinRoutes, rankingRoutes } from '../ranking/routes';
import { roundRoutes } from '../rounds/routes';
import { campaignRoutes } from '../campaigns/routes';
import { faultRoutes } from '../tasks/fault-routes';
import { taskRoutes } from '../tasks/routes';

/**
 * The API's HTTP app. `inFlight` tracks its requests, so that whoever runs it can wait for them to end
 * before closing what they use (service.ts).
 */
export function createApp(deps: ApiDeps, inFlight = new InFlight()): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(deps.edge?.trustedProxies));
  app.use(inFlight.track());
  // The console's bundle is same-origin; evidence previews are blob: URLs of authorised downloads.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:'] } } }));
  const edge = { ...DEFAULT_EDGE, ...deps.edge };
  app.use(corsPolicy(edge.corsOrigins));
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
    }),
  );
  app.use('/api', boundRequests(deps.requestBoundMs));
  // Every command is audited before its answer leaves, refusals included (docs/audit.md).
  const audit = auditCommands(deps.db, deps.log);
  app.use('/api', audit.record);
  // Uploads (routes declared with `rawBody`: catalog import, evidence) read their raw body themselves,
  // after authorisation, with their own limits; every other body is JSON of at most 256 kB, or of the
  // limit its route declares (the directory import).
  const parsers = new Map<string, RequestHandler>();
  const jsonParser = (limit: string) => {
    if (!parsers.has(limit)) parsers.set(limit, express.json({ limit, verify: refuseDeepJson }));
    return parsers.get(limit)!;
  };
  app.use((req, res, next) => {
    const body = req.path.startsWith('/api/') ? bodyOf(req.method, req.path.slice(4)) : undefined;
    if (body === 'raw') return next();
    return jsonParser(body?.limit ?? '256kb')(req, res, next);
  });
  app.use(rejectNul);

  // Liveness: the process answers (asks no dependency, so a database blip never makes it look dead).
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', nats: !deps.nc.isClosed() });
  });
  // Readiness: 200, or 503 naming what is down (docs/running.md). Middleware, not a route: like /health
  // it is no part of the API's OpenAPI document.
  app.use('/ready', (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return next();
    readiness({
      database: databaseCheck(deps.db),
      nats: natsCheck(deps.nc),
      temporal: () =>
        withSignal(deps.temporal, requestSignal(req), () =>
          deps.temporal.withDeadline(Date.now() + READY_TIMEOUT_MS, () =>
            deps.temporal.workflowService.getSystemInfo({}),
          ),
        ),
    }).then((r) => {
      if (r.down.length) deps.log.warn({ down: r.down, checks: r.checks }, 'not ready');
      res.setHeader('cache-control', 'no-store');
      res.status(r.down.length ? 503 : 200).json({ process: 'api', ...r });
    }, next);
  });

  const api = Router();
  // Rate limits by path, before the routes (docs/security.md, 接口边界); urges count per user, after sign-in.
  const limits = edgeLimiters(edge);
  api.post('/auth/login', ...limits.login);
  api.post('/auth/refresh', limits.refresh);
  api.use(openApiRoutes());
  // A command's opening audit entry is in before its handler runs: the public ones' here, the others' once
  // their caller is known (docs/audit.md).
  api.post(['/auth/login', '/auth/refresh'], audit.open);
  api.use(publicAuthRoutes(deps));
  api.use(authenticate(deps));
  api.post(URGE_PATHS, limits.urge);
  api.use(audit.open);
  api.use(authRoutes(deps));
  api.use(adminUserRoutes(deps));
  api.use(catalogRoutes(deps));
  api.use(roundRoutes(deps));
  api.use(campaignRoutes(deps));
  api.use(directoryRoutes(deps));
  api.use(evidenceRoutes(deps));
  api.use(branchRoutes(deps));
  api.use(taskRoutes(deps));
  api.use(ledgerRoutes(deps));
  api.use(inboxRoutes(deps));
  api.use(rankingRoutes(deps));
  api.use(notificationRoutes(deps));
  api.use(bulletinRoutes(deps));
  api.use(auditRoutes(deps));
  api.use(calendarRoutes(deps));
  api.use(faultRoutes(deps));
  api.use(adminStatsRoutes(deps));
  api.use((req) => {
    throw notFound(`没有该接口：${req.method} ${req.originalUrl}`);
  });
  app.use('/api', api);
  if (deps.consoleDir) app.use(serveConsole(deps.consoleDir));
  app.use((req) => {
    throw notFound(`没有该页面：${req.originalUrl}`);
  });
  app.use(problemHandler);
  return app;
}
