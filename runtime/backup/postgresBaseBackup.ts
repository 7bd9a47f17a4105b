/**
 * A physical base backup of a PostgreSQL cluster whose data directory is on this machine (the embedded one, or a
 * server of your own on the same host), taken online with PostgreSQL's low-level API (pg_backup_start /
 * pg_backup_stop): the files are copied while the server runs, then the WAL written meanwhile, so the copy is
 * consistent when started (exactly what pg_basebackup -X fetch makes; no client binaries are needed, which the
 * embedded server does not ship). Restored with WAL archiving, it goes to any point in time after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/** Files a base backup leaves out (PostgreSQL's documentation, "Making a Base Backup Using the Low Level API"). */
const SKIP = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'pg_wal',
  'pg_replslot',
  'pg_stat_tmp',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
]);

/** Copies a tree whose files may change or vanish while it is read (a running server's). */
function copyLive(from: string, to: string, skipTop: Set<string> | null): number {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  let bytes = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(from, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  for (const e of entries) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (skipTop?.has(e.name)) {
      // the directory itself must exist in the copy, empty
      if (e.isDirectory()) fs.mkdirSync(dst, { recursive: true, mode: 0o700 });
      continue;
    }
    if (e.name.startsWith('pgsql_tmp')) continue;
    if (e.isDirectory()) bytes += copyLive(src, dst, null);
    else if (e.isFile()) {
      try {
        fs.copyFileSync(src, dst);
        bytes += fs.statSync(dst).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // dropped while copied: WAL replay knows
      }
    } else if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
  }
  return bytes;
}

export interface BaseBackupResult {
  dir: string;
  startLsn: string;
  stopLsn: string;
  /** when pg_backup_stop returned: a restore without WAL archive comes back to this moment */
  consistentAt: string;
  bytes: number;
  owner: { uid: number; gid: number };
}

/** Takes a base backup of the cluster at `dataDir` (reached through `url`, a superuser) into `outDir`. */
export async function takeBaseBackup(opts: { url: string; dataDir: string; outDir: string; label?: string }): Promise<BaseBackupResult> {
  const dataDir = path.resolve(opts.dataDir);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) throw new Error(`${dataDir} is not a PostgreSQL data directory`);
  if (fs.existsSync(opts.outDir) && fs.readdirSync(opts.outDir).length > 0) throw new Error(`${opts.outDir} is not empty`);
  const c = new Client({ connectionString: opts.url });
  await c.connect();
  try {
    const start = await c.query<{ lsn: string }>('select pg_backup_start($1, true)::text as lsn', [opts.label ?? `zj-approvals ${new Date().toISOString()}`]);
    let bytes = copyLive(dataDir, opts.outDir, SKIP);
    // archiving on: wait until the WAL the backup needs is archived; off: the WAL is copied below
    const archiving = (await c.query<{ archive_mode: string }>('show archive_mode')).rows[0]!.archive_mode !== 'off';
    const stop = await c.query<{ lsn: string; labelfile: string; spcmapfile: string }>('select lsn::text, labelfile, spcmapfile from pg_backup_stop($1)', [
      archiving,
    ]);
    const consistentAt = new Date().toISOString();
    const { labelfile, spcmapfile, lsn } = stop.rows[0]!;
    fs.writeFileSync(path.join(opts.outDir, 'backup_label'), labelfile);
    if (spcmapfile) fs.writeFileSync(path.join(opts.outDir, 'tablespace_map'), spcmapfile);
    // the WAL from the backup's start to its end (pg_backup_stop switched to a new segment), as pg_basebackup -X fetch
    bytes += copyLive(path.join(dataDir, 'pg_wal'), path.join(opts.outDir, 'pg_wal'), new Set(['archive_status']));
    const st = fs.statSync(dataDir);
    return { dir: opts.outDir, startLsn: start.rows[0]!.lsn, stopLsn: lsn, consistentAt, bytes, owner: { uid: st.uid, gid: st.gid } };
  } finally {
    await c.end();
  }
}

function chownTree(p: string, uid: number, gid: number): void {
  fs.chownSync(p, uid, gid);
  if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) chownTree(path.join(p, e), uid, gid);
}

/**
 * Puts a base backup back as the data directory (which must not exist: the caller moves a damaged one aside).
 * With `walArchiveDir` the server replays the archived WAL on start, up to `targetTime` if given (else to the end
 * of the archive): a restore to a point in time. The server is started by the caller (npm start / start:cluster).
 */
export function restoreBaseBackup(opts: {
  backupDir: string;
  dataDir: string;
  owner: { uid: number; gid: number };
  walArchiveDir?: string;
  targetTime?: string;
}): void {
  if (fs.existsSync(opts.dataDir)) throw new Error(`${opts.dataDir} exists: move it aside first`);
  copyLive(opts.backupDir, opts.dataDir, null);
  fs.chmodSync(opts.dataDir, 0o700);
  if (opts.walArchiveDir) {
    const archive = path.resolve(opts.walArchiveDir);
    const settings = [
      '',
      '# written by npm run restore: replay the archived WAL (ignored once recovery has ended: recovery.signal is gone)',
      `restore_command = 'cp "${archive}/%f" "%p"'`,
      ...(opts.targetTime
        ? [`recovery_target_time = '${new Date(opts.targetTime).toISOString().replace('T', ' ').replace('Z', '+00')}'`, `recovery_target_action = 'promote'`]
        : []),
      '',
    ];
    fs.appendFileSync(path.join(opts.dataDir, 'postgresql.auto.conf'), settings.join('\n'));
    fs.writeFileSync(path.join(opts.dataDir, 'recovery.signal'), '');
  }
  if (typeof process.getuid === 'function' && process.getuid() === 0) chownTree(opts.dataDir, opts.owner.uid, opts.owner.gid);
}
