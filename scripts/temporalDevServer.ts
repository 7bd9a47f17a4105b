/**
 * Starts `temporal server start-dev` (the Temporal CLI found by temporalBinaries.ts) with its database
 * file under the data directory, so workflows survive a restart; the Web UI is served on uiPort.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { findTemporalCli } from './temporalBinaries';

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

/** A server left running by a start that was killed outright (SIGKILL) would hold the port: stop it. */
async function stopLeftover(pidFile: string, log?: (m: string) => void): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  fs.rmSync(pidFile, { force: true });
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running
  }
  if (!cmdline.includes('start-dev')) return;
  log?.(`stopping the Temporal server left running by an earlier start (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

export async function startTemporalDevServer(opts: {
  dataDir: string;
  port: number;
  uiPort: number | null;
  namespace: string;
  log?: (m: string) => void;
  /** keep history in memory only (benchmarks of throughput without the SQLite file's fsync) */
  inMemory?: boolean;
}): Promise<RunningTemporal> {
  const cli = await findTemporalCli({ log: opts.log });
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const pidFile = path.join(opts.dataDir, 'temporal.pid');
  await stopLeftover(pidFile, opts.log);
  if (await portInUse(opts.port)) throw new Error(`port ${opts.port} is in use: stop what holds it, or set TEMPORAL_PORT or TEMPORAL_ADDRESS`);
  const dbFile = path.join(opts.dataDir, 'temporal.db');
  const args = [
    'server',
    'start-dev',
    ...(opts.inMemory ? [] : ['--db-filename', dbFile]),
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
  ];
  const logFile = fs.openSync(path.join(opts.dataDir, 'temporal.log'), 'a');
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
      waitForPort(opts.port),
      new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`temporal server exited with code ${code}; see ${path.join(opts.dataDir, 'temporal.log')}`)))),
    ]);
  } catch (err) {
    if (!exited) child.kill('SIGTERM');
    throw err;
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : null,
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
