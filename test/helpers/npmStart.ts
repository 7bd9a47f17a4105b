/**
 * `npm start` exactly as a person runs it (embedded Postgres, Temporal dev server, worker, API and console), on free
 * ports with its own DATA_DIR, for the browser journeys (web/tests/system.ts) and the README walk-through
 * (test/e2e/readmeWalkthrough.test.ts). Same pattern as test/e2e/npmStart.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../tools/ports';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export interface RunningSystem {
  base: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startSystem(): Promise<RunningSystem> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-web-'));
  fs.chmodSync(dataDir, 0o755);
  const [api, pg, temporal, ui] = [await freePort(), await freePort(), await freePort(), await freePort()];
  let output = '';
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(api),
      PG_PORT: String(pg),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${api}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const t0 = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`npm start exited with ${child.exitCode}; output:\n${output}`);
    }
    if (Date.now() - t0 > 240_000) {
      await stop();
      throw new Error(`not healthy after 240 s; output:\n${output}`);
    }
    await new Promise((res) => setTimeout(res, 500));
  }
  return { base, output: () => output, stop };
}
