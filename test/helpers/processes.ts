/** Child processes for the reliability tests (a database that can be stopped, a worker that can be killed). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** resolves with the first stdout line matching `re` */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.resolve(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  proc.stdout!.on('data', (d) => {
    out += d;
    check();
  });
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no ${re} after ${timeoutMs} ms; output:\n${out.slice(-3000)}`)), timeoutMs);
        const done = (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.push({ re, resolve: done });
        check();
        void exited.then((code) => {
          if (waiters.some((w) => w.resolve === done)) {
            clearTimeout(timer);
            reject(new Error(`${script} exited (${code}) before ${re}; output:\n${out.slice(-3000)}`));
          }
        });
      });
    },
  };
}

/** An embedded PostgreSQL in its own process: start, stop (and start again on the same data directory). */
export async function startPgProcess(dataDir: string, port: number, opts: { walArchiveDir?: string } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawnTs('test/reliability/pgProcess.ts', [dataDir, String(port), ...(opts.walArchiveDir ? [opts.walArchiveDir] : [])]);
  const m = await child.waitFor(/READY (\S+)/, 120_000);
  return {
    url: m[1]!,
    async stop() {
      if (child.proc.exitCode !== null) return;
      child.proc.stdin!.write('stop\n');
      await Promise.race([child.exited, new Promise((r) => setTimeout(r, 30_000).unref())]);
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    },
  };
}
