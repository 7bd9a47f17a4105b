/**
 * The reconciliation repairs the projection from the workflows after the two stores came back at different moments:
 * the rows ahead of the workflow (a decision the workflow never took, a payout it has not reached) and behind it (a
 * decision and a task the rows lack). A payout already recorded stays, is reported and is never paid again.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { devServerEnv, eventually, startWorker, uniqueTaskQueue, untilClosed } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { startCertificateClaim } from '../helpers/claims';
import { decideClaimTask } from '../helpers/claimTasks';
import { auth, login, testApp } from '../helpers/app';
import type { RunSummary } from '../../platform/reconciliation/repository';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  taskQueue = uniqueTaskQueue('reconcile');
  ({ stop } = await startWorker(env, tdb.db, taskQueue));
});
afterAll(async () => {
  await stop?.();
  await env?.teardown();
  await tdb?.drop();
});

const taskState = (id: string) => tdb.db.selectFrom('task').select(['state', 'decision', 'decided_by']).where('id', '=', id).executeTakeFirst();
const claimStatus = (id: string) => tdb.db.selectFrom('claim').select(['status', 'closed_at']).where('id', '=', id).executeTakeFirstOrThrow();

async function reconcile(): Promise<RunSummary> {
  return env.client.workflow.execute('reconciliationWorkflow', {
    taskQueue,
    workflowId: `reconciliation-test-${Date.now()}`,
    args: [{ reason: 'test' }],
  });
}

test('rows ahead of and behind their workflows are repaired from the workflows; a recorded payout is reported, kept and never paid again', async () => {
  const approve = (c: Awaited<ReturnType<typeof startCertificateClaim>>, key: string, user: string, fields: Record<string, unknown> = {}) =>
    decideClaimTask(tdb.db, c, key, user, { decision: 'approve', fields }, { open: true });
  // A: at bureau review in the workflow; the rows say the bureau approved and the re-review is open
  const a = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', level: 'junior' });
  await approve(a, 'unit_verification', 'unit.jgjx');
  await eventually(() => taskState(a.taskId('bureau_review')), 'A bureau task');
  // B: at re-review in the workflow; the rows lack the bureau's decision and the re-review task
  const b = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2', level: 'junior' });
  await approve(b, 'unit_verification', 'unit.jgjx');
  await approve(b, 'bureau_review', 'bureau1');
  await eventually(() => taskState(b.taskId('rereview')), 'B rereview task');
  // C: at re-review in the workflow; the rows hold its payout (the app store came back from a later point)
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3', level: 'junior' });
  await approve(c, 'unit_verification', 'unit.jgjx');
  await approve(c, 'bureau_review', 'bureau1');
  await eventually(() => taskState(c.taskId('rereview')), 'C rereview task');

  // D: clawed back by the clawback workflow; its own workflow has not taken the signal (a clawback is final)
  const d = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', level: 'senior' });
  await eventually(() => taskState(d.taskId('unit_verification')), 'D unit task');

  const now = new Date().toISOString();
  await tdb.db.updateTable('claim').set({ status: 'clawed_back' }).where('id', '=', d.id).execute();
  await tdb.db
    .updateTable('task')
    .set({ state: 'done', decision: 'approve', decided_by: 'bureau1', decided_at: now })
    .where('id', '=', a.taskId('bureau_review'))
    .execute();
  const aRereview = a.taskId('rereview');
  await tdb.db
    .insertInto('task')
    .values({
      id: aRereview,
      kind: 'rereview',
      state: 'open',
      subject_type: 'nanxun_claim',
      subject_id: a.id,
      subject_ref: a.applicationNo,
      workflow_id: a.handle.workflowId,
      org_code: 'NX-T-NXZ',
      role: 'rereviewer',
      opened_at: now,
      updated_at: now,
    })
    .execute();
  await tdb.db.updateTable('claim').set({ status: 'rereview', stage: 'rereview' }).where('id', '=', a.id).execute();
  await tdb.db.deleteFrom('task').where('id', '=', b.taskId('rereview')).execute();
  await tdb.db
    .updateTable('task')
    .set({ state: 'open', decision: null, decided_by: null, decided_at: null })
    .where('id', '=', b.taskId('bureau_review'))
    .execute();
  await tdb.db.updateTable('claim').set({ status: 'bureau_review', stage: 'bureau_review' }).where('id', '=', b.id).execute();
  await tdb.db
    .insertInto('payout')
    .values({ claim_id: c.id, instalment_no: 1, amount_yuan: 1000, fund_org_code: 'NX-T-NXZ', fund_year: 2026, paid_at: now, approved_by: 'rereview.nxz' })
    .execute();
  await tdb.db
    .updateTable('task')
    .set({ state: 'done', decision: 'approve', decided_by: 'rereview.nxz', decided_at: now })
    .where('id', '=', c.taskId('rereview'))
    .execute();
  await tdb.db.updateTable('claim').set({ status: 'paid', stage: 'payout', closed_at: now, paid_yuan: 1000 }).where('id', '=', c.id).execute();

  const run = await reconcile();
  expect(run.needsPerson).toBe(1);

  // A: back at the bureau, the re-review the workflow never opened is off the inbox
  expect(await taskState(a.taskId('bureau_review'))).toMatchObject({ state: 'open', decision: null });
  expect(await taskState(aRereview)).toBeUndefined();
  expect((await claimStatus(a.id)).status).toBe('bureau_review');
  expect((await claimStatus(d.id)).status).toBe('clawed_back');
  // B: the bureau's decision as the workflow took it, the re-review open in the inbox
  expect(await taskState(b.taskId('bureau_review'))).toMatchObject({ state: 'done', decision: 'approve', decided_by: 'bureau1' });
  expect(await taskState(b.taskId('rereview'))).toMatchObject({ state: 'open' });
  expect((await claimStatus(b.id)).status).toBe('rereview');
  // C: open for re-review again, its payout kept and reported
  expect(await taskState(c.taskId('rereview'))).toMatchObject({ state: 'open', decision: null });
  expect(await claimStatus(c.id)).toMatchObject({ status: 'rereview', closed_at: null });
  const app = testApp(tdb.db, env.client, taskQueue);
  const admin = await login(app, 'admin');
  const report = await request(app).get(`/api/v1/admin/reconciliations/${run.id}`).set(auth(admin));
  expect(report.status).toBe(200);
  const person = report.body.items.filter((f: { needsPerson: boolean }) => f.needsPerson);
  expect(person).toEqual([expect.objectContaining({ kind: 'payout_ahead_of_workflow', subjectId: c.id, repaired: false })]);
  expect(person[0].detail).toMatchObject({ recordedYuan: 1000, workflowYuan: 0 });
  // and on /metrics, for the alert ZjReconciliationNeedsPerson
  const metrics = await request(app).get('/metrics');
  expect(metrics.text).toContain('zj_reconciliation_findings{kind="payout_ahead_of_workflow",needs_person="true"} 1');

  // the re-reviewer approves C again: the recorded payout is found, not paid a second time
  await approve(c, 'rereview', 'rereview.nxz', { amountYuan: 1000 });
  await untilClosed(c.handle);
  const payouts = await tdb.db.selectFrom('payout').select(['amount_yuan']).where('claim_id', '=', c.id).execute();
  expect(payouts).toEqual([{ amount_yuan: 1000 }]);
  expect((await claimStatus(c.id)).status).toBe('paid');

  // a second run finds nothing left to repair on A and B (C's payout is now the workflow's own)
  const again = await reconcile();
  expect(again).toMatchObject({ findings: 0, needsPerson: 0 });
});
