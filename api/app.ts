import { MAX_URL_LENGTH } from '../platform/http/limits';
import { refuseDeepJson } from '../platform/http/jsonDepth';
import { notificationRoutes } from '../platform/notifications/routes';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { requestForLog } from '../platform/http/logRedaction';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { AppDeps } from '../platform/http/deps';
import { authenticate } from '../platform/auth/authenticate';
import { createSessionStore } from '../platform/auth/sessions';
import { errorHandler, Problem } from '../platform/http/problem';
import { registry } from '../platform/http/route';
import { authRoutes } from '../platform/auth/routes';
import { federationRoutes } from '../platform/auth/federation/routes';
import { federationAdminRoutes } from '../platform/auth/federation/adminRoutes';
import { enterpriseVerifierRoutes } from '../platform/auth/federation/verifierRoutes';
import { standInRoutes } from '../platform/auth/federation/standIns';
import { taskRoutes } from '../platform/tasks/routes';
import { progressRoutes } from '../platform/progress/routes';
import { calendarRoutes } from '../platform/calendar/routes';
import { createApiMetrics } from './metrics';
import { reconciliationFamilies, taskFamilies } from '../platform/metrics/gaugeFamilies';
import { reportRoutes } from '../platform/reports/routes';
import { noticeRoutes } from '../platform/publicity/routes';
import { consoleRoutes } from './console';
import { orgAdminRoutes } from '../platform/orgs/routes';
import { domains, installDomains } from '../platform/plugins/registry';
import { DOMAINS } from '../domains';

/** getClusterInfo; a server without it (the time-skipping test server) is described by getSystemInfo alone */
async function temporalEngine(svc: AppDeps['temporal']['connection']['workflowService']) {
  try {
    const info = await svc.getClusterInfo({});
    return { serverVersion: info.serverVersion || null, persistence: info.persistenceStore || null, visibility: info.visibilityStore || null };
  } catch (err) {
    if ((err as { code?: number }).code !== 12 /* UNIMPLEMENTED */) throw err;
    const sys = await svc.getSystemInfo({});
    return { serverVersion: sys.serverVersion || null, persistence: null, visibility: null };
  }
}
import { accountAdminRoutes } from '../platform/admin/routes';
import { materialRoutes } from '../platform/materials/routes';
import { ratingRoutes } from '../platform/ratings/routes';
import { codecRoutes, codecSessionRoutes } from '../platform/codec/routes';
import { reconciliationRoutes } from '../platform/reconciliation/routes';
import { policyRoutes } from '../platform/policy/routes';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** NUL, or half of a UTF-16 surrogate pair (a lone surrogate is no character: it has no UTF-8 form to store or send) */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasUnstorable(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return UNSTORABLE.test(v);
  if (v === null || typeof v !== 'object' || depth > 32) return false;
  return Object.entries(v).some(([k, x]) => UNSTORABLE.test(k) || hasUnstorable(x, depth + 1));
}

export function createApp(given: AppDeps): Express {
  installDomains(DOMAINS);
  const deps = { ...given, sessions: given.sessions ?? createSessionStore(given.db) };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use((req, _res, next) =>
    next(req.url.length > MAX_URL_LENGTH ? new Problem('URI_TOO_LONG', `URLs are at most ${MAX_URL_LENGTH} characters`) : undefined),
  );
  const metrics = createApiMetrics(deps.db, {
    token: process.env.METRICS_TOKEN || undefined,
    families: [...taskFamilies, ...reconciliationFamilies, ...domains().flatMap((d) => d.metrics ?? [])],
    temporalUp: () =>
      deps.temporal.workflowService
        .getSystemInfo({})
        .then(() => true)
        .catch(() => false),
  });
  app.use(metrics.middleware);
  app.get('/metrics', metrics.handler);
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // never log credentials or bodies (passwords, ID numbers)
      serializers: {
        req: requestForLog,
      },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query.access_token', 'req.headers["x-codec-token"]'],
      // routes that act on a workflow put its id in res.locals, so the request line names it
      customProps: (_req, res) => {
        const workflowId = (res as unknown as { locals?: { workflowId?: string } }).locals?.workflowId;
        return workflowId ? { workflowId } : {};
      },
    }),
  );
  // answers carry personal data: no shared or browser cache keeps them
  app.use('/api/v1', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // the codec endpoint: its own body limit, CORS for the Temporal Web UI and its own admin check (cookie or bearer)
  app.use(codecRoutes(deps));
  app.use(express.json({ limit: '100kb', verify: refuseDeepJson }));
  // the 浙里办 / 浙政钉 stand-ins: development mode only, never in production; before authenticate (their user-info
  // call carries the stand-in's own bearer token, not ours)
  if (deps.config.devMode && deps.config.standIns !== false) app.use(standInRoutes(deps.db));
  app.use(authenticate(deps.tokens, deps.sessions));
  // PostgreSQL text cannot hold NUL, and a lone surrogate has no UTF-8 form (the workflow's payload cannot carry it):
  // refuse both at the door (otherwise a decision comment with one would be a poison activity that retries for
  // ever, a claim field a 500, a supplement's changes a 503)
  app.use((req, _res, next) => {
    next(
      hasUnstorable(req.body) || hasUnstorable(req.query) || /%00/.test(req.url)
        ? new Problem('VALIDATION_FAILED', 'text may not contain NUL (\\u0000) characters or unpaired surrogates')
        : undefined,
    );
  });

  app.get('/healthz', async (_req, res) => {
    const [db, temporal] = await Promise.all([
      within(2000, sql`select 1`.execute(deps.db)).then(
        () => 'ok',
        () => 'unavailable',
      ),
      // the engine as the server itself describes it: version, persistence store (sqlite on the dev server,
      // postgres12 on the real server) and visibility store
      within(
        2000,
        deps.temporal.connection.withDeadline(Date.now() + 2000, () => temporalEngine(deps.temporal.connection.workflowService)),
      ).then(
        (engine) => ({ status: 'ok' as const, ...engine }),
        () => ({ status: 'unavailable' as const }),
      ),
    ]);
    const ok = db === 'ok' && temporal.status === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', db, temporal });
  });

  // every Temporal call a request makes shares one gRPC deadline (retries included): 503, never a hang
  const temporalDeadlineMs = deps.config.temporalDeadlineMs ?? 15_000;
  app.use((_req, _res, next) => {
    void deps.temporal.connection.withDeadline(Date.now() + temporalDeadlineMs, async () => next());
  });

  // the kernel's routes, then each installed domain's one router
  for (const routes of [
    authRoutes,
    federationRoutes,
    federationAdminRoutes,
    enterpriseVerifierRoutes,
    taskRoutes,
    progressRoutes,
    calendarRoutes,
    reportRoutes,
    noticeRoutes,
    orgAdminRoutes,
    reconciliationRoutes,
    accountAdminRoutes,
    materialRoutes,
    ratingRoutes,
    notificationRoutes,
    codecSessionRoutes,
    policyRoutes,
  ])
    app.use(routes(deps));
  for (const d of domains()) if (d.routes) app.use(d.routes(deps));

  const openapi = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Zhejiang approvals API',
      version: '1.0.0',
      description: 'Nanxun safety-engineer reward claims and the Zhejiang senior-title review. Errors are application/problem+json with a stable code.',
    },
    servers: [{ url: '/' }],
  });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // the web console (web/dist) at /, with an SPA fallback for non-API paths
  app.use(consoleRoutes());
  app.use((_req, _res, next) => next(new Problem('NOT_FOUND', 'no such route')));
  app.use(errorHandler(deps.log));
  return app;
}
