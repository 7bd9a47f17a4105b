import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { AppDeps } from './deps';
import { authenticate } from './auth';
import { errorHandler, Problem } from './problem';
import { registry } from './route';
import { authRoutes } from './routes/auth';
import { taskRoutes } from './routes/tasks';
import { claimRoutes } from './routes/claims';
import { publicRoutes } from './routes/public';
import { adminRoutes } from './routes/admin';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
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
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/idLast6=[^&]*/g, 'idLast6=***') }),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    }),
  );
  app.use(express.json({ limit: '100kb' }));
  app.use(authenticate(deps.tokens));

  app.get('/healthz', async (_req, res) => {
    const [db, temporal] = await Promise.all([
      within(2000, sql`select 1`.execute(deps.db)).then(() => 'ok', () => 'unavailable'),
      within(2000, deps.temporal.connection.workflowService.getSystemInfo({})).then(() => 'ok', () => 'unavailable'),
    ]);
    const ok = db === 'ok' && temporal === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', db, temporal });
  });

  app.use(authRoutes(deps));
  app.use(taskRoutes(deps));
  app.use(claimRoutes(deps));
  app.use(publicRoutes(deps));
  app.use(adminRoutes(deps));

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

  app.use((_req, _res, next) => next(new Problem('NOT_FOUND', 'no such route')));
  app.use(errorHandler(deps.log));
  return app;
}
