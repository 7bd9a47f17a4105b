/**
 * Policy editions on the time-skipping server (no period is shortened: time is skipped). 实体从旧: a claim is paid
 * the amount of the edition in force when it was submitted, a shortage-talent plan keeps its split; 程序从新: a
 * bureau review takes the period of the edition in force when it opens; an expired policy refuses new claims while
 * running ones finish.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { actor, startCertificateClaim, startShortageClaim } from '../../test/helpers/claims';
import { decideUpdate } from '../../platform/tasks/messages';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addDays, addMonths, shanghaiDate, workingDayDeadline, workingDaysBetween } from '../../platform/calendar/workdays';
import { editionInForce, publishEdition } from '../../platform/policy/service';
import { Problem } from '../../platform/http/problem';
import { nanxunPolicyDomain } from '../policy/domain';
import { NANXUN_POLICY } from '../policy/parameters';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
useTimeSkippingTestbed('policy', (t) => ({ env, tdb, taskQueue } = t));

type Claim = { id: string; handle: Awaited<ReturnType<typeof startCertificateClaim>>['handle']; taskId(key: string): string };
const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirst();
const claimRow = (id: string) => tdb.db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const payouts = (id: string) =>
  tdb.db.selectFrom('payout').select(['instalment_no', 'amount_yuan']).where('claim_id', '=', id).orderBy('instalment_no').execute();
const instalments = (id: string) =>
  tdb.db
    .selectFrom('instalment')
    .select(['year_no', 'amount_yuan', 'plan_fixed_at', 'plan_edition_id'])
    .where('claim_id', '=', id)
    .orderBy('year_no')
    .execute();
const now = async () => new Date(await env.currentTimeMs());
const today = async () => shanghaiDate(await now());
const admin = async () => actor(tdb.db, 'admin');

async function decide(c: Claim, key: string, username: string, fields: Record<string, unknown> = {}) {
  const t = await eventually(() => task(c.taskId(key)), `task ${key}`);
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId(key), actor: await actor(tdb.db, username), decision: 'approve', fields }] });
  return t;
}

/** Publishes an edition based on the one in force now (as the admin does, at the skipped-ahead time). */
async function publish(parameters: Record<string, unknown>, effectiveFrom: string, effectiveTo?: string) {
  const at = await now();
  const current = await editionInForce(tdb.db, NANXUN_POLICY, at);
  return publishEdition(
    tdb.db,
    [nanxunPolicyDomain],
    { policy: NANXUN_POLICY, basedOn: current.id, title: current.title, effectiveFrom, effectiveTo, parameters, reason: 'test: 区政府修订' },
    await admin(),
    at,
    null,
  );
}

/** Skips to `date` 10:00 Asia/Shanghai. */
async function skipTo(date: string) {
  await env.sleep(Date.parse(`${date}T10:00:00+08:00`) - (await env.currentTimeMs()));
}

async function expectPeriod(t: { opened_at: Date; due_on: string | null }, days: number) {
  const opened = new Date(t.opened_at);
  const { cal } = await loadCalendar(tdb.db, opened.getUTCFullYear(), opened.getUTCFullYear() + 2);
  expect(t.due_on).toBe(workingDayDeadline(opened, days, cal).dueOn);
  expect(workingDaysBetween(shanghaiDate(opened), t.due_on!, cal).count).toBe(days);
}

async function payRereview(c: Claim, rereviewer: string, amountYuan: number) {
  await decide(c, 'rereview', rereviewer, { amountYuan });
  await eventually(async () => (await claimRow(c.id)).status === 'paid', 'the claim paid');
}

