/**
 * Runs the real Temporal server (tools/temporalServer.ts provisions it) on PostgreSQL: persistence and visibility
 * in databases of their own, the schema created or upgraded idempotently with temporal-sql-tool, a config file
 * written under the data directory with every port chosen by the caller (so it runs beside `npm start`'s dev
 * server), and the namespace registered with its retention. stop() and start() can be called again (tests stop the
 * server mid-path and start it on the same databases).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client as PgClient } from 'pg';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { findTemporalServer, TEMPORAL_SERVER_VERSION, TEMPORAL_UPGRADE_PATH, type TemporalServerBinaries } from './temporalServer';
import { freePort } from './ports';
import { stopLeftoverFromPidFile } from '../runtime/leftoverProcess';
import { ROOT } from '../runtime/config';

const run = promisify(execFile);

export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** membership (ringpop) ports of frontend, history, matching, worker */
  membership: [number, number, number, number];
  metrics: number;
}

export interface TemporalServerOptions {
  /** where the config and the log go */
  dataDir: string;
  /** a PostgreSQL URL whose user may create databases (the database part is ignored) */
  postgresUrl: string;
  databases?: { main: string; visibility: string };
  ports: TemporalServerPorts;
  historyShards: number;
  namespace: string;
  retentionDays: number;
  /** the server release to run (default the pinned TEMPORAL_SERVER_VERSION; the upgrade walk starts older) */
  version?: string;
  log?: (m: string) => void;
}

export interface RunningTemporalServer {
  address: string;
  /** the binaries now running (they change with upgradeTo) */
  readonly binaries: TemporalServerBinaries;
  pid(): number | undefined;
  logFile: string;
  /** SIGTERM (SIGKILL after 15 s); resolves once the process is gone */
  stop(): Promise<void>;
  /** starts it again on the same config and databases; resolves once the frontend answers */
  start(): Promise<void>;
  /**
   * One step of an upgrade, the supported way: the next minor release (or a patch of this one) is provisioned, the
   * server is stopped, `temporal-sql-tool update-schema` applies the new release's schema versions to both
   * databases, and the new binary starts on the same config and databases. Resolves once it serves the namespace.
   */
  upgradeTo(version: string): Promise<void>;
}

/** 1.31.2 → 1031: releases compare by major and minor (a patch needs no schema step of its own). */
export const minorOf = (version: string): number => {
  const [major, minor] = version.split('.').map(Number);
  return major! * 1000 + minor!;
};

/** The release that last served a cluster's databases, recorded in its data directory by every start. */
export const VERSION_FILE = 'temporal-server.version';
/** Databases that exist without a recorded version were set up before versions were recorded: on 1.29.1. */
const UNRECORDED_VERSION = TEMPORAL_UPGRADE_PATH[0];

