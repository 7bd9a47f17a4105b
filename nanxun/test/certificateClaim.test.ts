/**
 * The certificate-reward workflow on the time-skipping test server, with real activities on real Postgres.
 * The 10-working-day review period is never shortened: time is skipped.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { eventually, useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { startCertificateClaim, actor } from '../../test/helpers/claims';
import { decideUpdate, resubmitUpdate } from '../../platform/tasks/messages';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { workingDayDeadline, shanghaiDate, workingDaysBetween, addWorkingDays } from '../../platform/calendar/workdays';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
useTimeSkippingTestbed('cert', (t) => ({ env, tdb, taskQueue } = t));

const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const timeline = (claimId: string) => tdb.db.selectFrom('timeline').selectAll().where('subject_id', '=', claimId).orderBy('id').execute();
const claimRow = (id: string) => tdb.db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function updateFailure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as { type?: string }).type ?? 'unknown';
    throw err;
  }
  throw new Error('expected the update to be rejected');
}

async function toBureauReview(c: Awaited<ReturnType<typeof startCertificateClaim>>) {
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  const state = await c.handle.executeUpdate(decideUpdate, {
    args: [
      {
        taskId: c.taskId('unit_verification'),
        actor: await actor(tdb.db, 'unit.jgjx'),
        decision: 'approve',
        fields: { verdict: 'true', confirmedLevel: c.input.level },
      },
    ],
  });
  expect(state).toMatchObject({ status: 'bureau_review', stage: 'bureau_review', openTaskIds: [c.taskId('bureau_review')] });
  return task(c.taskId('bureau_review'));
}

test('a claim passes unit verification, bureau review and re-review and is paid exactly once', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { level: 'senior' });
  const bureauTask = await toBureauReview(c);
  expect(bureauTask.state).toBe('open');
  expect(bureauTask.org_code).toBe('NX-YJGLJ');

  // the deadline is the end of the 10th working day after opening, from the calendar table
  const opened = new Date(bureauTask.opened_at);
  const { cal } = await loadCalendar(tdb.db, opened.getUTCFullYear(), opened.getUTCFullYear() + 2);
  const expected = workingDayDeadline(opened, 10, cal);
  expect(bureauTask.due_on).toBe(expected.dueOn);
  expect(workingDaysBetween(shanghaiDate(opened), bureauTask.due_on!, cal).count).toBe(10);
  expect(new Date(bureauTask.due_at!).toISOString()).toBe(`${bureauTask.due_on}T15:59:59.999Z`);

  const afterBureau = await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'approve' }],
  });
  expect(afterBureau.status).toBe('rereview');
  const rereview = await task(c.taskId('rereview'));
  expect(rereview.org_code).toBe('NX-T-NXZ');

  const done = await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: c.taskId('rereview'), actor: await actor(tdb.db, 'rereview.nxz'), decision: 'approve', fields: { amountYuan: 3000 } }],
  });
  expect(done.status).toBe('paid');
  expect(await c.handle.result()).toEqual({ status: 'paid', paidYuan: 3000, reason: null });

  const payouts = await tdb.db.selectFrom('payout').selectAll().where('claim_id', '=', c.id).execute();
  expect(payouts).toHaveLength(1);
  expect(payouts[0]).toMatchObject({ amount_yuan: 3000, fund_org_code: 'NX-T-NXZ', instalment_no: 1, approved_by: 'rereview.nxz' });
  expect(await claimRow(c.id)).toMatchObject({ status: 'paid', paid_yuan: 3000 });
  const events = (await timeline(c.id)).map((t) => `${t.stage}:${t.event}:${t.actor}`);
  expect(events).toEqual([
    'unit_verification:task_opened:system',
    'unit_verification:decided:unit.jgjx',
    'bureau_review:task_opened:system',
    'bureau_review:decided:bureau1',
    'rereview:task_opened:system',
    'rereview:decided:rereview.nxz',
    'payout:paid:system',
    'payout:closed_paid:system',
  ]);
});

test('validators refuse another organisation, the wrong amount, a wrong verdict and a second decision', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue);
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  const unitTask = c.taskId('unit_verification');
  // a verifier of another enterprise
  expect(
    await updateFailure(c.handle.executeUpdate(decideUpdate, { args: [{ taskId: unitTask, actor: await actor(tdb.db, 'unit.lsxc'), decision: 'approve' }] })),
  ).toBe('NOT_YOUR_TASK');
  // approve with verdict "not true" is contradictory
  expect(
    await updateFailure(
      c.handle.executeUpdate(decideUpdate, {
        args: [{ taskId: unitTask, actor: await actor(tdb.db, 'unit.jgjx'), decision: 'approve', fields: { verdict: 'not_true' } }],
      }),
    ),
  ).toBe('INVALID_DECISION');
  // the unit confirms another level than claimed: not an approval
  expect(
    await updateFailure(
      c.handle.executeUpdate(decideUpdate, {
        args: [{ taskId: unitTask, actor: await actor(tdb.db, 'unit.jgjx'), decision: 'approve', fields: { confirmedLevel: 'senior' } }],
      }),
    ),
  ).toBe('INVALID_DECISION');
  await toBureauReview(c);
  expect(
    await updateFailure(c.handle.executeUpdate(decideUpdate, { args: [{ taskId: unitTask, actor: await actor(tdb.db, 'unit.jgjx'), decision: 'approve' }] })),
  ).toBe('TASK_ALREADY_DECIDED');
  // a rejection needs a reason
  expect(
    await updateFailure(
      c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'reject' }] }),
    ),
  ).toBe('INVALID_DECISION');
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'approve' }] });
  expect(
    await updateFailure(
      c.handle.executeUpdate(decideUpdate, {
        args: [{ taskId: c.taskId('rereview'), actor: await actor(tdb.db, 'rereview.nxz'), decision: 'approve', fields: { amountYuan: 3000 } }],
      }),
    ),
  ).toBe('INVALID_DECISION');
  // nothing was written by the refused updates
  const decided = (await timeline(c.id)).filter((t) => t.event === 'decided');
  expect(decided.map((d) => d.actor)).toEqual(['unit.jgjx', 'bureau1']);
  const rejected = await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: c.taskId('rereview'), actor: await actor(tdb.db, 'rereview.nxz'), decision: 'reject', comment: '已有同级别奖励记录' }],
  });
  expect(rejected.status).toBe('rejected');
  expect(await claimRow(c.id)).toMatchObject({ status: 'rejected', close_reason: '已有同级别奖励记录', paid_yuan: 0 });
  expect(await tdb.db.selectFrom('payout').selectAll().where('claim_id', '=', c.id).execute()).toHaveLength(0);
});

test('unit verdict "no record" ends the claim rejected', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2' });
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  const s = await c.handle.executeUpdate(decideUpdate, {
    args: [
      {
        taskId: c.taskId('unit_verification'),
        actor: await actor(tdb.db, 'unit.jgjx'),
        decision: 'reject',
        comment: '查无此证',
        fields: { verdict: 'no_record' },
      },
    ],
  });
  expect(s.status).toBe('rejected');
  expect(await c.handle.result()).toMatchObject({ status: 'rejected' });
  const decided = (await timeline(c.id)).find((t) => t.event === 'decided')!;
  expect(decided.data).toMatchObject({ verdict: 'no_record' });
});

test('the bureau review warns 2 working days before its deadline, escalates when overdue, and never approves by itself', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3' });
  const t0 = await toBureauReview(c);
  const warnAt = new Date(t0.warn_at!).getTime();
  const dueAt = new Date(t0.due_at!).getTime();
  const { cal } = await loadCalendar(tdb.db, 2000, 2100);
  // the warning day is the working day on which 2 working days remain
  expect(workingDaysBetween(shanghaiDate(warnAt), t0.due_on!, cal).count).toBe(1);
  expect(shanghaiDate(warnAt)).toBe(addWorkingDays(shanghaiDate(t0.opened_at), 9, cal).date);

  const now = await env.currentTimeMs();
  await env.sleep(warnAt - now - 60_000); // a minute before the warning
  expect((await task(t0.id)).warned_at).toBeNull();
  await env.sleep(120_000);
  await eventually(async () => (await task(t0.id)).warned_at, 'the warning');
  expect((await timeline(c.id)).some((e) => e.event === 'deadline_warning')).toBe(true);
  expect((await task(t0.id)).overdue_at).toBeNull();

  await env.sleep(dueAt - (await env.currentTimeMs()) + 60_000); // a minute past the deadline
  const overdue = await eventually(async () => {
    const t = await task(t0.id);
    return t.overdue_at ? t : null;
  }, 'the escalation');
  expect(overdue.state).toBe('open');
  const escalation = (await timeline(c.id)).find((e) => e.event === 'escalated_overdue')!;
  expect(escalation.org_code).toBe('NX-YJGLJ');
  expect(escalation.comment).toContain(t0.due_on!);

  // days later, still open and undecided
  await env.sleep(5 * 24 * 3600_000);
  expect(await claimRow(c.id)).toMatchObject({ status: 'bureau_review' });
  expect((await task(t0.id)).state).toBe('open');
  const s = await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: t0.id, actor: await actor(tdb.db, 'bureau2'), decision: 'approve' }] });
  expect(s.status).toBe('rereview');
});

test('a request for materials stops the clock; resubmission resumes it with the working days that were left', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { level: 'junior' });
  const t0 = await toBureauReview(c);
  const { cal } = await loadCalendar(tdb.db, 2000, 2100);
  // three working days pass, then the reviewer asks for materials
  const pauseDay = addWorkingDays(shanghaiDate(t0.opened_at), 3, cal).date;
  const pauseAt = Date.parse(`${pauseDay}T10:00:00+08:00`);
  await env.sleep(pauseAt - (await env.currentTimeMs()));
  const paused = await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: t0.id, actor: await actor(tdb.db, 'bureau1'), decision: 'request_supplement', comment: '请补充证书原件扫描件' }],
  });
  expect(paused).toMatchObject({ status: 'supplement_requested', stage: 'bureau_review' });
  expect(await task(t0.id)).toMatchObject({ state: 'paused' });
  // clerks cannot decide a paused task; only the applicant can resubmit
  expect(
    await updateFailure(c.handle.executeUpdate(decideUpdate, { args: [{ taskId: t0.id, actor: await actor(tdb.db, 'bureau1'), decision: 'approve' }] })),
  ).toBe('TASK_PAUSED');
  expect(await updateFailure(c.handle.executeUpdate(resubmitUpdate, { args: [{ taskId: t0.id, actor: await actor(tdb.db, 'bureau1') }] }))).toBe(
    'NOT_YOUR_TASK',
  );

  // the applicant takes 30 days: the deadline passes on the calendar, but the clock is stopped
  await env.sleep(30 * 24 * 3600_000);
  await new Promise((r) => setTimeout(r, 500));
  const whilePaused = await task(t0.id);
  expect(whilePaused.overdue_at).toBeNull();
  expect(whilePaused.warned_at).toBeNull();

  const resumed = await c.handle.executeUpdate(resubmitUpdate, { args: [{ taskId: t0.id, actor: await actor(tdb.db, 'applicant1'), comment: '已补充' }] });
  expect(resumed).toMatchObject({ status: 'bureau_review', stage: 'bureau_review' });
  const t1 = await task(t0.id);
  expect(t1.state).toBe('open');
  // 10 working days, 3 used before the pause (the pause day counts as used): 7 left from the day of resubmission
  const resumeDay = shanghaiDate(await env.currentTimeMs());
  expect(t1.due_on).toBe(addWorkingDays(resumeDay, 7, cal).date);
  const events = (await timeline(c.id)).map((e) => e.event);
  expect(events).toContain('supplement_requested');
  expect(events).toContain('supplement_submitted');
  const submitted = (await timeline(c.id)).find((e) => e.event === 'supplement_submitted')!;
  expect(submitted.data).toMatchObject({ remainingWorkingDays: 7 });
});
