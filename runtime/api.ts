/**
 * `npm run api`: the HTTP API alone, for deployments where PostgreSQL, Temporal and the worker run
 * elsewhere (docker-compose.yml). Requires DATABASE_URL and TEMPORAL_ADDRESS; PORT, NODE_ENV, JWT_SECRET
 * (required when NODE_ENV=production), TEMPORAL_NAMESPACE, TASK_QUEUE, LOG_LEVEL as in runtime/config.ts.
 * Logs are JSON lines on stdout.
 *
 * At start: waits up to 60 s for PostgreSQL, migrates (safe beside the worker: Kysely's migrator holds an
 * advisory lock), loads the reference data and, in development mode only, the demo accounts.
 * The Temporal client connects lazily: the API listens and serves everything that only reads the database
 * even while Temporal is down or still starting; /healthz then answers 503 with temporal.status "unavailable", and
 * the client reconnects by itself once Temporal is back.
 *
 * SIGINT/SIGTERM: stop accepting connections, let in-flight requests finish (at most 10 s), close, exit 0.
 */
import { MAX_HEADER_BYTES } from '../platform/http/limits';
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { readConfig } from './config';
import { jwtSecret } from './services';
import { createLogger } from './logger';
import { errorMessage, migrateWhenReachable, redactUrl, requireEnv, seedSerialised } from './processSupport';
import { checkedConfig, exitWith, handleStopSignals, runUntilStopped } from './processLifecycle';
import { createDb } from '../db/connection';
import { createApp } from '../api/app';
import { createTokenIssuer } from '../platform/auth/authenticate';
import { createSessionStore } from '../platform/auth/sessions';
import { dataConverter } from '../platform/crypto/payloadCodec';
import { OWNER_ONLY_UMASK } from './dataDir';
import { codecOriginsFromEnv } from '../platform/codec/routes';

const STARTUP_WAIT_MS = 60_000;
const DRAIN_MS = 10_000;

async function main(): Promise<number> {
  const cfg = readConfig();
  process.umask(OWNER_ONLY_UMASK); // whatever it writes (logs, a generated key file) is its owner's only
  const log = createLogger({ level: cfg.logLevel, name: 'zj-approvals-api' });
  const secret = checkedConfig(log, () => {
    requireEnv(['DATABASE_URL', 'TEMPORAL_ADDRESS'], 'api');
    return jwtSecret(cfg);
  });
  if (secret === null) return 2;
  const databaseUrl = cfg.databaseUrl!;
  const temporalAddress = cfg.temporalAddress!;

  const stop = handleStopSignals(log, { secondSignal: 'second signal: exiting at once' });
  let server: http.Server | undefined;

  const db = createDb(databaseUrl);
  const connection = Connection.lazy({ address: temporalAddress });
  let stopListening: (() => Promise<void>) | undefined;
  const close = async () => {
    if (server?.listening) server.closeAllConnections();
    await connection.close().catch(() => undefined);
    await stopListening?.().catch(() => undefined);
    await db.destroy().catch(() => undefined);
  };
  return runUntilStopped({ name: 'api', log, stop, close }, async () => {
    log.info({ database: redactUrl(databaseUrl), temporal: temporalAddress, namespace: cfg.namespace, devMode: cfg.devMode }, 'api starting');
    await migrateWhenReachable(db, { log, timeoutMs: STARTUP_WAIT_MS, signal: stop.signal });
    const seeded = await seedSerialised(db, { demoAccounts: cfg.devMode });
    if (seeded.calendarYears.length) log.info({ years: seeded.calendarYears }, 'calendar loaded');
    if (seeded.demoAccountsCreated) log.info({ created: seeded.demoAccountsCreated }, 'demo accounts created (password "demo")');
    if (stop.stopping) return 0;

    const temporal = new Client({ connection, namespace: cfg.namespace, dataConverter: dataConverter() });
    // sessions: a logout or account change made through any API process is seen here at once (LISTEN)
    const sessions = createSessionStore(db);
    stopListening = await sessions.listenForChanges(databaseUrl, log);
    const app = createApp({
      db,
      temporal,
      tokens: createTokenIssuer(secret),
      sessions,
      log,
      config: { devMode: cfg.devMode, taskQueue: cfg.taskQueue, codecOrigins: codecOriginsFromEnv() },
    });
    // room for a long URL to reach the app, which answers it 414 problem+json (Node's own limit answers a bare 431)
    const s = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
    server = s;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(cfg.apiPort, '0.0.0.0', () => {
        s.off('error', reject);
        resolve();
      });
    });
    log.info({ port: cfg.apiPort, devMode: cfg.devMode }, `api listening on :${cfg.apiPort}`);

    // not awaited: only says in the log whether Temporal is there yet
    connection
      .withDeadline(Date.now() + 5000, () => connection.workflowService.getSystemInfo({}))
      .then(
        () => log.info({ temporal: temporalAddress }, 'Temporal reachable'),
        (err) => log.warn({ temporal: temporalAddress, err: errorMessage(err) }, 'Temporal not reachable yet; the API serves reads and reconnects by itself'),
      );

    await stop.stopped;
    const drained = new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeIdleConnections();
    const force = setTimeout(() => s.closeAllConnections(), DRAIN_MS);
    await drained;
    clearTimeout(force);
    log.info('api stopped');
    return 0;
  });
}

exitWith('api', main);
