/**
 * `npm start` exactly as a person runs it (embedded Postgres, Temporal dev server, worker, API and console), on free
 * ports with its own DATA_DIR: started, waited for and stopped with Ctrl-C here, for the browser journeys
 * (web/tests/system.ts), the README walk-through (test/e2e/readmeWalkthrough.test.ts) and the restart test
 * (test/e2e/npmStart.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../tools/ports';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export interface StartPorts {
  api: number;
  pg: number;
  temporal: number;
  ui: number;
}

export async function freeStartPorts(): Promise<StartPorts> {
  return { api: await freePort(), pg: await freePort(), temporal: await freePort(), ui: await freePort() };
}

/** A fresh data folder the unprivileged postgres user can reach. */
export function newDataDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export interface NpmStart {
  child: ChildProcess;
  /** everything it printed so far */
  output: () => string;
}

/** One `npm start` on these ports and this data folder, in its own process group (as a terminal's foreground job). */
export function spawnNpmStart(dataDir: string, ports: StartPorts): NpmStart {
  let output = '';
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      PG_PORT: String(ports.pg),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

/** Ctrl-C to the whole process group, SIGKILL after 30 s; resolves with the exit code. */
export async function stopNpmStart(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    process.kill(-child.pid!, 'SIGINT');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 30_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** Polls `/healthz` until it answers 200; returns how long that took. Throws with the output when it exits or times out. */
export async function waitHealthy(base: string, started: NpmStart, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) return Date.now() - t0;
    } catch {
      /* not up yet */
    }
    if (started.child.exitCode !== null) throw new Error(`npm start exited with ${started.child.exitCode}; output:\n${started.output()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`not healthy after ${timeoutMs / 1000} s; output:\n${started.output()}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

export interface RunningSystem {
  base: string;
  /** the ports it runs on (the Temporal Web UI: `http://localhost:${ports.ui}`) */
  ports: StartPorts;
  output: () => string;
  stop: () => Promise<void>;
}

/** `npm start` on free ports and a new data folder, healthy; stop() ends it and removes the folder. */
export async function startSystem(): Promise<RunningSystem> {
  const dataDir = newDataDir('zj-web-');
  const ports = await freeStartPorts();
  const started = spawnNpmStart(dataDir, ports);
  const base = `http://127.0.0.1:${ports.api}`;
  const stop = async () => {
    await stopNpmStart(started.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(base, started, 240_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, ports, output: started.output, stop };
}
