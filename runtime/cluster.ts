/**
 * The production topology on one machine, as `npm run start:cluster` runs it (and test/e2e/cluster.test.ts and
 * `npm run bench -- --engine server` drive it): PostgreSQL (embedded unless a URL is given), the real Temporal
 * server on it (tools/temporalServerProcess.ts), the app's database migrated and seeded as `npm start` does, then N
 * worker processes (runtime/worker.ts) and M API processes (runtime/api.ts), each a process of its own with its log
 * under <dataDir>/logs. stop() stops them in order: APIs, workers, Temporal, PostgreSQL.
 */
import { ballotKeyFilePath, keyFilePath, loadBallotKeyring } from '../platform/crypto/keys';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { ROOT } from './config';
import { tracingSettings, workflowBundleInterceptorModules } from './tracing';
import { prepareDatabase } from './services';
import { createDb } from '../db/connection';
import { startTemporalServer, stopLeftoverTemporalServer, type RunningTemporalServer, type TemporalServerPorts } from '../tools/temporalServerProcess';
import { stopPid } from './leftoverProcess';
import { ensureDatabaseRoles, rolePasswordsFile, type RoleUrls } from '../db/roles';

/** The ballot key file the children use: created now (outside production) so every child reads the same one. */
function ballotKeyFile(): string {
  if (process.env.NODE_ENV !== 'production') loadBallotKeyring();
  return ballotKeyFilePath();
}

export interface ClusterOptions {
  dataDir: string;
  /** an external PostgreSQL for the app (its server also gets Temporal's databases); else embedded on pgPort */
  databaseUrl?: string;
  pgPort: number;
  /**
   * Temporal's own PostgreSQL server (a superuser URL), when its store lives apart from the app's — as production
   * usually keeps it, and as the restore drill does to bring the two stores back at different moments. Default: the
   * app's server.
   */
  temporalPostgresUrl?: string;
  temporalPorts: TemporalServerPorts;
  temporalDatabases?: { main: string; visibility: string };
  historyShards: number;
  /** the Temporal server release (default the pinned one; the upgrade drill starts on the oldest of the walk) */
  temporalVersion?: string;
  namespace: string;
  retentionDays: number;
  taskQueue: string;
  workers: number;
  apiPorts: number[];
  /** metrics port of each worker's SDK exporter ('off' to disable) */
  workerMetricsPorts?: (number | 'off')[];
  devMode: boolean;
  jwtSecret: string;
  /** a prebuilt workflow bundle; otherwise one is built into dataDir once per start */
  workflowBundlePath?: string;
  /** extra environment of the worker and API processes */
  env?: NodeJS.ProcessEnv;
  log: (m: string) => void;
}

