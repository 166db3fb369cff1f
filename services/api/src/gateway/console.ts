import { existsSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { Router } from 'express';
import { notFound } from './problem';

/** Where `npm run build` puts the web console, relative to this module (src/ or dist/). */
export const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, '../../../../console/dist');

/**
 * The web console's static build, compressed: hashed assets cached for a year, and the SPA fallback (any GET that is
 * not /api/* or /health answers index.html, uncached, so a deploy is picked up at once). Middleware only,
 * no routes: the OpenAPI route check counts routes, and none of this is an API route.
 */
export function serveConsole(dir: string): Router {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index))
    throw new Error(`web console not built: ${index} is missing (npm run build -w console)`);
  const router = Router();
  // Offices sit on slow links: the bundle goes gzip- or brotli-compressed (about a third of its size).
  router.use(compression());
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d' }),
    (req) => {
      throw notFound(`没有该文件：${req.originalUrl}`);
    },
  );
  router.use(express.static(dir, { index: false, maxAge: '1h' }));
  router.use((req, res, next) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      req.path === '/api' ||
      req.path.startsWith('/api/')
    )
      return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
