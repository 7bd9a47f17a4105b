/**
 * `npm run backup [-- --topology dev|cluster] [--out DIR]`: an online backup of both stores while the system runs —
 * a base backup of the PostgreSQL cluster (postgresBaseBackup.ts; with WAL archiving on, the start of a restore to
 * any later point) and, in the dev topology, Temporal's SQLite file; Temporal's own PostgreSQL when it has one. Writes <out>/manifest.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { takeBaseBackup } from './postgresBaseBackup';
import { backupSqlite } from './temporalSqlite';
import { storeLocations, type StoreLocations, type Topology } from './locations';

export interface BackupManifest {
  takenAt: string;
  topology: Topology;
  app: { kind: 'base_backup' | 'pg_basebackup'; dir: string; consistentAt: string; owner?: { uid: number; gid: number }; startLsn?: string; stopLsn?: string };
  temporal:
    | { kind: 'sqlite'; file: string; at: string }
    | { kind: 'in_app_cluster' }
    | { kind: 'base_backup'; dir: string; consistentAt: string; owner: { uid: number; gid: number }; startLsn: string; stopLsn: string };
}

export async function backupStores(loc: StoreLocations, outDir: string, log: (m: string) => void = () => {}): Promise<BackupManifest> {
  fs.mkdirSync(outDir, { recursive: true });
  const takenAt = new Date().toISOString();
  let app: BackupManifest['app'];
  if (loc.pgDataDir) {
    const r = await takeBaseBackup({ url: loc.pgAdminUrl, dataDir: loc.pgDataDir, outDir: path.join(outDir, 'pg') });
    app = { kind: 'base_backup', dir: 'pg', consistentAt: r.consistentAt, owner: r.owner, startLsn: r.startLsn, stopLsn: r.stopLsn };
    log(`PostgreSQL base backup: ${(r.bytes / 1e6).toFixed(1)} MB, WAL ${r.startLsn} → ${r.stopLsn}, consistent at ${r.consistentAt}`);
  } else {
    const r = spawnSync('pg_basebackup', ['-d', loc.pgAdminUrl, '-D', path.join(outDir, 'pg'), '-Ft', '-z', '-X', 'fetch', '-c', 'fast'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('pg_basebackup failed (it must be the server’s major version; see docs/operations.md)');
    app = { kind: 'pg_basebackup', dir: 'pg', consistentAt: new Date().toISOString() };
    log('PostgreSQL base backup with pg_basebackup (tar, gzip)');
  }
  let temporal: BackupManifest['temporal'];
  if (loc.temporalSqlite) {
    const r = backupSqlite(loc.temporalSqlite, path.join(outDir, 'temporal.db'));
    temporal = { kind: 'sqlite', file: 'temporal.db', at: r.at };
    log(`Temporal store (SQLite): ${(r.bytes / 1e6).toFixed(1)} MB at ${r.at}`);
  } else if (loc.temporalPg) {
    const r = await takeBaseBackup({ url: loc.temporalPg.adminUrl, dataDir: loc.temporalPg.dataDir, outDir: path.join(outDir, 'temporal-pg') });
    temporal = { kind: 'base_backup', dir: 'temporal-pg', consistentAt: r.consistentAt, owner: r.owner, startLsn: r.startLsn, stopLsn: r.stopLsn };
    log(`Temporal's PostgreSQL base backup: ${(r.bytes / 1e6).toFixed(1)} MB, WAL ${r.startLsn} → ${r.stopLsn}, consistent at ${r.consistentAt}`);
  } else {
    temporal = { kind: 'in_app_cluster' };
    log("Temporal's store is in the same PostgreSQL cluster: it is in the base backup");
  }
  const manifest: BackupManifest = { takenAt, topology: loc.topology, app, temporal };
  fs.writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { topology: { type: 'string', default: 'dev' }, out: { type: 'string' } } });
  const topology = values.topology === 'cluster' ? 'cluster' : 'dev';
  const loc = storeLocations(topology);
  const out = path.resolve(
    values.out ?? path.join(process.env.BACKUP_DIR ?? path.join(loc.root, '..', 'backups'), new Date().toISOString().replace(/[:.]/g, '-')),
  );
  await backupStores(loc, out, (m) => console.log(`[backup] ${m}`));
  console.log(
    `[backup] written to ${out}${loc.walArchiveDir ? `; WAL archived in ${loc.walArchiveDir}` : ' (WAL archiving is off: a restore comes back to this backup only)'}`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