export interface ClusterProcess {
  name: string;
  proc: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL after graceMs */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export interface RunningCluster {
  databaseUrl: string;
  embeddedPostgres: boolean;
  temporal: RunningTemporalServer;
  workers: ClusterProcess[];
  apis: ClusterProcess[];
  apiUrls: string[];
  logsDir: string;
  /** starts one more worker process (e.g. after one was killed) */
  addWorker(): Promise<ClusterProcess>;
  stop(): Promise<void>;
}

/**
 * Spawns a process and resolves once `ready(pid)` says so (asked every 500 ms; readiness is observed from outside,
 * so it does not depend on the process's LOG_LEVEL).
 */
function spawnProcess(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  ready: (pid: number) => Promise<boolean>,
  timeoutMs: number,
): Promise<ClusterProcess> {
  const out = fs.createWriteStream(logFile, { flags: 'a' });
  // its own process group: Ctrl-C in the terminal reaches the launcher only, which stops everything in order
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name}: not ready after ${timeoutMs / 1000} s; see ${logFile}`)), timeoutMs);
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    const onData = (d: Buffer) => {
      out.write(d);
      if (!settled) seen = (seen + d.toString()).slice(-20_000);
    };
    const poll = async () => {
      if (settled) return;
      const ok = await ready(proc.pid!).catch(() => false);
      if (settled) return;
      if (!ok) return void setTimeout(() => void poll(), 500);
      settled = true;
      clearTimeout(timer);
      seen = '';
      resolve(handle);
    };
    void poll();
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then((code) => {
      out.end();
      fail(new Error(`${name} exited (${code}) at start-up; the end of its output:\n${seen.slice(-3000)}`));
    });
    const handle: ClusterProcess = {
      name,
      proc,
      logFile,
      exited,
      async stop(graceMs = 30_000) {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        proc.kill('SIGTERM');
        await exited;
        clearTimeout(t);
      },
    };
  });
}

const pidsFile = (dataDir: string) => path.join(dataDir, 'cluster.pids');

/**
 * Worker and API processes, the Temporal server and the embedded PostgreSQL, left running by a launcher that was killed outright
 * (SIGKILL: it could not stop them): stopped before a new start, so their ports are free again. A pid counts only if
 * it is still ours: a worker/API with this DATA_DIR in its environment, a postgres serving this data directory.
 */
export async function stopLeftoverClusterProcesses(dataDir: string, log: (m: string) => void): Promise<void> {
  const root = path.resolve(dataDir);
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  for (const pid of read(pidsFile(root))
    .split('\n')
    .map(Number)
    .filter((n) => n > 0)) {
    if (!read(`/proc/${pid}/environ`).split('\0').includes(`DATA_DIR=${root}`)) continue;
    log(`stopping a worker/API process left running by an earlier start (pid ${pid})`);
    await stopPid(pid, 'SIGTERM');
  }
  fs.rmSync(pidsFile(root), { force: true });
  await stopLeftoverTemporalServer(path.join(root, 'temporal'), log);
  const pgPid = Number(read(path.join(root, 'pg', 'postmaster.pid')).split('\n')[0]);
  if (pgPid > 0 && read(`/proc/${pgPid}/cmdline`).includes(path.join(root, 'pg'))) {
    log(`stopping the embedded PostgreSQL left running by an earlier start (pid ${pgPid})`);
    await stopPid(pgPid, 'SIGINT'); // PostgreSQL's fast shutdown
  }
}

export async function startCluster(o: ClusterOptions): Promise<RunningCluster> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  const logsDir = path.join(o.dataDir, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  try {
    let databaseUrl = o.databaseUrl;
    let superuserUrl = o.databaseUrl;
    let roles: RoleUrls | undefined;
    if (!databaseUrl) {
      o.log(`starting embedded PostgreSQL on port ${o.pgPort} (data in ${path.join(o.dataDir, 'pg')})…`);
      // imported only when needed (it installs process-wide exit hooks; see runtime/services.ts)
      const { startEmbeddedPostgres } = await import('./embeddedPostgres');
      const pg = await startEmbeddedPostgres({ dataDir: path.join(o.dataDir, 'pg'), port: o.pgPort });
      stops.push(pg.stop);
      superuserUrl = pg.url;
      // the app's processes connect as a role with DML only; the migrations run as the owner (db/roles.ts)
      roles = await ensureDatabaseRoles(pg.url, rolePasswordsFile(o.dataDir));
      databaseUrl = roles.appUrl;
    }
    // the workflow bundle builds while Temporal's schema is set up and the server starts
    const bundlePath = o.workflowBundlePath ?? path.join(o.dataDir, 'workflow-bundle.js');
    const bundled = o.workflowBundlePath
      ? Promise.resolve()
      : bundleWorkflowCode({
          workflowsPath: require.resolve('../workflows'),
          // the workers trace (runtime/tracing.ts) with the same environment: their workflows' spans need these
          ...(tracingSettings() ? { workflowInterceptorModules: workflowBundleInterceptorModules() } : {}),
          logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never,
        }).then(({ code }) => fs.writeFileSync(bundlePath, code));
    bundled.catch(() => undefined);
    o.log(`starting the Temporal server (PostgreSQL persistence and visibility, ${o.historyShards} history shards)…`);
    const temporal = await startTemporalServer({
      dataDir: path.join(o.dataDir, 'temporal'),
      postgresUrl: o.temporalPostgresUrl ?? superuserUrl!,
      databases: o.temporalDatabases,
      ports: o.temporalPorts,
      historyShards: o.historyShards,
      namespace: o.namespace,
      retentionDays: o.retentionDays,
      version: o.temporalVersion,
      log: (m) => o.log(`  ${m}`),
    });
    stops.push(temporal.stop);

    const db = createDb(databaseUrl);
    try {
      await prepareDatabase(db, o.devMode, o.log, roles?.ownerUrl);
    } finally {
      await db.destroy();
    }
    await bundled;

    const common: NodeJS.ProcessEnv = {
      ...o.env,
      NODE_ENV: o.devMode ? 'development' : 'production',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: o.namespace,
      TASK_QUEUE: o.taskQueue,
      JWT_SECRET: o.jwtSecret,
      DATA_DIR: path.resolve(o.dataDir),
      // the data-protection keys this launcher seeded the database with (else each child would look under its DATA_DIR)
      ...(o.env?.PII_KEYS || process.env.PII_KEYS ? {} : { KEYS_FILE: o.env?.KEYS_FILE ?? keyFilePath() }),
      // the ballot key set (its own file, made here in development if missing; BALLOT_KEYS passes through o.env)
      ...(o.env?.BALLOT_KEYS || process.env.BALLOT_KEYS ? {} : { BALLOT_KEYS_FILE: o.env?.BALLOT_KEYS_FILE ?? ballotKeyFile() }),
    };
    // a worker is ready once the server sees it poll the task queue (its identity is pid@host)
    const probe = await Connection.connect({ address: temporal.address });
    stops.push(() => probe.close());
    const polling = async (pid: number) => {
      const r = await probe.workflowService.describeTaskQueue({
        namespace: o.namespace,
        taskQueue: { name: o.taskQueue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (r.pollers ?? []).some((p) => p.identity === `${pid}@${os.hostname()}`);
    };
    const answering = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) })).status > 0;
    const workers: ClusterProcess[] = [];
    const apis: ClusterProcess[] = [];
    const recordPids = () => fs.writeFileSync(pidsFile(path.resolve(o.dataDir)), [...workers, ...apis].map((p) => p.proc.pid).join('\n'));
    let workerSeq = 0;
    const addWorker = async () => {
      const i = workerSeq++;
      const metrics = o.workerMetricsPorts?.[i] ?? 'off';
      const w = await spawnProcess(
        `worker ${i + 1}`,
        'runtime/worker.ts',
        { ...common, WORKFLOW_BUNDLE_PATH: bundlePath, TEMPORAL_METRICS_PORT: String(metrics) },
        path.join(logsDir, `worker-${i + 1}.log`),
        polling,
        180_000,
      );
      workers.push(w);
      recordPids();
      return w;
    };
    o.log(`starting ${o.workers} worker processes…`);
    stops.push(async () => {
      await Promise.all(workers.map((w) => w.stop(30_000)));
      fs.rmSync(pidsFile(path.resolve(o.dataDir)), { force: true });
    });
    for (let i = 0; i < o.workers; i++) await addWorker();
    o.log(`starting ${o.apiPorts.length} API processes…`);
    stops.push(async () => {
      await Promise.all(apis.map((a) => a.stop(15_000)));
    });
    for (const [i, port] of o.apiPorts.entries()) {
      apis.push(
        await spawnProcess(
          `api ${i + 1}`,
          'runtime/api.ts',
          { ...common, PORT: String(port) },
          path.join(logsDir, `api-${i + 1}.log`),
          answering(port),
          120_000,
        ),
      );
      recordPids();
    }
    return {
      databaseUrl,
      embeddedPostgres: !o.databaseUrl,
      temporal,
      workers,
      apis,
      apiUrls: o.apiPorts.map((p) => `http://127.0.0.1:${p}`),
      logsDir,
      addWorker,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
