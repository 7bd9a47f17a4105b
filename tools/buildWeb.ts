/**
 * Builds the web console (web/ → web/dist) when it is missing or older than its sources, so `npm start` from a
 * fresh clone serves it. The build goes to a temporary folder that is then renamed into place, so two starts at
 * once (parallel tests) never serve a half-written folder.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../runtime/config';

const WEB = path.join(ROOT, 'web');
const DIST = path.join(WEB, 'dist');

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newestMtime(path.join(p, e)));
  return m;
}

/** true when web/dist is missing or any console source (web/src, index.html, config, domain rules it imports) is newer */
export function consoleIsStale(): boolean {
  const index = path.join(DIST, 'index.html');
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  const sources = [path.join(WEB, 'src'), path.join(WEB, 'index.html'), path.join(WEB, 'vite.config.ts'), path.join(WEB, 'public')];
  return sources.some((s) => newestMtime(s) > built);
}

export async function buildConsole(say: (m: string) => void = () => undefined): Promise<void> {
  const tmp = path.join(WEB, `dist.tmp-${process.pid}-${Date.now()}`);
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const started = Date.now();
  let out = '';
  const code = await new Promise<number | null>((resolve) => {
    const c = spawn(process.execPath, [vite, 'build', '--config', path.join(WEB, 'vite.config.ts'), '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('exit', resolve);
    c.on('error', () => resolve(-1));
  });
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`building the web console failed (exit ${code}):\n${out}`);
  }
  // swap in: the old folder moves aside first, so index.html and its assets always come from one build
  const old = `${DIST}.old-${process.pid}-${Date.now()}`;
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
  try {
    fs.renameSync(tmp, DIST);
  } catch {
    // another start put its build in place at the same moment: keep that one
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
  say(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Builds the console if needed; a failed build is reported but does not stop the API from starting. */
export async function ensureConsoleBuilt(say: (m: string) => void): Promise<void> {
  if (process.env.SKIP_WEB_BUILD === '1' || !consoleIsStale()) return;
  say('building the web console (web/ → web/dist)…');
  try {
    await buildConsole(say);
  } catch (err) {
    say(`warning: ${err instanceof Error ? err.message : String(err)}`);
  }
}

if (require.main === module) {
  buildConsole((m) => console.log(`[build:web] ${m}`)).catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
