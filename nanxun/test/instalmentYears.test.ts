/**
 * 分三年发放: the three instalments of the shortage-talent reward come in three consecutive years. The held-out
 * case: year 1 paid on 12-03, so year 2 falls due on the anniversary, two days after the 12-01 yearly release.
 * The release of a year opens every instalment falling due in that year (nanxun/rules.ts releaseDueBy), so year 2
 * is opened by the next year's release and year 3 by the one after. Time is skipped, no period is shortened.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, untilClosed, useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { startShortageClaim, actor } from '../../test/helpers/claims';
import { decideUpdate } from '../../platform/tasks/messages';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { decodedHistory } from '../../test/helpers/history';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
useTimeSkippingTestbed('instalment-years', (t) => ({ env, tdb, taskQueue } = t));

type Claim = Awaited<ReturnType<typeof startShortageClaim>>;
const instalments = (id: string) => tdb.db.selectFrom('instalment').selectAll().where('claim_id', '=', id).orderBy('year_no').execute();
const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).where('state', '=', 'open').executeTakeFirst();
const at10 = (date: string) => Date.parse(`${date}T10:00:00+08:00`);

async function approveYear(c: Claim, prefix: string, amountYuan: number) {
  for (const [key, username, fields] of [
    ['unit_verification', 'unit.jgjx', { verdict: 'true' }],
    ['bureau_review', 'bureau1', {}],
    ['rereview', 'rereview.fgjxj', { amountYuan }],
  ] as const) {
    await eventually(() => task(c.taskId(prefix + key)), prefix + key);
    await c.handle.executeUpdate(decideUpdate, {
      args: [{ taskId: c.taskId(prefix + key), actor: await actor(tdb.db, username), decision: 'approve', fields }],
    });
  }
}

/** Skips to 10:00 on `date` and runs the yearly release as the Schedule does (its 12-01 date); returns its result. */
async function release(date: string) {
  await env.sleep(at10(date) - (await env.currentTimeMs()));
  const h = await env.client.workflow.start('instalmentReleaseWorkflow', { taskQueue, workflowId: `release-${date}`, args: [{ onDate: date }] });
  await untilClosed(h);
  // the result from the history: awaiting result() on the time-skipping client would let time jump
  const closed = (await decodedHistory(await h.fetchHistory())).events!.find((e) => e.workflowExecutionCompletedEventAttributes)!;
  const payload = closed.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!;
  return JSON.parse(Buffer.from(payload.data!).toString()) as { opened: number };
}

test('year 1 paid on 12-03: the next 12-01 release opens year 2 (due 12-03) and the one after opens year 3; one payment a year', async () => {
  // the first 12-03 at or after the server's start: the held-out case is 2026-12-03
  const now = await env.currentTimeMs();
  let y = Number(shanghaiDate(now).slice(0, 4));
  if (at10(`${y}-12-03`) < now) y += 1;
  await env.sleep(at10(`${y}-12-03`) - now);

  const c = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', employer: 'NX-E-JGJX' });
  await approveYear(c, '', 3000);
  const paidOn = async () =>
    (await tdb.db.selectFrom('payout').select(['instalment_no', 'paid_at']).where('claim_id', '=', c.id).orderBy('instalment_no').execute()).map((p) => [
      p.instalment_no,
      shanghaiDate(p.paid_at),
    ]);
  expect(await eventually(async () => ((await paidOn()).length === 1 ? paidOn() : null), 'year 1 paid')).toEqual([[1, `${y}-12-03`]]);
  expect((await instalments(c.id))[1]).toMatchObject({ status: 'scheduled', due_on: `${y + 1}-12-03` });

  // the yearly release of the next year, two days before the anniversary, opens year 2
  expect(await release(`${y + 1}-12-01`)).toMatchObject({ opened: 1 });
  await eventually(() => task(c.taskId('y2/unit_verification')), 'the year-2 unit verification');
  expect((await instalments(c.id))[1]).toMatchObject({ status: 'in_review', due_on: `${y + 1}-12-03` });
  await approveYear(c, 'y2/', 3000);
  expect(await eventually(async () => ((await paidOn()).length === 2 ? paidOn() : null), 'year 2 paid')).toEqual([
    [1, `${y}-12-03`],
    [2, `${y + 1}-12-01`],
  ]);
  // year 3 keeps the first payment's anniversary and is opened by the release of its own year
  expect((await instalments(c.id))[2]).toMatchObject({ status: 'scheduled', due_on: `${y + 2}-12-03` });
  expect(await release(`${y + 2}-12-01`)).toMatchObject({ opened: 1 });
  await approveYear(c, 'y3/', 4000);
  expect(await untilClosed(c.handle)).toBe('COMPLETED');
  expect(await c.handle.result()).toEqual({ status: 'completed', paidYuan: 10000, reason: null });
  expect((await paidOn()).map(([, d]) => String(d).slice(0, 4))).toEqual([String(y), String(y + 1), String(y + 2)]);
});
