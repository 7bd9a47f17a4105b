/**
 * A deadline that reaches into a year with no official holiday data counts weekends only, is marked
 * provisional, and is recomputed in the running workflow when the year is loaded.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, useTimeSkippingTestbed } from '../../../test/helpers/temporal';
import type { TestDb } from '../../../test/helpers/db';
import { startCertificateClaim, actor } from '../../../test/helpers/claims';
import { calendarChangedSignal, decideUpdate } from '../messages';
import { loadCalendarYear } from '../../calendar/calendarTable';
import { shanghaiDate, addDays } from '../../calendar/workdays';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
useTimeSkippingTestbed('prov', (t) => ({ env, tdb, taskQueue } = t));

const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('a deadline in an unknown year is provisional and is recomputed when that year is loaded', async () => {
  // the first year without data, whatever year the test runs in
  const known = (await tdb.db.selectFrom('calendar_year').select('year').execute()).map((r) => r.year);
  const today = shanghaiDate(await env.currentTimeMs());
  const unknownYear = Math.max(Number(today.slice(0, 4)), ...known) + 1;
  // a bureau review opened on a Thursday late in December of the year before it
  let opening = `${unknownYear - 1}-12-22`;
  while (new Date(`${opening}T00:00:00Z`).getUTCDay() !== 4) opening = addDays(opening, 1);
  await env.sleep(Date.parse(`${opening}T10:00:00+08:00`) - (await env.currentTimeMs()));
  // ensure the year before is known (if the runner is far in the future, load it as plain weekdays)
  if (!known.includes(unknownYear - 1)) await loadCalendarYear(tdb.db, { year: unknownYear - 1, source: 'test', holidays: [], workdays: [], loadedBy: 'test' });

  const c = await startCertificateClaim(env.client, tdb.db, taskQueue);
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: c.taskId('unit_verification'), actor: await actor(tdb.db, 'unit.jgjx'), decision: 'approve' }],
  });
  const before = await task(c.taskId('bureau_review'));
  expect(before.due_provisional).toBe(true);
  expect(before.due_calendar).toMatchObject({
    provisional: true,
    years: expect.arrayContaining([expect.objectContaining({ year: unknownYear, version: null })]),
  });
  expect(before.due_on!.startsWith(`${unknownYear}-01-`)).toBe(true);

  // the State Council notice for the new year is published: New Year's Day 01-01..01-03 plus two weekday holidays
  // after it, and one adjusted working Sunday; the deadline moves accordingly
  const holidays = [1, 2, 3, 4, 5].map((d) => ({ date: `${unknownYear}-01-0${d}`, name: '元旦' }));
  await loadCalendarYear(tdb.db, { year: unknownYear, source: 'test notice', holidays, workdays: [], loadedBy: 'test' });
  await env.client.workflow.getHandle(c.handle.workflowId).signal(calendarChangedSignal);
  const after = await eventually(async () => {
    const t = await task(c.taskId('bureau_review'));
    return t.due_provisional ? null : t;
  }, 'the recomputed deadline');
  expect(after.due_on! > before.due_on!).toBe(true);
  expect(after.due_calendar).toMatchObject({
    provisional: false,
    years: expect.arrayContaining([expect.objectContaining({ year: unknownYear, version: 1, source: 'test notice' })]),
  });
  const recomputed = await tdb.db
    .selectFrom('timeline')
    .selectAll()
    .where('subject_id', '=', c.id)
    .where('event', '=', 'deadline_recomputed')
    .executeTakeFirstOrThrow();
  expect(recomputed.data).toMatchObject({ from: before.due_on, to: after.due_on, provisional: false });
});
