/**
 * `npm run worker`: the Temporal worker alone, for deployments where PostgreSQL and Temporal run elsewhere
 * (docker-compose.yml). Requires DATABASE_URL and TEMPORAL_ADDRESS; TEMPORAL_NAMESPACE, TASK_QUEUE and
 * LOG_LEVEL as in runtime/config.ts. Logs are JSON lines on stdout.
 *
 * Startup waits up to 60 s each for PostgreSQL and for Temporal (under docker compose both may still be
 * starting); after that it exits non-zero and the orchestrator's restart policy takes over.
 *
 * Migrations: the worker runs them too (db/migrator migrateToLatest), so it never runs activities against
 * an old schema whichever process starts first. Concurrent runs with the API are safe: Kysely's Migrator
 * takes a PostgreSQL advisory lock (pg_advisory_lock) around the whole migration transaction and tolerates
 * racing creation of its own bookkeeping tables, so the second process waits and then finds nothing to do.
 * Seeding is left to the API process (and `npm run seed`).
 *
 * SIGINT/SIGTERM: stop polling, let in-flight tasks finish (up to 20 s; compose gives 30 s), close the
 * connections and exit 0. A second signal exits at once.
 */
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { readConfig } from './config';
import { createLogger } from './logger';
import { createAppWorker } from './workerFactory';
import { temporalMetricsTelemetry } from './telemetry';
import { Client, Connection } from '@temporalio/client';
import { ensureInstalmentReleaseSchedule, releaseDateFromEnv, INSTALMENT_RELEASE_SCHEDULE_ID } from './schedules';
import { errorMessage, redactUrl, requireEnv, retryWithBackoff, temporalLoggerFor, waitForDatabase } from './processSupport';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrator';
import { smsSenderFromEnv } from '../platform/notifications/sms';
import { startSmsDispatcher } from '../platform/notifications/dispatcher';

const STARTUP_WAIT_MS = 60_000;

async function main(): Promise<number> {
  const cfg = readConfig();
  const log = createLogger({ level: cfg.logLevel, name: 'zj-approvals-worker' });
  try {
    requireEnv(['DATABASE_URL', 'TEMPORAL_ADDRESS'], 'worker');
  } catch (err) {
    log.fatal(errorMessage(err));
    log.flush();
    return 2;
  }
  const databaseUrl = cfg.databaseUrl!;
  const temporalAddress = cfg.temporalAddress!;

  const abort = new AbortController();
  let worker: Worker | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting for in-flight tasks');
      log.flush();
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    abort.abort();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // our own handlers decide when to shut down (the SDK's default ones would not cover the startup phase)
  const { bindAddress: metricsAddress, ...temporalMetrics } = await temporalMetricsTelemetry((m) => log.warn(m));
  Runtime.install({
    logger: temporalLoggerFor(log),
    shutdownSignals: [],
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } }, ...temporalMetrics },
  });
  if (metricsAddress) log.info({ metrics: `http://${metricsAddress}/metrics` }, 'Temporal worker metrics exported');

  const db = createDb(databaseUrl);
  let connection: NativeConnection | undefined;
  try {
    log.info({ database: redactUrl(databaseUrl), temporal: temporalAddress, namespace: cfg.namespace, taskQueue: cfg.taskQueue }, 'worker starting');
    await waitForDatabase(db, { log, timeoutMs: STARTUP_WAIT_MS, signal: abort.signal });
    const applied = await migrateToLatest(db);
    log.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');

    connection = await retryWithBackoff('Temporal', () => NativeConnection.connect({ address: temporalAddress }), {
      log,
      timeoutMs: STARTUP_WAIT_MS,
      signal: abort.signal,
    });
    // WORKFLOW_BUNDLE_PATH: a prebuilt workflow bundle (start:cluster builds it once for all its workers)
    worker = await createAppWorker({
      connection,
      namespace: cfg.namespace,
      taskQueue: cfg.taskQueue,
      db,
      workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH || undefined,
      extra: { shutdownGraceTime: '20s' },
    });
    const running = worker.run();
    // the notification outbox feeds the SMS sender (SMS_PROVIDER: log by default, none to disable)
    const sms = smsSenderFromEnv(log);
    const dispatcher = sms ? startSmsDispatcher(db, sms, log) : null;
    const stopDispatcher = () => dispatcher?.stop();
    running.then(stopDispatcher, stopDispatcher).catch(() => undefined);
    // the yearly instalment release Schedule, created (or brought up to date) idempotently
    const scheduleClient = new Client({ connection: await Connection.connect({ address: temporalAddress }), namespace: cfg.namespace });
    log.info(
      {
        schedule: INSTALMENT_RELEASE_SCHEDULE_ID,
        result: await ensureInstalmentReleaseSchedule(scheduleClient, { taskQueue: cfg.taskQueue, ...releaseDateFromEnv() }),
      },
      'instalment release schedule',
    );
    await scheduleClient.connection.close();
    if (stopping)
      worker.shutdown(); // a signal arrived while the workflow bundle was being built
    else log.info({ namespace: cfg.namespace, taskQueue: cfg.taskQueue }, 'worker polling');
    await running;
    log.info('worker stopped');
    return 0;
  } catch (err) {
    if (stopping) {
      log.info('stopped during startup');
      return 0;
    }
    log.fatal({ err }, `worker failed: ${errorMessage(err)}`);
    return 1;
  } finally {
    await connection?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    log.flush();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('worker failed:', err);
    process.exit(1);
  },
);
