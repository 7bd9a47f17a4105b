/**
 * `npm run restore -- <backup dir> [--topology dev|cluster] [--to ISO-time] [--temporal-from <backup dir>]`, with the
 * system stopped: the damaged stores are moved aside (never deleted), the base backup is put back (with WAL
 * archiving: replayed to --to, or to the end of the archive), Temporal's store is put back (dev topology; from
 * another backup with --temporal-from; Temporal's own PostgreSQL to --temporal-to, else --to), and a marker makes the next start run the reconciliation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBaseBackup } from './postgresBaseBackup';
import { restoreSqlite } from './temporalSqlite';
import { RESTORED_MARKER, storeLocations, type StoreLocations } from './locations';
import type { BackupManifest } from './backup';

function alive(pidFile: string): boolean {
  if (!fs.existsSync(pidFile)) return false;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface RestoreOptions {
  backupDir: string;
  /** a restore to this point in time (needs the WAL archive) */
  to?: string;
  /** Temporal's store from another backup (dev topology) */
  temporalFrom?: string;
  /** Temporal's own PostgreSQL (cluster topology) to this point in time instead of `to` */
  temporalTo?: string;
}

export function restoreStores(loc: StoreLocations, o: RestoreOptions, log: (m: string) => void = () => {}): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(o.backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.app.kind !== 'base_backup' || !loc.pgDataDir) throw new Error('this backup was taken with pg_basebackup: restore it as docs/operations.md says');
  const temporalTarget = o.temporalTo ?? o.to;
  if (loc.temporalPg) {
    if (manifest.temporal.kind !== 'base_backup') throw new Error(`${o.backupDir} holds no backup of Temporal's PostgreSQL`);
    if (temporalTarget && !loc.temporalPg.walArchiveDir)
      throw new Error("a restore to a point in time needs Temporal's WAL archive (TEMPORAL_PG_WAL_ARCHIVE_DIR)");
  }
  // nothing is touched while any store still runs
  for (const dataDir of [loc.pgDataDir, ...(loc.temporalPg ? [loc.temporalPg.dataDir] : [])])
    if (alive(path.join(dataDir, 'postmaster.pid'))) throw new Error(`PostgreSQL still runs on ${dataDir}: stop the system first`);
  if (alive(path.join(loc.root, 'temporal.pid'))) throw new Error('the Temporal server still runs: stop the system first');
  if (o.to && !loc.walArchiveDir) throw new Error('a restore to a point in time needs the WAL archive (PG_WAL_ARCHIVE_DIR)');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  putBaseBackupBack(
    'PostgreSQL',
    { dataDir: loc.pgDataDir, walArchiveDir: loc.walArchiveDir },
    { ...manifest.app, owner: manifest.app.owner! },
    o,
    o.to,
    stamp,
    log,
  );
  if (loc.temporalSqlite) {
    const from = o.temporalFrom ?? o.backupDir;
    const m = JSON.parse(fs.readFileSync(path.join(from, 'manifest.json'), 'utf8')) as BackupManifest;
    if (m.temporal.kind !== 'sqlite') throw new Error(`${from} holds no Temporal SQLite store`);
    if (fs.existsSync(loc.temporalSqlite)) fs.renameSync(loc.temporalSqlite, `${loc.temporalSqlite}.before-restore-${stamp}`);
    restoreSqlite(path.join(from, m.temporal.file), loc.temporalSqlite);
    log(`Temporal store of ${m.temporal.at} put back`);
  }
  // Temporal's own PostgreSQL, from the same backup, to `temporalTo` (else `to`, else the end of its archive)
  if (loc.temporalPg && manifest.temporal.kind === 'base_backup')
    putBaseBackupBack("Temporal's PostgreSQL", loc.temporalPg, manifest.temporal, o, temporalTarget, stamp, log);
  fs.writeFileSync(
    path.join(loc.root, RESTORED_MARKER),
    `${JSON.stringify({ restoredAt: new Date().toISOString(), backup: o.backupDir, to: o.to ?? null, temporalFrom: o.temporalFrom ?? null, temporalTo: o.temporalTo ?? null }, null, 2)}\n`,
  );
}

/** One PostgreSQL's data directory: the damaged one moved aside (never deleted), the base backup put back, to `target`. */
function putBaseBackupBack(
  what: string,
  pg: { dataDir: string; walArchiveDir: string | null },
  backup: { dir: string; owner: { uid: number; gid: number }; consistentAt: string },
  o: RestoreOptions,
  target: string | undefined,
  stamp: string,
  log: (m: string) => void,
): void {
  if (fs.existsSync(pg.dataDir)) {
    fs.renameSync(pg.dataDir, `${pg.dataDir}.before-restore-${stamp}`);
    log(`the damaged ${what} data moved aside to ${pg.dataDir}.before-restore-${stamp}`);
  }
  restoreBaseBackup({
    backupDir: path.join(o.backupDir, backup.dir),
    dataDir: pg.dataDir,
    owner: backup.owner,
    ...(pg.walArchiveDir ? { walArchiveDir: pg.walArchiveDir } : {}),
    ...(target ? { targetTime: target } : {}),
  });
  log(
    `${what} base backup of ${backup.consistentAt} put back${pg.walArchiveDir ? `; it replays the archived WAL ${target ? `to ${target}` : 'to its end'} when it starts` : ''}`,
  );
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { topology: { type: 'string', default: 'dev' }, to: { type: 'string' }, 'temporal-from': { type: 'string' }, 'temporal-to': { type: 'string' } },
  });
  if (!positionals[0])
    throw new Error('usage: npm run restore -- <backup dir> [--topology dev|cluster] [--to ISO-time] [--temporal-from <backup dir>] [--temporal-to ISO-time]');
  const loc = storeLocations(values.topology === 'cluster' ? 'cluster' : 'dev');
  restoreStores(
    loc,
    {
      backupDir: path.resolve(positionals[0]),
      ...(values.to ? { to: values.to } : {}),
      ...(values['temporal-from'] ? { temporalFrom: path.resolve(values['temporal-from']) } : {}),
      ...(values['temporal-to'] ? { temporalTo: values['temporal-to'] } : {}),
    },
    (m) => console.log(`[restore] ${m}`),
  );
  console.log(`[restore] done: start the system (npm start / npm run start:cluster); it runs the reconciliation first (npm run reconcile shows its report)`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
