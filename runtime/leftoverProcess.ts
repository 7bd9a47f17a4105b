/**
 * Stopping a process a launcher killed outright (SIGKILL) left behind, so its ports are free for the next start:
 * the dev server, the real Temporal server, the cluster's workers, APIs and PostgreSQL.
 */
import fs from 'node:fs';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal`, waits up to 15 s for the process to end, then kills it. */
export async function stopPid(pid: number, signal: NodeJS.Signals): Promise<void> {
  process.kill(pid, signal);
  for (let i = 0; i < 150 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * The process named by a pid file, if it is still the one that wrote it (its command line contains `marker`; a
 * reused pid belongs to something else): stopped, and the pid file removed.
 */
export async function stopLeftoverFromPidFile(pidFile: string, marker: string, what: string, log?: (m: string) => void): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  fs.rmSync(pidFile, { force: true });
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running
  }
  if (!cmdline.includes(marker)) return;
  log?.(`stopping ${what} left running by an earlier start (pid ${pid})`);
  await stopPid(pid, 'SIGTERM');
}
