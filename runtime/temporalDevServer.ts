/**
 * Starts `temporal server start-dev` (the Temporal CLI found by temporalBinaries.ts) with its database
 * file under the data directory, so workflows survive a restart; the Web UI is served on uiPort.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { findTemporalCli } from '../tools/temporalBinaries';
import { freePort } from '../tools/ports';
import { Connection } from '@temporalio/client';
import { stopLeftoverFromPidFile } from './leftoverProcess';

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  cliPath: string;
  stop(): Promise<void>;
}

export function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 250);
      });
    };
    attempt();
  });
}

/**
 * Until the server's frontend answers (an open port is not enough: on a busy machine it says "Frontend is not
 * healthy yet" for a while) and knows the namespace.
 */
export async function waitUntilServing(address: string, namespace: string, timeoutMs = 60_000): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await c.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await c.close();
      }
    } catch (err) {
      if (Date.now() > giveUp)
        throw new Error(`the Temporal server at ${address} did not serve namespace ${namespace} within ${timeoutMs / 1000} s: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** the last lines of a log, for an error message (the log may live in a temporary directory that is removed) */
function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startTemporalDevServer(opts: {
  dataDir: string;
  port: number;
  uiPort: number | null;
  namespace: string;
  log?: (m: string) => void;
  /** keep history in memory only (benchmarks of throughput without the SQLite file's fsync) */
  inMemory?: boolean;
  /** the codec endpoint the Web UI decodes payloads through (platform/codec/routes.ts) */
  uiCodecEndpoint?: string;
}): Promise<RunningTemporal> {
  const cli = await findTemporalCli({ log: opts.log });
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const pidFile = path.join(opts.dataDir, 'temporal.pid');
  // a server left running by a start that was killed outright (SIGKILL) would hold the port
  await stopLeftoverFromPidFile(pidFile, 'start-dev', 'the Temporal server', opts.log);
  if (await portInUse(opts.port)) throw new Error(`port ${opts.port} is in use: stop what holds it, or set TEMPORAL_PORT or TEMPORAL_ADDRESS`);
  const dbFile = path.join(opts.dataDir, 'temporal.db');
  // start-dev also serves an HTTP API and a /metrics endpoint, each on "a random free port" the kernel picks from the
  // ephemeral range, where it can collide with a port another process has chosen but not bound yet; ours are chosen
  // below that range (tools/ports.ts)
  const [httpPort, metricsPort] = [await freePort(), await freePort()];
  const args = [
    'server',
    'start-dev',
    ...(opts.inMemory ? [] : ['--db-filename', dbFile]),
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort), ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : [])] : ['--headless']),
  ];
  const logPath = path.join(opts.dataDir, 'temporal.log');
  const logFile = fs.openSync(logPath, 'a');
  // its own process group: Ctrl-C stops the app first, then the app stops the server
  const child: ChildProcess = spawn(cli.path, args, { stdio: ['ignore', logFile, logFile], detached: true });
  let exited = false;
  fs.writeFileSync(pidFile, String(child.pid));
  child.once('exit', () => {
    exited = true;
    fs.rmSync(pidFile, { force: true });
  });
  try {
    await Promise.race([
      waitForPort(opts.port).then(() => waitUntilServing(`127.0.0.1:${opts.port}`, opts.namespace)),
      new Promise((_, reject) =>
        child.once('exit', (code) => reject(new Error(`temporal server exited with code ${code} at start-up; the end of ${logPath}:\n${tail(logPath)}`))),
      ),
    ]);
  } catch (err) {
    if (!exited) child.kill('SIGTERM');
    throw err;
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : null,
    cliPath: cli.path,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
