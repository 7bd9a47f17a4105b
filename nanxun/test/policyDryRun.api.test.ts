/**
 * Publishing a 引育八条 edition over HTTP: the dry run lists exactly the open claims and the stages still to open
 * that the edition would touch (claims at several stages), writes nothing; the publication is admin-only, refused
 * when retroactive, overlapping or naming an unknown parameter, audited, and the editions are public.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { auth, login, testApp } from '../../test/helpers/app';
import { actor, startCertificateClaim, startShortageClaim } from '../../test/helpers/claims';
import { decideUpdate } from '../../platform/tasks/messages';
import { addDays, shanghaiDate } from '../../platform/calendar/workdays';
import { nanxunFirstEdition } from '../../test/helpers/policy';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
let app: Express;
useTimeSkippingTestbed('dryrun', (bed) => {
  ({ env, tdb, taskQueue } = bed);
  app = testApp(bed.tdb.db, bed.env.client, bed.taskQueue);
});

type Claim = { id: string; applicationNo: string; handle: Awaited<ReturnType<typeof startCertificateClaim>>['handle']; taskId(key: string): string };
const task = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirst();
async function decide(c: Claim, key: string, username: string, fields: Record<string, unknown> = {}) {
  await eventually(() => task(c.taskId(key)), `task ${key}`);
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId(key), actor: await actor(tdb.db, username), decision: 'approve', fields }] });
}

const tomorrow = () => addDays(shanghaiDate(new Date()), 1);
const edition = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  policy: 'nanxun-talent',
  basedOn: nanxunFirstEdition.id,
  title: '南浔区注册安全工程师引育八条激励办法',
  effectiveFrom: tomorrow(),
  parameters,
  reason: '区政府常务会议修订',
  ...extra,
});

test('the dry run lists exactly the stages still to open, per claim; publication is refused or recorded as the rules say', async () => {
  // claims at several stages
  const atUnit = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1' });
  const atBureau = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2' });
  await decide(atBureau, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  const atRereview = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3' });
  await decide(atRereview, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  await decide(atRereview, 'bureau_review', 'bureau1');
  const paid = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1', level: 'senior' });
  await decide(paid, 'unit_verification', 'unit.jgjx', { verdict: 'true' });
  await decide(paid, 'bureau_review', 'bureau1');
  await decide(paid, 'rereview', 'rereview.nxz', { amountYuan: 3000 });
  const shortageYear1Rereview = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2', employer: 'NX-E-LSXC' });
  await decide(shortageYear1Rereview, 'unit_verification', 'unit.lsxc', { verdict: 'true' });
  await decide(shortageYear1Rereview, 'bureau_review', 'bureau1');
  const shortageAtUnit = await startShortageClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant3', employer: 'NX-E-SLJS' });
  await eventually(async () => (await tdb.db.selectFrom('claim').select('status').where('id', '=', paid.id).executeTakeFirst())?.status === 'paid', 'paid');

  const admin = await login(app, 'admin');
  const editionsBefore = (await request(app).get('/api/v1/policies')).body;

  const dry = await request(app)
    .post('/api/v1/admin/policies/dry-run')
    .set(auth(admin))
    .send(edition({ 'certificateRewardYuan.intermediate': 2500, bureauReviewWorkingDays: 7 }));
  expect(dry.status).toBe(200);
  const from = tomorrow();
  const line = (c: Claim, label: string) => `${c.applicationNo}: ${label} opens after ${from} → 7 working days instead of 10`;
  expect(dry.body.affected.map((a: { change: string; stage: string }) => [a.stage, a.change]).sort()).toEqual(
    [
      ['bureau_review', line(atUnit, 'bureau review')],
      ['bureau_review', line(shortageAtUnit, 'bureau review')],
      ['y2/bureau_review', line(shortageAtUnit, 'year 2 bureau review')],
      ['y3/bureau_review', line(shortageAtUnit, 'year 3 bureau review')],
      ['y2/bureau_review', line(shortageYear1Rereview, 'year 2 bureau review')],
      ['y3/bureau_review', line(shortageYear1Rereview, 'year 3 bureau review')],
    ].sort(),
  );
  // open: atUnit, atBureau, atRereview, the two shortage claims; touched: atUnit and the shortage claims
  expect(dry.body.unaffected).toBe(2);
  expect(dry.body.notes[0]).toMatch(/^amounts: none, 实体从旧 .*certificateRewardYuan\.intermediate 2000 → 2500/);
  // the dry run wrote nothing
  expect((await request(app).get('/api/v1/policies')).body).toEqual(editionsBefore);

  // amounts only: no stage is touched
  const amountsOnly = await request(app)
    .post('/api/v1/admin/policies/dry-run')
    .set(auth(admin))
    .send(edition({ 'certificateRewardYuan.junior': 1200 }));
  expect(amountsOnly.body.affected).toEqual([]);

  // refusals
  const refused = async (body: object, status: number, code: string) => {
    const r = await request(app).post('/api/v1/admin/policies').set(auth(admin)).send(body);
    expect([r.status, r.body.code]).toEqual([status, code]);
  };
  await refused(edition({}, { effectiveFrom: shanghaiDate(new Date()) }), 422, 'RETROACTIVE_EDITION');
  // a whole new edition (every parameter, based on none) overlapping the one in force
  const allParameters = Object.fromEntries(Object.entries(nanxunFirstEdition.parameters).map(([n, p]) => [n, p.value]));
  await refused(edition(allParameters, { basedOn: undefined }), 409, 'OVERLAPPING_EDITION');
  await refused(edition({}, { basedOn: undefined }), 400, 'VALIDATION_FAILED'); // nothing to take the other parameters from
  await refused(edition({ certificateRewardIntermediate: 2500 }), 422, 'UNKNOWN_PARAMETER');
  const bureau = await login(app, 'bureau1');
  expect((await request(app).post('/api/v1/admin/policies').set(auth(bureau)).send(edition({}))).status).toBe(403);

  // published: public, future, with its parameters and clauses; the old edition ends where it begins
  const published = await request(app)
    .post('/api/v1/admin/policies')
    .set(auth(admin))
    .send(edition({ 'certificateRewardYuan.intermediate': 2500, bureauReviewWorkingDays: 7 }));
  expect(published.status).toBe(201);
  expect(published.body).toMatchObject({ status: 'future', basedOn: nanxunFirstEdition.id, publishedAt: expect.any(String) });
  const one = await request(app).get(`/api/v1/policies/${published.body.id}`);
  expect(one.body.parameters['certificateRewardYuan.intermediate']).toEqual({
    value: 2500,
    kind: 'substantive',
    clause: nanxunFirstEdition.parameters['certificateRewardYuan.intermediate']!.clause,
  });
  expect(one.body.parameters.bureauReviewWorkingDays).toMatchObject({ value: 7, kind: 'procedural' });
  const list = (await request(app).get('/api/v1/policies?policy=nanxun-talent')).body;
  expect(list.find((e: { id: string }) => e.id === nanxunFirstEdition.id)).toMatchObject({ status: 'in_force', effectiveTo: published.body.effectiveFrom });
  // a second edition overlapping the published one is refused; publishing the same again is an overlap too
  await refused(edition({ bureauReviewWorkingDays: 8 }, { effectiveFrom: addDays(from, 1) }), 409, 'OVERLAPPING_EDITION');
  const audit = await tdb.db.selectFrom('audit_log').selectAll().where('action', '=', 'policy_edition_published').execute();
  expect(audit).toEqual([expect.objectContaining({ actor_username: 'admin', target_id: published.body.id })]);
  expect(audit[0]!.details).toMatchObject({ reason: '区政府常务会议修订' });
});
