/**
 * The shortage-talent reward over three years on the time-skipping server: no year is shortened, time is skipped.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { dataConverter } from '../../platform/crypto/payloadCodec';
import { eventually, untilClosed, useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { startShortageClaim, actor } from '../../test/helpers/claims';
import { decideUpdate } from '../../platform/tasks/messages';
import { loadCalendar, loadCalendarYear } from '../../platform/calendar/calendarTable';
import { addDays, addWorkingDays, shanghaiDate, startOfShanghaiDay } from '../../platform/calendar/workdays';
import { addMonths } from '../../platform/calendar/workdays';
import { claimsByStage } from '../reports/claimsByStage';
import { newApplicant } from '../../test/helpers/titleReview';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
useTimeSkippingTestbed('shortage', (t) => ({ env, tdb, taskQueue } = t));

type Claim = Awaited<ReturnType<typeof startShortageClaim>>;
const claimRow = (id: string) => tdb.db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const instalments = (id: string) => tdb.db.selectFrom('instalment').selectAll().where('claim_id', '=', id).orderBy('year_no').execute();
const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirst();

async function decide(c: Claim, key: string, username: string, decision = 'approve', fields: Record<string, unknown> = {}, comment?: string) {
  await eventually(() => task(c.taskId(key)), `task ${key}`);
  return c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId(key), actor: await actor(tdb.db, username), decision, fields, comment }] });
}

/** One year's three decisions; returns the state after the re-review. */
async function approveYear(c: Claim, prefix: string, unit: string, regulatorClerk: string, amountYuan: number) {
  await decide(c, `${prefix}unit_verification`, unit, 'approve', { verdict: 'true' });
  await decide(c, `${prefix}bureau_review`, 'bureau1');
  return decide(c, `${prefix}rereview`, regulatorClerk, 'approve', { amountYuan });
}

/** Skips to 10:00 on `date` (Shanghai) and runs the yearly release as the Schedule would. */
async function releaseOn(date: string) {
  await env.sleep(Date.parse(`${date}T10:00:00+08:00`) - (await env.currentTimeMs()));
  // started, not awaited: awaiting a result would let the test server skip time under the running claims
  return env.client.workflow.start('instalmentReleaseWorkflow', { taskQueue, workflowId: `release-${date}-${Math.random()}`, args: [{ onDate: date }] });
}

/** Runs a release and waits until it has ended (polled, so time is not skipped meanwhile): it opened `opened`. */
async function releaseEnded(date: string): Promise<{ opened: number }> {
  const r = await releaseOn(date);
  await untilClosed(r);
  // read through a plain client: the time-skipping one would let time jump while it waits for a result
  return new Client({ connection: env.client.connection, namespace: env.client.options.namespace, dataConverter: dataConverter() }).workflow
    .getHandle(r.workflowId)
    .result();
}

