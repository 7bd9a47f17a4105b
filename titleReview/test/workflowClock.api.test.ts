/**
 * One clock (issue 24): the session's "meeting too soon" check and a notice's `open` flag are decided on the clock
 * the workflows run on, so on the time-skipping server (time skipped, no period shortened) they agree with the
 * workflows' periods, as they do in production.
 */
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { skippedClock, testApp } from '../../test/helpers/app';
import { client, expectProblem, newApplicant, tokenFor } from '../../test/helpers/titleReview';
import { withTitleMaterials } from '../../test/helpers/materials';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addMonths, addWorkingDays, shanghaiDate } from '../../platform/calendar/workdays';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
useTimeSkippingTestbed('zjclock', (t) => {
  ({ env, tdb } = t);
  app = testApp(t.tdb.db, t.env.client, t.taskQueue, { workflowClock: skippedClock(t.env) });
});

test('meeting too soon and a notice still running are decided in workflow time', async () => {
  const api = client(app);
  const office = await tokenFor(tdb.db, 'office1');
  // eight months on (skipped): the wall clock is eight months behind the workflows
  await env.sleep(Date.parse(`${addMonths(shanghaiDate(new Date()), 8)}T10:00:00+08:00`) - (await env.currentTimeMs()));
  const today = shanghaiDate(await env.currentTimeMs());
  const { cal } = await loadCalendar(tdb.db, Number(today.slice(0, 4)) - 1, Number(today.slice(0, 4)) + 1);

  // a meeting 5 working days away cannot have its plan approved 10 working days before it: refused today
  const soon = addWorkingDays(today, 5, cal).date;
  expectProblem(
    await api.post('/api/v1/zhejiang/sessions', office, { year: Number(soon.slice(0, 4)), level: 'professor', meetingDate: soon }),
    422,
    'MEETING_TOO_SOON',
  );

  // a misconduct notice runs 5 working days from its decision, then is no longer open (nor listed as current)
  const meetingDate = addWorkingDays(today, 40, cal).date;
  const s = await api.post('/api/v1/zhejiang/sessions', office, { year: Number(meetingDate.slice(0, 4)), level: 'senior', meetingDate });
  expect(s.status).toBe(201);
  const p = await newApplicant(tdb.db, '钟时钟');
  const a = await api.post(
    '/api/v1/zhejiang/applications',
    p.token,
    await withTitleMaterials(app, p.token, {
      sessionId: s.body.id,
      category: 'technical_service',
      channel: 'standard',
      employerOrgCode: 'NX-E-JGJX',
      commitment: true,
    }),
  );
  expect(a.status).toBe(201);
  expect((await api.post(`/api/v1/zhejiang/applications/${a.body.id}/misconduct`, office, { reason: '业绩证明系伪造' })).status).toBe(200);
  const notice = async () => (await api.get('/api/v1/public/notices?kind=misconduct')).body[0];
  const running = await notice();
  expect(running).toMatchObject({ open: true });
  expect((await api.get('/api/v1/public/notices?kind=misconduct&current=true')).body).toHaveLength(1);
  await env.sleep(Date.parse(running.endsAt) + 3600_000 - (await env.currentTimeMs()));
  expect(await notice()).toMatchObject({ id: running.id, open: false });
  expect((await api.get(`/api/v1/public/notices/${encodeURIComponent(running.id)}`)).body).toMatchObject({ open: false });
  expect((await api.get('/api/v1/public/notices?kind=misconduct&current=true')).body).toEqual([]);
});
