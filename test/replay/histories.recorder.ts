/**
 * Records workflow histories for the replay test: `npm run record-histories`.
 * Each scenario runs the real workflow on the time-skipping server and saves its history to
 * test/histories/<workflowType>-<scenario>.history.json. Record new ones whenever a workflow gains a path;
 * never re-record an existing file to make a replay failure go away — that failure is a running
 * workflow that the change would break (use patched() instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { devServerEnv, eventually, startWorker, uniqueTaskQueue, untilClosed, useTimeSkippingTestbed } from '../helpers/temporal';
import type { TestDb } from '../helpers/db';
import { startCertificateClaim, startShortageClaim, actor } from '../helpers/claims';
import { decideClaimTask } from '../helpers/claimTasks';
import { shanghaiDate, addMonths } from '../../platform/calendar/workdays';
import { randomUUID } from 'node:crypto';
import { claimWorkflowId } from '../../nanxun/rules';
import { decideUpdate, resubmitUpdate } from '../../platform/tasks/messages';
import { storedTaskId } from '../../platform/tasks/taskIds';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
const dir = path.join(__dirname, '..', 'histories');
// plain payloads: the recorded files must replay on any machine, whatever its keys
useTimeSkippingTestbed('record', (t) => ({ env, tdb, taskQueue } = t), { plainPayloads: true });

// Histories are stored in the protobuf binary encoding: this SDK install carries two copies of protobufjs,
// which breaks its proto3-JSON helpers (historyToJSON: "type must be a Type").
// The workflow id is kept with it: task ids derive from it, so replay must use the original.
async function save(name: string, handle: { workflowId: string; fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
  const file = path.join(dir, `${name}.history.json`);
  if (fs.existsSync(file)) return; // recorded histories are never overwritten: they stand for running workflows
  const history = temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish();
  const sdk = (await import('@temporalio/worker/package.json')).version;
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      { workflowId: handle.workflowId, recordedAt: new Date().toISOString(), sdk, historyProtobufBase64: Buffer.from(history).toString('base64') },
      null,
      2,
    )}\n`,
  );
}

test('certificate claim: supplement pause, warning and escalation timers, payout', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { level: 'senior' });
  await decideClaimTask(
    tdb.db,
    c,
    'unit_verification',
    'unit.jgjx',
    { decision: 'approve', fields: { verdict: 'true', confirmedLevel: 'senior' } },
    { what: 'unit task' },
  );
  await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'request_supplement', comment: '补充材料' }],
  });
  await env.sleep(3 * 24 * 3600_000);
  await c.handle.executeUpdate(resubmitUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'applicant1'), comment: '已补充' }] });
  await env.sleep(30 * 24 * 3600_000); // past the warning and the deadline
  await eventually(
    () => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId('bureau_review')).where('overdue_at', 'is not', null).executeTakeFirst(),
    'escalation',
  );
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'approve' }] });
  await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: c.taskId('rereview'), actor: await actor(tdb.db, 'rereview.nxz'), decision: 'approve', fields: { amountYuan: 3000 } }],
  });
  await c.handle.result();
  await save('certificateClaimWorkflow-paid-after-supplement-and-escalation', c.handle);
});

test('certificate claim: rejected by the unit', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2' });
  await decideClaimTask(
    tdb.db,
    c,
    'unit_verification',
    'unit.jgjx',
    { decision: 'reject', comment: '不属实', fields: { verdict: 'not_true' } },
    { what: 'unit task' },
  );
  await c.handle.result();
  await save('certificateClaimWorkflow-rejected-by-unit', c.handle);
});

test('certificate claim paid within the fund budget (after the payout-within-budget patch)', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3', level: 'junior' });
  for (const [k, u, f] of [
    ['unit_verification', 'unit.jgjx', {}],
    ['bureau_review', 'bureau1', {}],
    ['rereview', 'rereview.nxz', { amountYuan: 1000 }],
  ] as const) {
    await decideClaimTask(tdb.db, c, k, u, { decision: 'approve', fields: f });
  }
  await untilClosed(c.handle);
  await save('certificateClaimWorkflow-paid-within-budget', c.handle);
});

// recorded as certificateClaimWorkflow-paid-after-supplement-decision-path-local before the decision-path-one-write
// patch, as …-decision-path-one-write after it, as …-policy-editions after the policy-editions patch (the bureau
// review's terms from the edition in force when it opens; the code records only the newest path)
test('certificate claim: a supplement and three approvals, each decision written with the next stage (after the decision-path-one-write patch)', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2', level: 'intermediate' });
  const decide = (k: string, u: string, decision: string, fields: Record<string, unknown> = {}, comment?: string) =>
    decideClaimTask(tdb.db, c, k, u, { decision, fields, comment }, { open: true });
  await decide('unit_verification', 'unit.jgjx', 'approve');
  await decide('bureau_review', 'bureau1', 'request_supplement', {}, '请补充证书原件扫描件');
  await env.sleep(2 * 24 * 3600_000);
  await c.handle.executeUpdate(resubmitUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'applicant2'), comment: '已补充' }] });
  await decide('bureau_review', 'bureau1', 'approve');
  await decide('rereview', 'rereview.nxz', 'approve', { amountYuan: 2000 });
  await untilClosed(c.handle);
  await save('certificateClaimWorkflow-paid-after-supplement-policy-editions', c.handle);
  // after the decision-path-terms-in-open patch (issue 23): the bureau review's terms read by its opening
  await save('certificateClaimWorkflow-paid-after-supplement-terms-in-open', c.handle);
});

test('certificate claim: approved by the unit, rejected by the bureau (after the decision-path-one-write patch)', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3', level: 'junior' });
  await decideClaimTask(tdb.db, c, 'unit_verification', 'unit.jgjx', { decision: 'approve', fields: {} }, { open: true });
  await decideClaimTask(tdb.db, c, 'bureau_review', 'bureau1', { decision: 'reject', comment: '证书取得时间不在申请期内', fields: {} }, { open: true });
  await untilClosed(c.handle);
  await save('certificateClaimWorkflow-rejected-by-bureau-decision-path-one-write', c.handle);
});

test('shortage talent: year 1, the release, year 2, clawback while waiting for year 3', async () => {
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', employer: 'NX-E-LSXC' });
  const approve = async (prefix: string, amount: number) => {
    for (const [k, u, f] of [
      ['unit_verification', 'unit.lsxc', { verdict: 'true' }],
      ['bureau_review', 'bureau1', {}],
      ['rereview', 'rereview.fgjxj', { amountYuan: amount }],
    ] as const) {
      await decideClaimTask(tdb.db, c, prefix + k, u, { decision: 'approve', fields: f }, { what: k });
    }
  };
  await approve('', 3000);
  const paid = await tdb.db.selectFrom('payout').select('paid_at').where('claim_id', '=', c.id).executeTakeFirstOrThrow();
  const due = addMonths(shanghaiDate(paid.paid_at), 12);
  await env.sleep(Date.parse(`${due}T10:00:00+08:00`) - (await env.currentTimeMs()));
  const release = await env.client.workflow.start('instalmentReleaseWorkflow', { taskQueue, workflowId: `release-record-${due}`, args: [{ onDate: due }] });
  await approve('y2/', 3000);
  await untilClosed(release);
  await save('instalmentReleaseWorkflow-opens-one', release);
  const clawback = await env.client.workflow.start('clawbackWorkflow', {
    taskQueue,
    workflowId: `nanxun-clawback-${c.id}`,
    args: [{ claimId: c.id, reason: '材料造假', by: 'bureau1', byName: '初审经办人', byOrg: 'NX-YJGLJ' }],
  });
  await untilClosed(clawback);
  await untilClosed(c.handle);
  await save('shortageTalentClaimWorkflow-two-years-then-clawback', c.handle);
  await save('clawbackWorkflow-during-wait', clawback);
});

test('shortage talent: three years paid, years 2 and 3 opened by the release (after the release-opens-locally and decision-path-one-write patches)', async () => {
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2', employer: 'NX-E-SLJS' });
  const approve = async (prefix: string, amount: number) => {
    for (const [k, u, f] of [
      ['unit_verification', 'unit.sljs', { verdict: 'true' }],
      ['bureau_review', 'bureau1', {}],
      ['rereview', 'rereview.zjj', { amountYuan: amount }],
    ] as const) {
      await decideClaimTask(tdb.db, c, prefix + k, u, { decision: 'approve', fields: f }, { open: true });
    }
  };
  await approve('', 3000);
  const paid = await tdb.db.selectFrom('payout').select('paid_at').where('claim_id', '=', c.id).executeTakeFirstOrThrow();
  for (const [yearNo, amount] of [
    [2, 3000],
    [3, 4000],
  ] as const) {
    const due = addMonths(shanghaiDate(paid.paid_at), 12 * (yearNo - 1));
    await env.sleep(Date.parse(`${due}T10:00:00+08:00`) - (await env.currentTimeMs()));
    const release = await env.client.workflow.start('instalmentReleaseWorkflow', {
      taskQueue,
      workflowId: `release-record-local-${due}`,
      args: [{ onDate: due }],
    });
    await untilClosed(release);
    await approve(`y${yearNo}/`, amount);
  }
  expect(await untilClosed(c.handle)).toBe('COMPLETED');
  expect(await c.handle.result()).toMatchObject({ status: 'completed', paidYuan: 10000 });
  // recorded as …-release-opens-locally before the decision-path-one-write patch, …-decision-path-one-write before
  // the policy-editions patch (each year's bureau review reads the edition in force when it opens)
  await save('shortageTalentClaimWorkflow-three-years-policy-editions', c.handle);
  await save('shortageTalentClaimWorkflow-three-years-terms-in-open', c.handle);
  // after the instalment-plan-fixed-at-year-one patch: the plan is fixed when year 1 is approved
  await save('shortageTalentClaimWorkflow-three-years-plan-fixed-at-year-one', c.handle);
  // both patches (instalment-plan-fixed-at-year-one and decision-path-terms-in-open)
  await save('shortageTalentClaimWorkflow-three-years-plan-fixed-terms-in-open', c.handle);
});

test('shortage talent: year 1 paid, year 2 refused by the unit (the holder left): terminated, not rejected (after the terminated-after-payment patch)', async () => {
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', employer: 'NX-E-SLJS' });
  for (const [k, u, f] of [
    ['unit_verification', 'unit.sljs', { verdict: 'true' }],
    ['bureau_review', 'bureau1', {}],
    ['rereview', 'rereview.zjj', { amountYuan: 3000 }],
  ] as const) {
    await decideClaimTask(tdb.db, c, k, u, { decision: 'approve', fields: f }, { open: true });
  }
  const paid = await tdb.db.selectFrom('payout').select('paid_at').where('claim_id', '=', c.id).executeTakeFirstOrThrow();
  const due = addMonths(shanghaiDate(paid.paid_at), 12);
  await env.sleep(Date.parse(`${due}T10:00:00+08:00`) - (await env.currentTimeMs()));
  const release = await env.client.workflow.start('instalmentReleaseWorkflow', {
    taskQueue,
    workflowId: `release-record-terminated-${due}`,
    args: [{ onDate: due }],
  });
  await untilClosed(release);
  await decideClaimTask(
    tdb.db,
    c,
    'y2/unit_verification',
    'unit.sljs',
    { decision: 'reject', fields: { verdict: 'not_true' }, comment: '申请人已离职' },
    { open: true },
  );
  expect(await untilClosed(c.handle)).toBe('COMPLETED');
  expect(await c.handle.result()).toMatchObject({ status: 'terminated', paidYuan: 3000 });
  await save('shortageTalentClaimWorkflow-terminated-after-year-one', c.handle);
});

test('shortage talent: year 1 paid on 12-03, the next 12-01 release opens year 2 (after the release-opens-whole-year patch)', async () => {
  const now = await env.currentTimeMs();
  let y = Number(shanghaiDate(now).slice(0, 4));
  if (Date.parse(`${y}-12-03T10:00:00+08:00`) < now) y += 1;
  await env.sleep(Date.parse(`${y}-12-03T10:00:00+08:00`) - now);
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3', employer: 'NX-E-SLJS' });
  for (const [k, u, f] of [
    ['unit_verification', 'unit.sljs', { verdict: 'true' }],
    ['bureau_review', 'bureau1', {}],
    ['rereview', 'rereview.zjj', { amountYuan: 3000 }],
  ] as const) {
    await decideClaimTask(tdb.db, c, k, u, { decision: 'approve', fields: f }, { open: true });
  }
  const release = `${y + 1}-12-01`;
  await env.sleep(Date.parse(`${release}T10:00:00+08:00`) - (await env.currentTimeMs()));
  const r = await env.client.workflow.start('instalmentReleaseWorkflow', {
    taskQueue,
    workflowId: `release-record-whole-year-${release}`,
    args: [{ onDate: release }],
  });
  await untilClosed(r);
  await eventually(
    () => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId('y2/unit_verification')).where('state', '=', 'open').executeTakeFirst(),
    'year 2 opened',
  );
  await save('instalmentReleaseWorkflow-opens-whole-year', r);
  await c.handle.terminate('recorded');
});

test('high-level talent: an early claim waits out the year, then is rejected at the unit', async () => {
  const u = await tdb.db.selectFrom('app_user').selectAll().where('username', '=', 'applicant2').executeTakeFirstOrThrow();
  const id = randomUUID();
  const applicationNo = `NX-GC-REC-${Date.now() % 100000}`;
  const now = new Date(await env.currentTimeMs());
  await tdb.db
    .insertInto('claim')
    .values({
      id,
      application_no: applicationNo,
      kind: 'high_level',
      workflow_id: claimWorkflowId(applicationNo),
      applicant_user_id: u.id,
      applicant_name: u.display_name,
      applicant_id_number: u.id_number!,
      applicant_phone: '',
      employer_org_code: 'NX-E-JGJX',
      position: null,
      employer_nature: null,
      level: 'senior',
      amount_yuan: 15000,
      status: 'unit_verification',
      stage: 'unit_verification',
      rereview_org_code: 'NX-FGJXJ',
      form: '{}',
      submitted_at: now,
      updated_at: now,
    })
    .execute();
  const handle = await env.client.workflow.start('highLevelClaimWorkflow', {
    taskQueue,
    workflowId: claimWorkflowId(applicationNo),
    args: [
      {
        claimId: id,
        applicationNo,
        applicantIdNumber: u.id_number!,
        employerOrgCode: 'NX-E-JGJX',
        rereviewOrgCode: 'NX-FGJXJ',
        level: 'senior',
        amountYuan: 15000,
        eligibleOn: addMonths(shanghaiDate(now), 2),
      },
    ],
  });
  await env.sleep(70 * 24 * 3600_000);
  const taskId = storedTaskId(`${claimWorkflowId(applicationNo)}/unit_verification`);
  await eventually(() => tdb.db.selectFrom('task').select('id').where('id', '=', taskId).executeTakeFirst(), 'unit task');
  await handle.executeUpdate(decideUpdate, {
    args: [{ taskId, actor: await actor(tdb.db, 'unit.jgjx'), decision: 'reject', comment: '未在本单位缴纳社保', fields: { verdict: 'not_true' } }],
  });
  await untilClosed(handle);
  await save('highLevelClaimWorkflow-waited-then-rejected', handle);
});

// the reconciliation lists workflows (visibility), which the time-skipping server does not serve: a dev server
test('reconciliation: one claim whose inbox row is ahead of its workflow, repaired', async () => {
  const dev = await devServerEnv();
  const q = uniqueTaskQueue('record-reconcile');
  const { stop } = await startWorker(dev, tdb.db, q);
  try {
    const c = await startCertificateClaim(dev.client, tdb.db, q, { applicant: 'applicant1', level: 'junior' });
    await eventually(() => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId('unit_verification')).executeTakeFirst(), 'unit task');
    await tdb.db
      .updateTable('task')
      .set({ state: 'done', decision: 'approve', decided_by: 'unit.jgjx' })
      .where('id', '=', c.taskId('unit_verification'))
      .execute();
    const handle = await dev.client.workflow.start('reconciliationWorkflow', {
      taskQueue: q,
      workflowId: `reconciliation-recorded-${Date.now()}`,
      args: [{ reason: 'recorded history' }],
    });
    await untilClosed(handle);
    await save('reconciliationWorkflow-repairs-one-task', handle);
  } finally {
    await stop();
    await dev.teardown();
  }
});
