/**
 * Finds (or provisions) the Chromium that the browser journeys (web/tests) drive with playwright-core, the way
 * tools/temporalBinaries/index.ts finds the Temporal binaries, so `npm test` alone works on a fresh machine:
 *
 *   1. CHROMIUM_PATH (must be an executable file; a wrong value is an error that names it)
 *   2. `chromium`, `chromium-browser`, `google-chrome-stable` or `google-chrome` on PATH
 *   3. running as root with apt-get available: `apt-get update && apt-get install -y chromium fonts-wqy-microhei`
 *      (Debian's Chromium and a Chinese font for the screenshots), once per machine, serialised with a lock file
 *      so parallel Jest workers never run apt twice
 *   4. otherwise an error naming the exact command to run
 *
 * playwright-core never downloads a browser of its own here.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
export const APT_PACKAGES = ['chromium', 'fonts-wqy-microhei'];
export const INSTALL_COMMAND = `sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}`;

export interface ChromiumFinderOptions {
  env?: NodeJS.ProcessEnv;
  /** running as root (apt-get may be used) */
  isRoot?: boolean;
  /** runs a command; resolves with its exit code */
  run?: (cmd: string, args: string[], env: NodeJS.ProcessEnv) => Promise<number>;
  log?: (msg: string) => void;
  /** where the install lock lives */
  lockDir?: string;
}

const isExecutable = (p: string): boolean => {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** the first of `names` found as an executable in the PATH of `env` */
export function onPath(names: string[], env: NodeJS.ProcessEnv): string | null {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) for (const dir of dirs) if (isExecutable(path.join(dir, name))) return path.join(dir, name);
  return null;
}

const defaultRun = (cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve) => {
    const child = execFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0));
    child.stdin?.end();
  });

/** waits for (and takes) a lock file; returns its release */
async function lock(file: string, timeoutMs = 15 * 60_000): Promise<() => void> {
  const t0 = Date.now();
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch {
      // a lock left by a process that is gone is taken over
      try {
        const pid = Number(fs.readFileSync(file, 'utf8'));
        if (pid && pid !== process.pid) process.kill(pid, 0);
      } catch {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`waited ${timeoutMs / 1000} s for another Chromium install (${file})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

let cached: string | undefined;

export async function findChromium(opts: ChromiumFinderOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const useCache = !opts.env;
  if (useCache && cached) return cached;

  const fromEnv = env.CHROMIUM_PATH?.trim();
  if (fromEnv) {
    if (!isExecutable(fromEnv))
      throw new Error(
        `CHROMIUM_PATH=${fromEnv} is not an executable file: point it at Chromium, or unset it (then ${CHROMIUM_NAMES.join(', ')} on PATH are used)`,
      );
    log(`Chromium: CHROMIUM_PATH=${fromEnv}`);
    if (useCache) cached = fromEnv;
    return fromEnv;
  }
  const found = onPath(CHROMIUM_NAMES, env);
  if (found) {
    log(`Chromium: found on PATH: ${found}`);
    if (useCache) cached = found;
    return found;
  }

  const isRoot = opts.isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const apt = onPath(['apt-get'], env);
  if (isRoot && apt) {
    const run = opts.run ?? defaultRun;
    const release = await lock(path.join(opts.lockDir ?? os.tmpdir(), 'zj-chromium-install.lock'));
    try {
      // another worker may have installed it while this one waited
      const now = onPath(CHROMIUM_NAMES, env);
      if (now) return now;
      log(`Chromium: not found; installing with apt-get (${APT_PACKAGES.join(' ')})…`);
      const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
      const updated = await run(apt, ['update'], aptEnv);
      const installed = await run(apt, ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], aptEnv);
      const after = onPath(CHROMIUM_NAMES, env);
      if (after) {
        log(`Chromium: installed: ${after}`);
        if (useCache) cached = after;
        return after;
      }
      throw new Error(
        `Chromium: apt-get update (exit ${updated}) and apt-get install -y ${APT_PACKAGES.join(' ')} (exit ${installed}) did not provide ${CHROMIUM_NAMES.join('/')} on PATH. Install it yourself: ${INSTALL_COMMAND} (or set CHROMIUM_PATH)`,
      );
    } finally {
      release();
    }
  }
  throw new Error(
    `Chromium not found (CHROMIUM_PATH unset; none of ${CHROMIUM_NAMES.join(', ')} on PATH)${isRoot ? ' and apt-get is not available' : ' and not running as root, so it is not installed automatically'}. ` +
      `The browser journeys in web/tests need it: run\n  ${INSTALL_COMMAND}\nor set CHROMIUM_PATH=/path/to/chromium`,
  );
}
