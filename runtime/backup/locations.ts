/**
 * Where the two stores of each topology live, for `npm run backup` / `npm run restore`:
 * - dev (`npm start`): the app's PostgreSQL in <DATA_DIR>/pg (port PG_PORT), Temporal's SQLite file <DATA_DIR>/temporal.db;
 * - cluster (`npm run start:cluster`): one PostgreSQL in <CLUSTER_DATA_DIR>/pg (port CLUSTER_PG_PORT) holding the app's
 *   database and Temporal's (`temporal`, `temporal_visibility`).
 * PG_DATA_DIR names the data directory of a PostgreSQL of your own on this host (with DATABASE_URL); a server
 * elsewhere is backed up with pg_basebackup (docs/operations.md). When Temporal's store has a PostgreSQL of its own
 * (start:cluster's TEMPORAL_POSTGRES_URL), TEMPORAL_PG_DATA_DIR names its data directory on this host and
 * TEMPORAL_PG_WAL_ARCHIVE_DIR its WAL archive: it is backed up and restored beside the app's.
 */
import path from 'node:path';
import { readConfig } from '../config';

export type Topology = 'dev' | 'cluster';

export interface StoreLocations {
  topology: Topology;
  /** the data directory of the whole system (the restore marker goes there) */
  root: string;
  /** a local PostgreSQL data directory, or null for a server elsewhere */
  pgDataDir: string | null;
  /** a superuser connection to that cluster */
  pgAdminUrl: string;
  /** Temporal's SQLite file (dev topology), or null when Temporal's store is in PostgreSQL */
  temporalSqlite: string | null;
  walArchiveDir: string | null;
  /** Temporal's own PostgreSQL on this host (cluster topology with TEMPORAL_POSTGRES_URL), or null */
  temporalPg: SeparatePostgres | null;
}

export interface SeparatePostgres {
  dataDir: string;
  adminUrl: string;
  walArchiveDir: string | null;
}

export function storeLocations(topology: Topology, env: NodeJS.ProcessEnv = process.env): StoreLocations {
  const cfg = readConfig();
  const root = topology === 'dev' ? cfg.dataDir : path.resolve(env.CLUSTER_DATA_DIR ?? path.join(cfg.dataDir, 'cluster'));
  const port = topology === 'dev' ? cfg.pgPort : Number(env.CLUSTER_PG_PORT ?? 5533);
  const external = cfg.databaseUrl;
  const adminUrl = external ? external.replace(/\/[^/?]+(\?|$)/, '/postgres$1') : `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    topology,
    root,
    pgDataDir: env.PG_DATA_DIR ? path.resolve(env.PG_DATA_DIR) : external ? null : path.join(root, 'pg'),
    pgAdminUrl: adminUrl,
    temporalSqlite: topology === 'dev' && !cfg.temporalAddress ? path.join(root, 'temporal.db') : null,
    walArchiveDir: env.PG_WAL_ARCHIVE_DIR ? path.resolve(env.PG_WAL_ARCHIVE_DIR) : null,
    temporalPg:
      topology === 'cluster' && env.TEMPORAL_POSTGRES_URL && env.TEMPORAL_PG_DATA_DIR
        ? {
            dataDir: path.resolve(env.TEMPORAL_PG_DATA_DIR),
            adminUrl: env.TEMPORAL_POSTGRES_URL,
            walArchiveDir: env.TEMPORAL_PG_WAL_ARCHIVE_DIR ? path.resolve(env.TEMPORAL_PG_WAL_ARCHIVE_DIR) : null,
          }
        : null,
  };
}

/** The marker a restore leaves: the next start runs the reconciliation (runtime/reconcileAfterRestore.ts). */
export const RESTORED_MARKER = 'restored.json';
