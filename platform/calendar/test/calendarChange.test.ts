/**
 * A change to a year that is already known moves every open deadline whose period it touches (not only the
 * provisional ones), and the task's timeline says so. The held-out case: a 10-working-day 区应急管理局 review
 * opened Tuesday 2027-11-09 is due 2027-11-23; declaring Monday 2027-11-15 a holiday moves it to 2027-11-24.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, useTimeSkippingTestbed } from '../../../test/helpers/temporal';
import type { TestDb } from '../../../test/helpers/db';
import { startCertificateClaim, actor } from '../../../test/helpers/claims';
import { auth, login, testApp } from '../../../test/helpers/app';
import { decideUpdate } from '../../tasks/messages';
import { loadCalendar, loadCalendarYear, changedDates } from '../calendarTable';
import { addDays, addWorkingDays, shanghaiDate } from '../workdays';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
let app: Express;
useTimeSkippingTestbed('calchange', (t) => {
  ({ env, tdb, taskQueue } = t);
  app = testApp(t.tdb.db, t.env.client, t.taskQueue);
});

const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('changedDates: the days whose kind differs between two versions of a year', () => {
  expect(
    changedDates(
      [
        { date: '2027-10-01', kind: 'holiday' },
        { date: '2027-10-09', kind: 'workday' },
      ],
      [
        { date: '2027-10-01', kind: 'holiday' },
        { date: '2027-11-15', kind: 'holiday' },
        { date: '2027-10-09', kind: 'holiday' },
      ],
    ),
  ).toEqual(['2027-10-09', '2027-11-15']);
});

test('declaring a holiday in a known year moves an open deadline on known data, shown on the timeline', async () => {
  // a Tuesday in November of a future year (2027-11-09 when run in 2026)
  const year = Math.max(2027, Number(shanghaiDate(await env.currentTimeMs()).slice(0, 4)) + 1);
  let opening = `${year}-11-09`;
  while (new Date(`${opening}T00:00:00Z`).getUTCDay() !== 2) opening = addDays(opening, 1);
  const known = (
    await tdb.db
      .selectFrom('calendar_year')
      .select('year')
      .where('year', 'in', [year, year + 1])
      .execute()
  ).map((r) => r.year);
  for (const y of [year, year + 1])
    if (!known.includes(y)) await loadCalendarYear(tdb.db, { year: y, source: 'test: weekends only', holidays: [], workdays: [], loadedBy: 'test' });
  await env.sleep(Date.parse(`${opening}T10:00:00+08:00`) - (await env.currentTimeMs()));

  const c = await startCertificateClaim(env.client, tdb.db, taskQueue);
  await eventually(() => task(c.taskId('unit_verification')), 'unit task');
  await c.handle.executeUpdate(decideUpdate, {
    args: [{ taskId: c.taskId('unit_verification'), actor: await actor(tdb.db, 'unit.jgjx'), decision: 'approve' }],
  });
  const before = await task(c.taskId('bureau_review'));
  const { cal } = await loadCalendar(tdb.db, year, year + 1);
  expect(before.due_provisional).toBe(false);
  expect(before.due_on).toBe(addWorkingDays(opening, 10, cal).date);
  if (year === 2027) expect(before.due_on).toBe('2027-11-23');

  // the next Monday is declared a holiday: the year's data is reloaded through the admin route
  const monday = addDays(opening, 6);
  const admin = await login(app, 'admin');
  const current = (await request(app).get(`/api/v1/admin/calendar/${year}`).set(auth(admin))).body as {
    holidays: { date: string; name: string }[];
    workdays: { date: string; name: string }[];
  };
  const put = await request(app)
    .put(`/api/v1/admin/calendar/${year}`)
    .set(auth(admin))
    .send({ source: 'test: amended notice', holidays: [...current.holidays, { date: monday, name: '临时假日' }], workdays: current.workdays });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ year, changedDates: [monday], recomputing: 1, signalFailures: 0 });

  const after = await eventually(async () => {
    const t = await task(c.taskId('bureau_review'));
    return t.due_on !== before.due_on ? t : null;
  }, 'the moved deadline');
  expect(after.due_on).toBe(addDays(before.due_on!, 1)); // one working day more: Tuesday → Wednesday
  if (year === 2027) expect(after.due_on).toBe('2027-11-24');
  expect(after.due_calendar).toMatchObject({
    provisional: false,
    years: expect.arrayContaining([expect.objectContaining({ year, source: 'test: amended notice' })]),
  });
  const timeline = await request(app)
    .get(`/api/v1/nanxun/claims/${c.id}`)
    .set(auth(await login(app, 'bureau1')));
  expect(timeline.status).toBe(200);
  const rows = await tdb.db.selectFrom('timeline').selectAll().where('subject_id', '=', c.id).where('event', '=', 'deadline_recomputed').execute();
  expect(rows).toHaveLength(1);
  expect(rows[0]!.data).toMatchObject({ taskId: c.taskId('bureau_review'), from: before.due_on, to: after.due_on, provisional: false });
  expect(JSON.stringify(timeline.body)).toContain('deadline_recomputed');
  expect(rows[0]!.comment).toBe(`工作日历调整，办结期限由 ${before.due_on} 改为 ${after.due_on}`);
  expect(JSON.stringify(timeline.body)).toContain(`办结期限由 ${before.due_on} 改为 ${after.due_on}`);

  // a change outside the period (after the due day) moves nothing and signals no one
  const later = addDays(after.due_on!, 7);
  const put2 = await request(app)
    .put(`/api/v1/admin/calendar/${year}`)
    .set(auth(admin))
    .send({
      source: 'test: amended notice 2',
      holidays: [...current.holidays, { date: monday, name: '临时假日' }, { date: later, name: '另一假日' }],
      workdays: current.workdays,
    });
  expect(put2.body).toMatchObject({ changedDates: [later], recomputing: 0 });
});
