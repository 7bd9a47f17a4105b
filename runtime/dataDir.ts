/**
 * Everything the deployment writes under its data folder (`.data/` or DATA_DIR: the Temporal dev server's SQLite
 * file and log, the app's logs, the key file, the JWT secret, PostgreSQL's data) is readable by its owner only
 * (docs/security.md, "Files on disk"): the process's umask becomes 077 before anything is written, so files are
 * created 0600 and folders 0700, and the children it starts (PostgreSQL, the Temporal server, workers, APIs)
 * inherit it; what an earlier run left more open is tightened at start.
 *
 * One exception: run as root, the embedded PostgreSQL runs as the `postgres` system user, which must pass through
 * the data folder to reach `pg/` (its own 0700 folder): the data folder itself is then 0711 — others may pass
 * through, never list or read it; every file in it is still 0600.
 */
import fs from 'node:fs';
import path from 'node:path';

export const OWNER_ONLY_UMASK = 0o077;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The mode the data folder itself gets. */
export const dataDirMode = (): number => (isRoot() ? 0o711 : 0o700);

function tighten(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return; // removed meanwhile
  }
  if (st.isSymbolicLink()) return;
  const mode = st.mode & 0o7777;
  if (st.isDirectory()) {
    if (mode & 0o077) fs.chmodSync(p, mode & 0o7700);
    for (const e of fs.readdirSync(p)) tighten(path.join(p, e));
  } else if (mode & 0o077) {
    fs.chmodSync(p, mode & 0o7700);
  }
}

/** Sets the owner-only umask, creates the data folder and tightens what is in it. Call before writing anything. */
export function protectDataDir(dir: string): void {
  process.umask(OWNER_ONLY_UMASK);
  fs.mkdirSync(dir, { recursive: true, mode: dataDirMode() });
  for (const e of fs.readdirSync(dir)) tighten(path.join(dir, e));
  fs.chmodSync(dir, dataDirMode());
}

/** Files and folders under `dir` that someone other than the owner could read (for the tests and a check). */
export function filesReadableByOthers(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o044) out.push(`${path.relative(dir, p) || '.'} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
  return out;
}