test('three years: 3,000 + 3,000 + 4,000 through the yearly release, re-reviewed by the industry regulator', async () => {
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', employer: 'NX-E-JGJX' });
  expect(c.regulator).toBe('NX-FGJXJ');
  const y1 = await approveYear(c, '', 'unit.jgjx', 'rereview.fgjxj', 3000);
  expect(y1.status).toBe('awaiting_next_instalment');
  const rereviewTask = await task(c.taskId('rereview'));
  expect(rereviewTask!.org_code).toBe('NX-FGJXJ'); // not the town
  const [p1] = await tdb.db.selectFrom('payout').selectAll().where('claim_id', '=', c.id).execute();
  const firstPaidOn = shanghaiDate(p1!.paid_at);
  let rows = await instalments(c.id);
  expect(rows.map((r) => [r.year_no, r.status, r.due_on])).toEqual([
    [1, 'paid', null],
    [2, 'scheduled', addMonths(firstPaidOn, 12)],
    [3, 'pending', null],
  ]);
  expect(await claimRow(c.id)).toMatchObject({ status: 'awaiting_next_instalment', paid_yuan: 3000 });

  // a release in the year of the first payment opens nothing (year 2 falls due in the next year)
  // (the release has ended, so "nothing opened" is its answer, not a guess about how fast the machine is)
  expect(await releaseEnded(addDays(`${Number(firstPaidOn.slice(0, 4)) + 1}-01-01`, -1))).toMatchObject({ opened: 0 });
  expect((await instalments(c.id))[1]!.status).toBe('scheduled');
  expect(await task(c.taskId('y2/unit_verification'))).toBeUndefined();

  // year 2: the release falls in a week with holidays and an adjusted working Saturday (the year's notice, as loaded)
  const releaseDay = addMonths(firstPaidOn, 12);
  const year2 = Number(releaseDay.slice(0, 4));
  const weekday = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
  const holidays = [1, 2, 3]
    .map((d) => addDays(releaseDay, d))
    .filter((d) => d.startsWith(String(year2)) && weekday(d))
    .map((date) => ({ date, name: '测试假日' }));
  let saturday = addDays(releaseDay, 4);
  while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6) saturday = addDays(saturday, 1);
  const workdays = saturday.startsWith(String(year2)) ? [{ date: saturday, name: '调休上班' }] : [];
  const existing = await tdb.db.selectFrom('calendar_day').selectAll().where('year', '=', year2).execute();
  await loadCalendarYear(tdb.db, {
    year: year2,
    source: 'test notice',
    holidays: [
      ...existing.filter((d) => d.kind === 'holiday' && !workdays.some((w) => w.date === d.date)).map((d) => ({ date: d.date, name: d.name })),
      ...holidays.filter((h) => !existing.some((d) => d.date === h.date)),
    ],
    workdays: [
      ...existing.filter((d) => d.kind === 'workday' && !holidays.some((h) => h.date === d.date)).map((d) => ({ date: d.date, name: d.name })),
      ...workdays.filter((w) => !existing.some((d) => d.date === w.date)),
    ],
    loadedBy: 'test',
  });
  await releaseOn(releaseDay);
  await eventually(() => task(c.taskId('y2/unit_verification')), 'year 2 unit verification');
  expect((await instalments(c.id))[1]!.status).toBe('in_review');
  expect((await claimRow(c.id)).status).toBe('unit_verification');
  await decide(c, 'y2/unit_verification', 'unit.jgjx', 'approve', { verdict: 'true' });
  const bureau2 = (await task(c.taskId('y2/bureau_review')))!;
  const { cal } = await loadCalendar(tdb.db, year2, year2 + 1);
  expect(bureau2.due_on).toBe(addWorkingDays(shanghaiDate(bureau2.opened_at), 10, cal).date);
  expect(bureau2.due_calendar).toMatchObject({ years: expect.arrayContaining([expect.objectContaining({ year: year2, source: 'test notice' })]) });
  await decide(c, 'y2/bureau_review', 'bureau1');
  const y2 = await decide(c, 'y2/rereview', 'rereview.fgjxj', 'approve', { amountYuan: 3000 });
  expect(y2.status).toBe('awaiting_next_instalment');
  rows = await instalments(c.id);
  expect(rows[2]).toMatchObject({ status: 'scheduled', due_on: addMonths(firstPaidOn, 24) });

  await releaseOn(addMonths(firstPaidOn, 24));
  const y3 = await approveYear(c, 'y3/', 'unit.jgjx', 'rereview.fgjxj', 4000);
  expect(y3.status).toBe('completed');
  expect(await c.handle.result()).toEqual({ status: 'completed', paidYuan: 10000, reason: null });
  const payouts = await tdb.db.selectFrom('payout').selectAll().where('claim_id', '=', c.id).orderBy('instalment_no').execute();
  expect(payouts.map((p) => [p.instalment_no, p.amount_yuan, p.fund_org_code])).toEqual([
    [1, 3000, 'NX-FGJXJ'],
    [2, 3000, 'NX-FGJXJ'],
    [3, 4000, 'NX-FGJXJ'],
  ]);
  expect(await claimRow(c.id)).toMatchObject({ status: 'completed', paid_yuan: 10000 });
  expect((await instalments(c.id)).map((r) => r.status)).toEqual(['paid', 'paid', 'paid']);
});

