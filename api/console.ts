/**
 * The web console (web/, built to web/dist by `npm run build:web`) served at `/` by the same server as the API.
 * Static assets are served as files; any other GET of a non-API path answers index.html (SPA fallback), so
 * deep links like /tasks/123 work. /api/v1 and /healthz are never touched: their 404s stay problem+json.
 */
import express, { type RequestHandler, Router } from 'express';
import fs from 'node:fs';
import path from 'node:path';

export const CONSOLE_DIST = path.resolve(__dirname, '..', 'web', 'dist');

/**
 * The console's own CSP: scripts only from this origin (no inline scripts), Ant Design's runtime <style> tags,
 * canvas charts, data: images. Unlike helmet's default it does not upgrade http to https, so the console also
 * works over plain http on a LAN (a clerk's phone on http://192.168.x.x:3000).
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const isApiPath = (p: string) => p.startsWith('/api/') || p === '/api' || p === '/healthz';

export function consoleRoutes(dist = CONSOLE_DIST): Router {
  const router = Router();
  const csp: RequestHandler = (req, res, next) => {
    if (!isApiPath(req.path)) res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    next();
  };
  router.use(csp);
  router.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }));
  router.use(express.static(dist, { index: false, maxAge: 0 }));
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path) || req.path.startsWith('/assets/')) return next();
    const index = path.join(dist, 'index.html');
    // not built (API-only test apps): the usual problem+json 404
    if (!fs.existsSync(index)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
