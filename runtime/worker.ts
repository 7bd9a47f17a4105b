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
import { migrateWhenReachable, redactUrl, requireEnv, retryWithBackoff, temporalLoggerFor } from './processSupport';
import { checkedConfig, exitWith, handleStopSignals, runUntilStopped } from './processLifecycle';
import { createDb } from '../db/connection';
import { smsSenderFromEnv } from '../platform/notifications/sms';
import { startSmsDispatcher } from '../platform/notifications/dispatcher';
import { dataConverter } from '../platform/crypto/payloadCodec';
import { OWNER_ONLY_UMASK } from './dataDir';

const STARTUP_WAIT_MS = 60_000;

async function main(): Promise<number> {
  const cfg = readConfig();
  process.umask(OWNER_ONLY_UMASK); // whatever it writes (logs, a generated key file) is its owner's only
  const log = createLogger({ level: cfg.logLevel, name: 'zj-approvals-worker' });
  if (checkedConfig(log, () => requireEnv(['DATABASE_URL', 'TEMPORAL_ADDRESS'], 'worker')) === null) return 2;
  const databaseUrl = cfg.databaseUrl!;
  const temporalAddress = cfg.temporalAddress!;

  let worker: Worker | undefined;
  const stop = handleStopSignals(log, {
    secondSignal: 'second signal: exiting without waiting for in-flight tasks',
    onStop: () => {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
    },
  });

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
  const close = async () => {
    await connection?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
  };
  return runUntilStopped({ name: 'worker', log, stop, close }, async () => {
    log.info({ database: redactUrl(databaseUrl), temporal: temporalAddress, namespace: cfg.namespace, taskQueue: cfg.taskQueue }, 'worker starting');
    await migrateWhenReachable(db, { log, timeoutMs: STARTUP_WAIT_MS, signal: stop.signal });

    connection = await retryWithBackoff('Temporal', () => NativeConnection.connect({ address: temporalAddress }), {
      log,
      timeoutMs: STARTUP_WAIT_MS,
      signal: stop.signal,
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
    const scheduleClient = new Client({
      connection: await Connection.connect({ address: temporalAddress }),
      namespace: cfg.namespace,
      dataConverter: dataConverter(),
    });
    log.info(
      {
        schedule: INSTALMENT_RELEASE_SCHEDULE_ID,
        result: await ensureInstalmentReleaseSchedule(scheduleClient, { taskQueue: cfg.taskQueue, ...releaseDateFromEnv() }),
      },
      'instalment release schedule',
    );
    await scheduleClient.connection.close();
    if (stop.stopping)
      worker.shutdown(); // a signal arrived while the workflow bundle was being built
    else log.info({ namespace: cfg.namespace, taskQueue: cfg.taskQueue }, 'worker polling');
    await running;
    log.info('worker stopped');
    return 0;
  });
}

exitWith('worker', main);