test('the person left in year 2: that instalment and the next are not paid; year 1 stays paid', async () => {
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2', employer: 'NX-E-LSXC' });
  await approveYear(c, '', 'unit.lsxc', 'rereview.fgjxj', 3000);
  const due = (await instalments(c.id))[1]!.due_on!;
  await releaseOn(due);
  const s = await decide(c, 'y2/unit_verification', 'unit.lsxc', 'reject', { verdict: 'not_true' }, '申请人已于本年度离职，社保停缴');
  // not "rejected" (不予核准): year 1 was approved and paid, and stays paid; the claim is terminated (已终止)
  expect(s.status).toBe('terminated');
  expect(await c.handle.result()).toMatchObject({ status: 'terminated', paidYuan: 3000, reason: '申请人已于本年度离职，社保停缴' });
  expect(await claimRow(c.id)).toMatchObject({ status: 'terminated', paid_yuan: 3000, close_reason: '申请人已于本年度离职，社保停缴' });
  expect((await instalments(c.id)).map((r) => r.status)).toEqual(['paid', 'cancelled', 'cancelled']);
  expect(await tdb.db.selectFrom('payout').select('amount_yuan').where('claim_id', '=', c.id).execute()).toEqual([{ amount_yuan: 3000 }]);
  const ended = await tdb.db
    .selectFrom('timeline')
    .select(['event', 'comment'])
    .where('subject_id', '=', c.id)
    .where('event', 'in', ['rejected', 'terminated'])
    .execute();
  expect(ended).toEqual([{ event: 'terminated', comment: '申请人已于本年度离职，社保停缴' }]);
  // the reports count it as closed, with only the paid 3,000 approved
  const byStage = (await claimsByStage(tdb.db)).find((r) => r.status === 'terminated' && r.orgCode === 'NX-FGJXJ');
  expect(byStage).toMatchObject({ kind: 'shortage_talent', count: 1, amountYuan: 10000, approvedYuan: 3000, paidYuan: 3000 });
});

test('a clawback while waiting for year 3 recovers both payments, cancels year 3 and blacklists the person', async () => {
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3', employer: 'NX-E-SLJS' });
  expect(c.regulator).toBe('NX-ZJJ');
  await approveYear(c, '', 'unit.sljs', 'rereview.zjj', 3000);
  await releaseOn((await instalments(c.id))[1]!.due_on!);
  await approveYear(c, 'y2/', 'unit.sljs', 'rereview.zjj', 3000);
  expect((await claimRow(c.id)).status).toBe('awaiting_next_instalment');
  await env.sleep(30 * 24 * 3600_000);

  const clawback = await env.client.workflow.start('clawbackWorkflow', {
    taskQueue,
    workflowId: `nanxun-clawback-${c.id}`,
    args: [{ claimId: c.id, reason: '社保缴纳证明系伪造', by: 'bureau1', byName: '南浔区应急管理局·初审经办人', byOrg: 'NX-YJGLJ' }],
  });
  await untilClosed(clawback);
  expect(await clawback.result()).toMatchObject({ recoveredYuan: 6000, cancelledInstalments: 1 });
  await untilClosed(c.handle);
  expect(await c.handle.result()).toMatchObject({ status: 'clawed_back', paidYuan: 6000, reason: '社保缴纳证明系伪造' });
  expect(await claimRow(c.id)).toMatchObject({ status: 'clawed_back', close_reason: '社保缴纳证明系伪造' });
  const payouts = await tdb.db.selectFrom('payout').selectAll().where('claim_id', '=', c.id).execute();
  expect(payouts.every((p) => p.recovered_at && p.recovery_reason === '社保缴纳证明系伪造')).toBe(true);
  expect((await instalments(c.id)).map((r) => r.status)).toEqual(['paid', 'paid', 'cancelled']);
  const person = (await claimRow(c.id)).applicant_id_number;
  expect(await tdb.db.selectFrom('blacklist').selectAll().where('id_number', '=', person).executeTakeFirst()).toMatchObject({
    decided_by: 'bureau1',
    reason: '社保缴纳证明系伪造',
  });
  // the year-3 release finds nothing to open
  expect(await releaseEnded(addMonths(shanghaiDate(payouts[0]!.paid_at), 24))).toMatchObject({ opened: 0 });
  expect(await task(c.taskId('y3/unit_verification'))).toBeUndefined();
  void startOfShanghaiDay;
});

