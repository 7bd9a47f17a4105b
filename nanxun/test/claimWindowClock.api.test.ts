/**
 * One clock (issue 24): a claim's 6-month window is decided on the clock the workflows run on, so on the
 * time-skipping server (time skipped, never a period shortened) the API answers as production would on that day.
 */
import type { Express } from 'express';
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { auth, login, skippedClock, testApp } from '../../test/helpers/app';
import { withClaimMaterials } from '../../test/helpers/materials';
import { addDays, addMonths, shanghaiDate } from '../../platform/calendar/workdays';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
useTimeSkippingTestbed('clock', (t) => {
  ({ env, tdb } = t);
  app = testApp(t.tdb.db, t.env.client, t.taskQueue, { workflowClock: skippedClock(t.env) });
});

const body = (level: string, receivedOn: string) => ({
  kind: 'certificate',
  employerOrgCode: 'NX-E-JGJX',
  position: '安全主管',
  employerNature: 'production',
  certificate: { number: `ZA${Math.floor(Math.random() * 1e8)}`, level, issuedOn: addDays(receivedOn, -10), receivedOn },
});

test('the 6-month window is counted to the day the workflow records as the submission, not the server wall clock', async () => {
  const token = await login(app, 'applicant1');
  const wallToday = shanghaiDate(new Date());
  // eight months later (skipped): a certificate received on the wall clock's today is out of its window…
  await env.sleep(Date.parse(`${addMonths(wallToday, 8)}T10:00:00+08:00`) - (await env.currentTimeMs()));
  const skippedToday = shanghaiDate(await env.currentTimeMs());
  const late = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(token))
    .send(await withClaimMaterials(app, token, body('junior', wallToday)));
  expect(late.status).toBe(422);
  expect(late.body).toMatchObject({ code: 'NOT_ELIGIBLE', reasons: ['WINDOW_EXPIRED'] });

  // …and one received a month ago (in the wall clock's future) is within it, and recorded as submitted today
  const ok = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(token))
    .send(await withClaimMaterials(app, token, body('intermediate', addMonths(skippedToday, -1))));
  expect(ok.status).toBe(201);
  const row = await tdb.db.selectFrom('claim').select('submitted_at').where('id', '=', ok.body.id).executeTakeFirstOrThrow();
  expect(shanghaiDate(row.submitted_at)).toBe(skippedToday);
});
