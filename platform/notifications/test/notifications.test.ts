/**
 * The message centre: a certificate claim's journey leaves each person the messages issue 13 lists, exactly once
 * (clerks: a task arrived, its deadline warning; the applicant: each decision, the request for materials, the
 * payment), readable through GET /api/v1/notifications and marked read by its owner only. Projections run twice
 * (an activity retried after a crash) write no second message. The SMS dispatcher sends each once and marks it.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, untilClosed, useTimeSkippingTestbed } from '../../../test/helpers/temporal';
import type { TestDb } from '../../../test/helpers/db';
import { startCertificateClaim, actor } from '../../../test/helpers/claims';
import { auth, login, testApp } from '../../../test/helpers/app';
import { decideUpdate, resubmitUpdate } from '../../tasks/messages';
import { createTaskActivities, type TaskRef } from '../../tasks/activities';
import { createPayoutActivities } from '../../../nanxun/activities/payouts';
import { createNoticeActivities } from '../../publicity/activities';
import { dispatchSmsOnce } from '../dispatcher';
import type { SmsMessage } from '../sms';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
let app: Express;
useTimeSkippingTestbed('notify', (t) => {
  ({ env, tdb, taskQueue } = t);
  app = testApp(t.tdb.db, t.env.client, t.taskQueue);
});

const userId = async (username: string) => (await tdb.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
const messages = async (username: string, subjectId: string) =>
  tdb.db
    .selectFrom('notification')
    .selectAll()
    .where('recipient_user_id', '=', await userId(username))
    .where('subject_id', '=', subjectId)
    .orderBy('created_at')
    .orderBy('kind')
    .execute();
const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).where('state', '=', 'open').executeTakeFirst();

test('a claim from submission to payment: every message once, to the right people; the owner reads them', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1' });
  const decide = async (key: string, username: string, decision: string, fields: Record<string, unknown> = {}, comment?: string) => {
    await eventually(() => task(c.taskId(key)), key);
    return c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId(key), actor: await actor(tdb.db, username), decision, fields, comment }] });
  };
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  expect((await messages('unit.jgjx', c.id)).map((m) => m.kind)).toEqual(['task_arrived']);
  expect(await messages('bureau1', c.id)).toEqual([]);

  await decide('unit_verification', 'unit.jgjx', 'approve', { verdict: 'true' });
  // both clerks of the bureau with the reviewer role hear of the arriving review
  for (const clerk of ['bureau1', 'bureau2']) expect((await messages(clerk, c.id)).map((m) => m.kind)).toEqual(['task_arrived']);
  await decide('bureau_review', 'bureau1', 'request_supplement', {}, '请补充证书原件扫描件');
  await c.handle.executeUpdate(resubmitUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'applicant1'), comment: '已补充' }] });
  // two working days before the deadline the warning fires (time skipped to it)
  const review = (await task(c.taskId('bureau_review')))!;
  await env.sleep(Date.parse(new Date(review.warn_at!).toISOString()) + 3600_000 - (await env.currentTimeMs()));
  await eventually(async () => (await messages('bureau2', c.id)).some((m) => m.kind === 'deadline_warning'), 'the deadline warning');
  await decide('bureau_review', 'bureau1', 'approve');
  await decide('rereview', 'rereview.nxz', 'approve', { amountYuan: 2000 });
  await untilClosed(c.handle);

  const mine = await messages('applicant1', c.id);
  expect(mine.map((m) => m.kind).sort()).toEqual(['paid', 'supplement_requested', 'task_decided', 'task_decided', 'task_decided']);
  expect(mine.find((m) => m.kind === 'supplement_requested')!.body).toContain('请补充证书原件扫描件');
  expect(mine.find((m) => m.kind === 'paid')).toMatchObject({ title: '奖励金已发放：2000 元', subject_ref: c.applicationNo });
  for (const clerk of ['bureau1', 'bureau2']) expect((await messages(clerk, c.id)).map((m) => m.kind)).toEqual(['task_arrived', 'deadline_warning']);
  expect((await messages('rereview.nxz', c.id)).map((m) => m.kind)).toEqual(['task_arrived']);
  expect(await messages('applicant2', c.id)).toEqual([]);

  // the applicant's message centre
  const token = await login(app, 'applicant1');
  const unread = await request(app).get('/api/v1/notifications?unread=true').set(auth(token));
  expect(unread.status).toBe(200);
  const ofClaim = unread.body.filter((n: { subject: { id: string } | null }) => n.subject?.id === c.id);
  expect(ofClaim).toHaveLength(5);
  const paidMessage = ofClaim.find((n: { kind: string }) => n.kind === 'paid');
  expect(paidMessage).toMatchObject({
    title: '奖励金已发放：2000 元',
    subject: { type: 'nanxun_claim', id: c.id, ref: c.applicationNo },
    readAt: null,
    createdAt: expect.any(String),
  });
  expect(unread.headers['x-unread-count']).toBe(String(unread.body.length));
  const paid = paidMessage.id as string;
  // someone else's message is not found for them, and stays unread
  const other = await login(app, 'applicant2');
  expect((await request(app).post(`/api/v1/notifications/${paid}/read`).set(auth(other))).status).toBe(404);
  expect((await request(app).post('/api/v1/notifications/not-a-uuid/read').set(auth(other))).status).toBe(404);
  expect((await request(app).post(`/api/v1/notifications/${paid}/read`)).status).toBe(401);
  expect((await request(app).post(`/api/v1/notifications/${paid}/read`).set(auth(token))).status).toBe(204);
  expect((await request(app).post(`/api/v1/notifications/${paid}/read`).set(auth(token))).status).toBe(204);
  const after = await request(app).get('/api/v1/notifications?unread=true').set(auth(token));
  expect(after.body.map((n: { id: string }) => n.id)).not.toContain(paid);
  expect(after.body).toHaveLength(unread.body.length - 1);
  const all = await request(app).get('/api/v1/notifications').set(auth(token));
  expect(all.body.find((n: { id: string }) => n.id === paid).readAt).toEqual(expect.any(String));
  expect((await request(app).get('/api/v1/notifications/unread-count').set(auth(token))).body).toEqual({ unread: after.body.length });
  expect((await request(app).get('/api/v1/notifications?unread=maybe').set(auth(token))).status).toBe(400);

  // the SMS dispatcher sends each pending message once and marks it; a second pass sends nothing
  const sent: SmsMessage[] = [];
  const sender = { name: 'test', send: async (m: SmsMessage) => void sent.push(m) };
  for (;;) if ((await dispatchSmsOnce(tdb.db, sender, { batchSize: 50 })).sent === 0) break;
  const pending = await tdb.db.selectFrom('notification').select('id').where('sms_state', '=', 'pending').execute();
  expect(pending).toEqual([]);
  expect(new Set(sent.map((m) => m.idempotencyKey)).size).toBe(sent.length);
  const withPhone = await tdb.db
    .selectFrom('notification')
    .innerJoin('app_user', 'app_user.id', 'notification.recipient_user_id')
    .select('notification.id')
    .where('app_user.phone', 'is not', null)
    .where('app_user.phone', '<>', '')
    .execute();
  expect(sent.map((m) => m.idempotencyKey).sort()).toEqual(withPhone.map((r) => r.id).sort());
  expect((await dispatchSmsOnce(tdb.db, sender)).sent).toBe(0);
});

test('a failing SMS provider leaves the message pending with its error; it is sent on a later pass', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3' });
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  await tdb.db.updateTable('app_user').set({ phone: '13900000001' }).where('username', '=', 'unit.jgjx').execute();
  await tdb.db.updateTable('notification').set({ sms_state: 'pending' }).where('subject_id', '=', c.id).execute();
  const failing = { name: 'down', send: async () => Promise.reject(new Error('provider unavailable')) };
  expect((await dispatchSmsOnce(tdb.db, failing)).failed).toBeGreaterThan(0);
  const row = (await messages('unit.jgjx', c.id))[0]!;
  expect(row).toMatchObject({ sms_state: 'pending', sms_attempts: 1, sms_error: 'provider unavailable' });
  const sent: SmsMessage[] = [];
  for (;;) if ((await dispatchSmsOnce(tdb.db, { name: 'ok', send: async (m) => void sent.push(m) })).sent === 0) break;
  expect(sent.filter((m) => m.idempotencyKey === row.id)).toEqual([{ to: '13900000001', text: expect.stringContaining('新的待办'), idempotencyKey: row.id }]);
  expect((await messages('unit.jgjx', c.id))[0]).toMatchObject({ sms_state: 'sent', sms_error: null });
});

test('projections retried after a crash (each activity run twice) write each message once', async () => {
  const tasks = createTaskActivities(tdb.db);
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2' });
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  await c.handle.terminate('the test drives the projections itself');
  const ref: TaskRef = {
    taskId: `${c.handle.workflowId}/again/bureau_review`,
    kind: 'bureau_review',
    role: 'bureau_reviewer',
    orgCode: 'NX-YJGLJ',
    stage: 'bureau_review',
    subjectType: 'nanxun_claim',
    subjectId: c.id,
    subjectRef: c.applicationNo,
    subjectPersonId: (await tdb.db.selectFrom('app_user').select('id_number').where('username', '=', 'applicant2').executeTakeFirstOrThrow()).id_number,
    workflowId: c.handle.workflowId,
  };
  const at = new Date().toISOString();
  const clerk = { username: 'bureau1', displayName: 'x', orgCode: 'NX-YJGLJ' };
  for (let i = 0; i < 2; i++) {
    await tasks.openTask({ task: ref, at, slaWorkingDays: 10, eventKey: 'k/open' });
    await tasks.markTaskWarned({ task: ref, at, dueOn: '2030-01-01', eventKey: 'k/warn' });
    await tasks.pauseTask({ task: ref, at, actor: clerk, comment: '补正', eventKey: 'k/pause' });
    await tasks.completeTask({ task: ref, at, actor: clerk, decision: 'approve', comment: null, fields: {}, eventKey: 'k/decide' });
    const paid = await createPayoutActivities(tdb.db).payWithinBudget({
      claimId: c.id,
      instalmentNo: 1,
      amountYuan: 1000,
      fundOrgCode: 'NX-T-NXZ',
      approvedBy: 'x',
      at,
      eventKey: 'k/pay',
      waitingEventKey: 'k/wait',
    });
    expect(paid.paid).toBe(true);
    await createNoticeActivities(tdb.db).openNotice({
      notice: {
        noticeId: `n-${c.id}`,
        kind: 'test',
        title: '测试公示',
        subjectType: 'nanxun_claim',
        subjectId: c.id,
        workflowId: c.handle.workflowId,
        orgCode: 'NX-YJGLJ',
        entries: [],
        workingDays: 5,
      },
      at,
      eventKey: 'k/notice',
      stage: 'publicity',
    });
  }
  const count = async (username: string) => (await messages(username, c.id)).map((m) => m.kind);
  expect((await count('applicant2')).sort()).toEqual(['paid', 'supplement_requested', 'task_decided'].sort());
  const publicity = await tdb.db
    .selectFrom('notification')
    .select('kind')
    .where('recipient_user_id', '=', await userId('applicant2'))
    .where('subject_id', '=', `n-${c.id}`)
    .execute();
  expect(publicity).toEqual([{ kind: 'publicity_started' }]);
  // the unit clerk's arrival came from the workflow; the bureau's from the replayed opening, once
  expect((await count('bureau2')).sort()).toEqual(['deadline_warning', 'task_arrived']);
});