test('a payout that would overdraw the fund waits, visibly, until the budget is raised', async () => {
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'expert1', employer: 'NX-E-KFDT' });
  const year = Number(shanghaiDate(await env.currentTimeMs()).slice(0, 4));
  await tdb.db.insertInto('fund_budget').values({ org_code: 'NX-SCJGJ', year, budget_yuan: 2000, set_by: 'test', updated_at: new Date() }).execute();
  const s = await approveYear(c, '', 'unit.kfdt', 'rereview.scjgj', 3000);
  expect(s.status).toBe('payout');
  expect((await instalments(c.id))[0]!.status).toBe('awaiting_budget');
  expect(await tdb.db.selectFrom('payout').selectAll().where('claim_id', '=', c.id).execute()).toHaveLength(0);
  const waiting = await tdb.db.selectFrom('timeline').selectAll().where('subject_id', '=', c.id).where('event', '=', 'payout_awaiting_budget').execute();
  expect(waiting).toHaveLength(1);
  // a day later it tries again, and waits again without a second timeline row
  await env.sleep(25 * 3600_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(await tdb.db.selectFrom('timeline').selectAll().where('subject_id', '=', c.id).where('event', '=', 'payout_awaiting_budget').execute()).toHaveLength(
    1,
  );
  await tdb.db.updateTable('fund_budget').set({ budget_yuan: 50000 }).where('org_code', '=', 'NX-SCJGJ').where('year', '=', year).execute();
  await c.handle.signal('budgetChanged');
  await eventually(async () => ((await claimRow(c.id)).status === 'awaiting_next_instalment' ? true : null), 'the payout');
  expect(await tdb.db.selectFrom('payout').select(['amount_yuan', 'fund_org_code']).where('claim_id', '=', c.id).execute()).toEqual([
    { amount_yuan: 3000, fund_org_code: 'NX-SCJGJ' },
  ]);
});

test('a claim brought over with its first instalment already paid waits for the second year', async () => {
  // a person of its own: applicant2's terminated claim (paid 3,000) is their one shortage-talent reward, ever
  const person = await newApplicant(tdb.db, '林转入');
  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: person.username, employer: 'NX-E-LHWL', importedFirstPaidOn: '2026-03-10' });
  const rows = await eventually(async () => {
    const r = await instalments(c.id);
    return r[1]!.status === 'scheduled' ? r : null;
  }, 'the second year scheduled');
  expect(rows[1]!.due_on).toBe('2027-03-10');
  // the status follows the scheduling of the second year in the next step of the workflow
  await eventually(async () => (await claimRow(c.id)).status === 'awaiting_next_instalment' || undefined, 'awaiting the second year');
  expect(await task(c.taskId('unit_verification'))).toBeUndefined();
  await c.handle.signal('releaseInstalment', { yearNo: 2, releaseId: 'test', releasedOn: '2027-03-10' });
  await eventually(() => task(c.taskId('y2/unit_verification')), 'the year-2 unit verification');
});
