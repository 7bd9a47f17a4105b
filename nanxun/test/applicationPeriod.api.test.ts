/**
 * The bureau's yearly concentrated application period (seed 001: 证书奖励金集中申请时间为证书领取后的6个月内，具体时间以
 * 区应急管理局每年发布的公告为准). Rule (nanxun/applicationPeriods.ts): with a period published for the year of
 * submission, a certificate claim is accepted when submitted within the period and the certificate was received within
 * the 6 months before the period's last day; without one, within 6 months of receipt.
 */
import { nanxunFirstTerms } from '../../test/helpers/policy';
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { testApp, login, auth } from '../../test/helpers/app';
import { withClaimMaterials } from '../../test/helpers/materials';
import { shanghaiDate, addMonths, addDays } from '../../platform/calendar/workdays';
import { certificateIneligibility } from '../rules';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
useTimeSkippingTestbed('period', (t) => {
  ({ env, tdb } = t);
  app = testApp(t.tdb.db, t.env.client, t.taskQueue);
});

const base = { issuedOn: '2027-01-05', employerInDistrict: true, blacklisted: false };

test('the rule: inside the published period, for certificates received in the 6 months before its last day', () => {
  const period = { startsOn: '2027-09-01', endsOn: '2027-09-30' };
  const check = (receivedOn: string, submittedOn: string, p: typeof period | null = period) =>
    certificateIneligibility({ ...base, receivedOn, submittedOn, period: p }, nanxunFirstTerms);
  expect(check('2027-03-30', '2027-09-15')).toEqual([]); // exactly 6 months before the last day
  expect(check('2027-03-29', '2027-09-15')).toEqual(['WINDOW_EXPIRED']);
  expect(check('2027-09-20', '2027-09-25')).toEqual([]);
  expect(check('2027-06-01', '2027-08-31')).toEqual(['OUTSIDE_APPLICATION_PERIOD']);
  expect(check('2027-06-01', '2027-10-01')).toEqual(['OUTSIDE_APPLICATION_PERIOD']);
  // without a period: 6 months from receipt, whenever
  expect(check('2027-03-29', '2027-09-15', null)).toEqual([]);
  expect(check('2027-06-01', '2027-08-31', null)).toEqual([]);
  expect(check('2027-01-10', '2027-07-11', null)).toEqual(['WINDOW_EXPIRED']);
});

test('the bureau publishes the period; it is a public notice and the claim check and form use it', async () => {
  const today = shanghaiDate(new Date());
  const year = Number(today.slice(0, 4));
  const startsOn = addDays(today, -10) < `${year}-01-01` ? `${year}-01-01` : addDays(today, -10);
  const endsOn = addDays(today, 20) > `${year}-12-31` ? `${year}-12-31` : addDays(today, 20);
  const bureau = await login(app, 'bureau1');
  const applicant = await login(app, 'applicant1');
  const publish = (token: string, body: object) => request(app).post('/api/v1/nanxun/application-periods').set(auth(token)).send(body);

  expect((await publish(applicant, { year, startsOn, endsOn })).status).toBe(403);
  expect((await request(app).post('/api/v1/nanxun/application-periods').send({ year, startsOn, endsOn })).status).toBe(401);
  for (const bad of [
    { year, startsOn: endsOn, endsOn: startsOn },
    { year: year + 1, startsOn, endsOn },
    { year, startsOn, endsOn: '2026-02-30' },
    { year, startsOn },
  ]) {
    const r = await publish(bureau, bad);
    expect({ status: r.status, code: r.body.code, type: r.headers['content-type'] }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      type: expect.stringMatching(/problem\+json/),
    });
  }
  expect(await tdb.db.selectFrom('nanxun_application_period').selectAll().execute()).toEqual([]);

  // a period that has not opened yet: a claim submitted today is outside it
  const later = await publish(bureau, { year, startsOn: endsOn, endsOn });
  expect(later.status).toBe(201);
  const certificate = (receivedOn: string) => ({
    number: `ZP${Math.floor(Math.random() * 1e8)}`,
    level: 'junior',
    issuedOn: addDays(receivedOn, -5),
    receivedOn,
  });
  const claim = async (receivedOn: string) =>
    request(app)
      .post('/api/v1/nanxun/claims')
      .set(auth(applicant))
      .send(
        await withClaimMaterials(app, applicant, {
          kind: 'certificate',
          employerOrgCode: 'NX-E-JGJX',
          position: '安全主管',
          employerNature: 'production',
          certificate: certificate(receivedOn),
        }),
      );
  const early = await claim(addDays(today, -30));
  if (endsOn > today) {
    expect(early.status).toBe(422);
    expect(early.body.reasons).toEqual(['OUTSIDE_APPLICATION_PERIOD']);
  }

  // corrected: the period runs now
  const published = await publish(bureau, { year, startsOn, endsOn });
  expect(published.status).toBe(201);
  const receivedFrom = addMonths(endsOn, -6);
  expect(published.body).toMatchObject({ year, startsOn, endsOn, receivedFrom, noticeId: `nanxun-application-period-${year}`, publishedBy: 'bureau1' });
  expect((await request(app).get('/api/v1/nanxun/application-periods')).body).toEqual([published.body]);
  const notices = await request(app).get('/api/v1/public/notices');
  const notice = notices.body.find((n: { id: string }) => n.id === `nanxun-application-period-${year}`);
  expect(notice).toMatchObject({
    kind: 'application_period',
    endsOn,
    acceptsObjections: false,
    entries: [expect.objectContaining({ startsOn, endsOn, receivedFrom })],
  });
  expect(notice.entries[0].basis).toContain('具体时间以区应急管理局每年发布的公告为准');
  expect(notices.body.filter((n: { kind: string }) => n.kind === 'application_period')).toHaveLength(1);

  // the correction did not overwrite the first publication: both are versions, both on the audit trail
  expect(published.body.version).toBe(2);
  const versions = await request(app).get(`/api/v1/nanxun/application-periods/${year}/versions`);
  expect(versions.body.map((v: { version: number; startsOn: string; endsOn: string }) => [v.version, v.startsOn, v.endsOn])).toEqual([
    [1, endsOn, endsOn],
    [2, startsOn, endsOn],
  ]);
  const auditor = await login(app, 'auditor');
  const audit = await request(app).get('/api/v1/admin/audit?targetType=nanxun_application_period').set(auth(auditor));
  expect(audit.body.map((e: { action: string; actor: string; details: { version: number } }) => [e.action, e.actor, e.details.version])).toEqual([
    ['application_period.corrected', 'bureau1', 2],
    ['application_period.published', 'bureau1', 1],
  ]);
  expect(audit.body[0].details.was).toEqual({ version: 1, startsOn: endsOn, endsOn });
  // nobody rewrites a version, nor the current period behind the versions' back
  await expect(tdb.db.updateTable('nanxun_application_period_version').set({ ends_on: startsOn }).execute()).rejects.toThrow(/append-only/);
  await expect(tdb.db.deleteFrom('nanxun_application_period_version').execute()).rejects.toThrow(/append-only/);
  await expect(tdb.db.updateTable('nanxun_application_period').set({ ends_on: startsOn }).execute()).rejects.toThrow(/new version/);

  // received the day before the period's 6 months: its own 6 months still run today, the period's do not
  const tooEarly = await claim(addDays(receivedFrom, -1));
  expect(tooEarly.status).toBe(422);
  expect(tooEarly.body.reasons).toEqual(['WINDOW_EXPIRED']);
  const inTime = await claim(receivedFrom);
  expect(inTime.status).toBe(201);
  void env;
});
