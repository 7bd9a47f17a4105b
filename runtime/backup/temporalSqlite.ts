/**
 * The dev topology's Temporal store (`temporal server start-dev --db-filename .data/temporal.db`): one SQLite file,
 * copied online with SQLite's backup API (the sqlite3 command-line tool's `.backup`), which gives a consistent copy
 * while the server writes. The production topology keeps Temporal's store in PostgreSQL (its databases `temporal`
 * and `temporal_visibility`), backed up with the app's PostgreSQL (postgresBaseBackup.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export function sqliteCli(): string {
  const cli = process.env.SQLITE3_PATH ?? 'sqlite3';
  const r = spawnSync(cli, ['-version'], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`the sqlite3 command-line tool is needed to back up ${'the Temporal dev store'} online (apt-get install sqlite3, or set SQLITE3_PATH)`);
  return cli;
}

export function backupSqlite(dbFile: string, outFile: string): { bytes: number; at: string } {
  if (!fs.existsSync(dbFile)) throw new Error(`no Temporal store at ${dbFile}`);
  const r = spawnSync(sqliteCli(), [dbFile, `.timeout 10000`, `.backup '${outFile.replace(/'/g, "''")}'`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 .backup of ${dbFile} failed: ${r.stderr}`);
  return { bytes: fs.statSync(outFile).size, at: new Date().toISOString() };
}

/** Puts the copy back (the server is stopped; any -wal/-shm files of the lost store are removed). */
export function restoreSqlite(backupFile: string, dbFile: string): void {
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(backupFile, dbFile);
}