test('中级 2,000 → 2,500 and the bureau review 10 → 7 working days from a future date: amounts by submission, periods by stage opening', async () => {
  const date = addDays(await today(), 30);
  const e2 = await publish({ 'certificateRewardYuan.intermediate': 2500, bureauReviewWorkingDays: 7 }, date);
  const first = e2.basedOn!;

  // submitted before the date: the edition in force then (2,000)
  const before = await editionInForce(tdb.db, NANXUN_POLICY, await now());
  expect(before.id).toBe(first);
  const a = await startCertificateClaim(env.client, tdb.db, taskQueue, { edition: before });
  const b = await startCertificateClaim(env.client, tdb.db, taskQueue, { edition: before, applicant: 'applicant2' });
  expect(a.input.amountYuan).toBe(2000);
  // A's bureau review opens before the date: 10 working days, on the first edition's clause
  await decide(a, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  const aBureau = await eventually(() => task(a.taskId('bureau_review')), 'A bureau review');
  await expectPeriod(aBureau, 10);
  expect(aBureau.policy).toMatchObject({ editionId: first, parameter: 'bureauReviewWorkingDays' });

  await skipTo(date);
  // submitted after: 2,500
  const after = await editionInForce(tdb.db, NANXUN_POLICY, await now());
  expect(after.id).toBe(e2.id);
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { edition: after, applicant: 'applicant3' });
  expect(c.input.amountYuan).toBe(2500);
  expect((await claimRow(c.id)).policy_edition_id).toBe(e2.id);

  // B was submitted before but its bureau review opens after the date: 7 working days (程序从新), amount 2,000 (实体从旧)
  await decide(b, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  const bBureau = await eventually(() => task(b.taskId('bureau_review')), 'B bureau review');
  await expectPeriod(bBureau, 7);
  expect(bBureau.policy).toMatchObject({ editionId: e2.id, clause: expect.stringContaining('10个工作日') });
  // A's review, opened before, keeps its 10 working days
  expect((await task(a.taskId('bureau_review')))!.due_on).toBe(aBureau.due_on);

  await decide(c, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  await decide(a, 'bureau_review', 'bureau1');
  await decide(b, 'bureau_review', 'bureau1');
  await decide(c, 'bureau_review', 'bureau1');
  await payRereview(a, 'rereview.nxz', 2000);
  await payRereview(b, 'rereview.nxz', 2000);
  await payRereview(c, 'rereview.nxz', 2500);
  expect(await payouts(a.id)).toEqual([{ instalment_no: 1, amount_yuan: 2000 }]);
  expect(await payouts(b.id)).toEqual([{ instalment_no: 1, amount_yuan: 2000 }]);
  expect(await payouts(c.id)).toEqual([{ instalment_no: 1, amount_yuan: 2500 }]);
});

test('a shortage-talent plan approved before a new split keeps 3,000 / 3,000 / 4,000 in years 2 and 3', async () => {
  const edition = await editionInForce(tdb.db, NANXUN_POLICY, await now());
  const s = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', employer: 'NX-E-LSXC', edition });
  await decide(s, 'unit_verification', 'unit.lsxc', { verdict: 'true' });
  await decide(s, 'bureau_review', 'bureau1');
  await decide(s, 'rereview', rereviewerOf(s.regulator), { amountYuan: 3000 });
  await eventually(async () => (await claimRow(s.id)).status === 'awaiting_next_instalment', 'year 1 paid');
  // the plan was fixed when year 1 was approved, on the claim's edition
  const fixedAt = (await instalments(s.id)).map((i) => [i.amount_yuan, i.plan_edition_id, i.plan_fixed_at != null]);
  expect(fixedAt).toEqual([
    [3000, edition.id, true],
    [3000, edition.id, true],
    [4000, edition.id, true],
  ]);

  // a later edition changes the split (and would pay 4,000 first): the approved plan stays
  const split = await publish({ shortageInstalmentsYuan: [4000, 3000, 3000] }, addDays(await today(), 10));
  expect(split.parameters.shortageInstalmentsYuan!.value).toEqual([4000, 3000, 3000]);
  const firstPayout = await tdb.db.selectFrom('payout').select('paid_at').where('claim_id', '=', s.id).executeTakeFirstOrThrow();
  const firstPaidOn = shanghaiDate(firstPayout.paid_at);
  for (const year of [2, 3]) {
    const due = addMonths(firstPaidOn, 12 * (year - 1));
    await skipTo(due);
    await env.client.workflow.start('instalmentReleaseWorkflow', { taskQueue, workflowId: `release-${due}-${year}`, args: [{ onDate: due }] });
    const p = `y${year}/`;
    await decide(s, `${p}unit_verification`, 'unit.lsxc', { verdict: 'true' });
    await decide(s, `${p}bureau_review`, 'bureau1');
    await decide(s, `${p}rereview`, rereviewerOf(s.regulator), { amountYuan: year === 2 ? 3000 : 4000 });
    await eventually(async () => (await payouts(s.id)).length === year, `year ${year} paid`);
  }
  expect(await payouts(s.id)).toEqual([
    { instalment_no: 1, amount_yuan: 3000 },
    { instalment_no: 2, amount_yuan: 3000 },
    { instalment_no: 3, amount_yuan: 4000 },
  ]);
  expect(await claimRow(s.id)).toMatchObject({ status: 'completed', paid_yuan: 10000, policy_edition_id: edition.id });
});

test('the plan is fixed when year 1 is approved, with the split of the edition the claim was submitted under', async () => {
  const edition = await editionInForce(tdb.db, NANXUN_POLICY, await now());
  const split = edition.parameters.shortageInstalmentsYuan!.value as number[];
  const s = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2', employer: 'NX-E-JGJX', edition });
  // not fixed while year 1 is in review
  expect((await instalments(s.id)).every((i) => i.plan_fixed_at == null)).toBe(true);
  await decide(s, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  await decide(s, 'bureau_review', 'bureau1');

  // a new split takes effect before year 1 is approved: the claim keeps its own edition's split (实体从旧)
  const date = addDays(await today(), 5);
  const later = await publish({ shortageInstalmentsYuan: [2000, 4000, 4000] }, date);
  await skipTo(addDays(date, 1));
  expect((await editionInForce(tdb.db, NANXUN_POLICY, await now())).id).toBe(later.id);
  await decide(s, 'rereview', rereviewerOf(s.regulator), { amountYuan: split[0] });
  await eventually(async () => (await claimRow(s.id)).status === 'awaiting_next_instalment', 'year 1 paid');

  const rows = await instalments(s.id);
  expect(rows.map((i) => [i.year_no, i.amount_yuan, i.plan_edition_id])).toEqual(split.map((a, i) => [i + 1, a, edition.id]));
  // fixed at the approval (workflow time, after the skip), not at submission
  for (const i of rows) expect(new Date(i.plan_fixed_at!).getTime()).toBeGreaterThanOrEqual(Date.parse(`${date}T00:00:00+08:00`));
  const fixed = await tdb.db
    .selectFrom('timeline')
    .select(['event', 'comment'])
    .where('subject_id', '=', s.id)
    .where('event', '=', 'instalment_plan_fixed')
    .execute();
  expect(fixed).toEqual([{ event: 'instalment_plan_fixed', comment: expect.stringContaining(split.join(' / ')) }]);
  expect(fixed[0]!.comment).toContain('依据');
  expect(await payouts(s.id)).toEqual([{ instalment_no: 1, amount_yuan: split[0] }]);
});

test('an edition whose effectiveTo has passed refuses new claims with POLICY_NOT_IN_FORCE; running claims finish', async () => {
  const from = addDays(await today(), 5);
  const until = addDays(from, 20);
  const limited = await publish({}, from, until);
  await skipTo(addDays(from, 1));
  const inForce = await editionInForce(tdb.db, NANXUN_POLICY, await now());
  expect(inForce.id).toBe(limited.id);
  const running = await startCertificateClaim(env.client, tdb.db, taskQueue, { edition: inForce, applicant: 'applicant2', level: 'senior' });

  await skipTo(addDays(until, 1));
  const refused = await editionInForce(tdb.db, NANXUN_POLICY, await now()).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(Problem);
  expect(refused).toMatchObject({ code: 'POLICY_NOT_IN_FORCE' });
  expect((refused as Problem).extra.editions).toEqual(
    expect.arrayContaining([expect.objectContaining({ id: limited.id, effectiveTo: new Date(`${until}T00:00:00+08:00`).toISOString() })]),
  );

  // the running claim's bureau review opens with no edition in force: it uses its own edition and finishes
  await decide(running, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  const bureau = await eventually(() => task(running.taskId('bureau_review')), 'bureau review');
  expect(bureau.policy).toMatchObject({ editionId: limited.id });
  await decide(running, 'bureau_review', 'bureau1');
  await payRereview(running, 'rereview.nxz', 3000);
});

function rereviewerOf(regulator: string): string {
  const map: Record<string, string> = { 'NX-FGJXJ': 'rereview.fgjxj', 'NX-ZJJ': 'rereview.zjj' };
  return map[regulator] ?? 'rereview.fgjxj';
}