export function recordedServerVersion(dataDir: string): string | null {
  try {
    return fs.readFileSync(path.join(path.resolve(dataDir), VERSION_FILE), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Refuses a start that would skip minor releases or go back one (the upgrade walk is `npm run upgrade:cluster`). */
export function checkServerStep(from: string | null, to: string): void {
  if (!from) return;
  if (minorOf(to) < minorOf(from))
    throw new Error(`the Temporal databases were last served by v${from}: v${to} would be a downgrade, which Temporal does not support`);
  if (minorOf(to) > minorOf(from) + 1 || (minorOf(to) === minorOf(from) + 1 && !(TEMPORAL_UPGRADE_PATH as readonly string[]).includes(to)))
    throw new Error(
      `the Temporal databases were last served by v${from}: upgrade one minor release at a time first (npm run upgrade:cluster walks ${TEMPORAL_UPGRADE_PATH.join(' → ')})`,
    );
}

/** Consecutive ports from `base` (the defaults of `npm run start:cluster`: 7333–7342). */
export function portsFrom(base: number): TemporalServerPorts {
  return {
    frontend: base,
    history: base + 1,
    matching: base + 2,
    worker: base + 3,
    membership: [base + 4, base + 5, base + 6, base + 7],
    frontendHttp: base + 8,
    metrics: base + 9,
  };
}

/** Every port drawn free (tools/ports.ts), for tests and the benchmark. */
export async function freeTemporalPorts(): Promise<TemporalServerPorts> {
  const p = await Promise.all(Array.from({ length: 10 }, () => freePort()));
  return { frontend: p[0]!, history: p[1]!, matching: p[2]!, worker: p[3]!, membership: [p[4]!, p[5]!, p[6]!, p[7]!], frontendHttp: p[8]!, metrics: p[9]! };
}

function configYaml(o: TemporalServerOptions, pg: URL, dbs: { main: string; visibility: string }, dynamicConfigFile: string): string {
  const store = (db: string, conns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: ${JSON.stringify(db)}
        connectAddr: ${JSON.stringify(`${pg.hostname}:${pg.port || 5432}`)}
        connectProtocol: "tcp"
        user: ${JSON.stringify(decodeURIComponent(pg.username))}
        password: ${JSON.stringify(decodeURIComponent(pg.password))}
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
  const svc = (name: string, grpc: number, membership: number, extra = '') => `  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  const p = o.ports;
  // based on the module's config/development-postgres12.yaml, with our ports, databases and shard count
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${o.historyShards}
  datastores:
    postgres-default:
${store(dbs.main, 20)}
    postgres-visibility:
${store(dbs.visibility, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: "127.0.0.1:${p.metrics}"
services:
${svc('frontend', p.frontend, p.membership[0], `\n      httpPort: ${p.frontendHttp}`)}
${svc('history', p.history, p.membership[1])}
${svc('matching', p.matching, p.membership[2])}
${svc('worker', p.worker, p.membership[3])}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${p.frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: ${JSON.stringify(dynamicConfigFile)}
  pollInterval: "10s"
`;
}

/** this deployment's dynamic configuration (deploy/temporal/dynamicconfig.yaml), as docker-compose.yml mounts it */
export const DEPLOYMENT_DYNAMIC_CONFIG = path.join(ROOT, 'deploy', 'temporal', 'dynamicconfig.yaml');

const topLevelKeys = (yaml: string) => new Set([...yaml.matchAll(/^([A-Za-z][\w.]*):/gm)].map((m) => m[1]!));

/** the release's development-sql.yaml followed by the deployment's own keys (a key in both would be ambiguous) */
export function dynamicConfig(template: string, ours = fs.readFileSync(DEPLOYMENT_DYNAMIC_CONFIG, 'utf8')): string {
  const both = [...topLevelKeys(ours)].filter((k) => topLevelKeys(template).has(k));
  if (both.length) throw new Error(`${DEPLOYMENT_DYNAMIC_CONFIG} sets ${both.join(', ')}, which the release's dynamic config sets too`);
  return `${template.trimEnd()}\n\n${ours}`;
}

async function existingDatabases(pg: URL): Promise<Set<string>> {
  const admin = new PgClient({ connectionString: `${pg.protocol}//${pg.username}:${pg.password}@${pg.hostname}:${pg.port || 5432}/postgres` });
  await admin.connect();
  try {
    return new Set((await admin.query('select datname from pg_database')).rows.map((r: { datname: string }) => r.datname));
  } finally {
    await admin.end();
  }
}

/**
 * Creates the databases if missing and applies the release's schema versions: `setup-schema -v 0.0` creates only
 * the version table (idempotent), `update-schema` applies every version of the release's versioned directory that
 * the database lacks — at an upgrade step, exactly the new release's schema changes.
 */
async function ensureSchema(
  bins: TemporalServerBinaries,
  pg: URL,
  dbs: { main: string; visibility: string },
  existing: Set<string>,
  log: (m: string) => void,
): Promise<void> {
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: pg.hostname,
    SQL_PORT: pg.port || '5432',
    SQL_USER: decodeURIComponent(pg.username),
    SQL_PASSWORD: decodeURIComponent(pg.password),
  };
  const tool = (args: string[]) => run(bins.sqlTool, args, { env, timeout: 120_000 });
  for (const [db, dir] of [
    [dbs.main, 'temporal'],
    [dbs.visibility, 'visibility'],
  ] as const) {
    if (!existing.has(db)) {
      log(`creating the Temporal database ${db}`);
      await tool(['--db', db, 'create-database']);
    }
    // both are idempotent: setup-schema creates only the version table, update-schema applies what is missing
    await tool(['--db', db, 'setup-schema', '-v', '0.0']);
    await tool(['--db', db, 'update-schema', '-d', path.join(bins.schemaDir, dir, 'versioned')]);
  }
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Registers the namespace if missing, then waits until the frontend serves it (its namespace cache refreshes). */
async function ensureNamespace(address: string, namespace: string, retentionDays: number, log: (m: string) => void): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const svc = connection.workflowService;
    try {
      await svc.describeNamespace({ namespace });
    } catch {
      log(`registering namespace ${namespace} (retention ${retentionDays} days)`);
      await svc.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays * 24}h`) }).catch((err: { code?: number }) => {
        if (err.code !== 6 /* ALREADY_EXISTS */) throw err;
      });
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await svc.listWorkflowExecutions({ namespace, pageSize: 1 });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace ${namespace} not served after 60 s: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await connection.close();
  }
}

async function waitFrontend(address: string, child: ChildProcess, logFile: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Temporal server exited (${child.exitCode ?? child.signalCode}) at start-up; the end of ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const c = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await c.withDeadline(Date.now() + 3000, () => c.workflowService.getSystemInfo({}));
        return;
      } finally {
        await c.close();
      }
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(
          `the Temporal server does not answer on ${address} after ${timeoutMs / 1000} s (${String(err)}); the end of ${logFile}:\n${tail(logFile)}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * A server left running by a launcher that was killed outright (SIGKILL) holds the ports: stop it first (the
 * launcher calls this before it checks its ports; startTemporalServer calls it too).
 */
export async function stopLeftoverTemporalServer(dataDir: string, log: (m: string) => void = () => undefined): Promise<void> {
  const root = path.resolve(dataDir);
  await stopLeftoverFromPidFile(path.join(root, 'temporal-server.pid'), root, 'the Temporal server', log);
}

export async function startTemporalServer(o: TemporalServerOptions): Promise<RunningTemporalServer> {
  const log = o.log ?? (() => undefined);
  const version = o.version ?? TEMPORAL_SERVER_VERSION;
  let bins = await findTemporalServer({ log, version });
  const pg = new URL(o.postgresUrl);
  const dbs = o.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  const root = path.resolve(o.dataDir);
  const configDir = path.join(root, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  // a start may move to a patch of the release that last served these databases, never across a minor release
  const existing = await existingDatabases(pg);
  const recorded = recordedServerVersion(root) ?? (existing.has(dbs.main) ? UNRECORDED_VERSION : null);
  if (recorded && minorOf(version) !== minorOf(recorded)) {
    checkServerStep(recorded, version);
    throw new Error(
      `the Temporal databases were last served by v${recorded}, this start would run v${version}: upgrade first with npm run upgrade:cluster (it walks ${TEMPORAL_UPGRADE_PATH.join(' → ')}, update-schema at each step)`,
    );
  }
  const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, dynamicConfig(fs.readFileSync(bins.dynamicConfig, 'utf8')));
  fs.writeFileSync(path.join(configDir, 'cluster.yaml'), configYaml(o, pg, dbs, dynamicConfigFile), { mode: 0o600 });
  await ensureSchema(bins, pg, dbs, existing, log);

  const pidFile = path.join(root, 'temporal-server.pid');
  await stopLeftoverTemporalServer(root, log);
  const logFile = path.join(root, 'temporal-server.log');
  const address = `127.0.0.1:${o.ports.frontend}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    const out = fs.openSync(logFile, 'a');
    // its own process group: Ctrl-C reaches the launcher, which stops the server last but one
    const c = spawn(bins.server, ['--root', root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    child = c;
    fs.writeFileSync(pidFile, String(c.pid));
    c.once('exit', () => fs.rmSync(pidFile, { force: true }));
    try {
      await waitFrontend(address, c, logFile);
    } catch (err) {
      if (c.exitCode === null) c.kill('SIGKILL');
      throw err;
    }
    fs.writeFileSync(path.join(root, VERSION_FILE), `${bins.version}\n`);
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
  const upgradeTo = async (next: string) => {
    checkServerStep(bins.version, next);
    const nextBins = await findTemporalServer({ log, version: next });
    log(`upgrading the Temporal server v${bins.version} → v${next}: stop, update-schema, start the new binary`);
    await stop();
    await ensureSchema(nextBins, pg, dbs, await existingDatabases(pg), log);
    bins = nextBins;
    fs.copyFileSync(bins.dynamicConfig, dynamicConfigFile);
    await start();
    await ensureNamespace(address, o.namespace, o.retentionDays, log);
  };
  await start();
  try {
    await ensureNamespace(address, o.namespace, o.retentionDays, log);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    get binaries() {
      return bins;
    },
    logFile,
    pid: () => child?.pid,
    stop,
    start,
    upgradeTo,
  };
}
