/**
 * Shortage-talent and high-level claims, the release, clawback, budgets and the fund report over HTTP.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { useTimeSkippingTestbed, eventually } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { testApp, login, auth } from '../../test/helpers/app';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { shanghaiDate, addMonths, addDays } from '../../platform/calendar/workdays';
import { withClaimMaterials } from '../../test/helpers/materials';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
const t: Record<string, string> = {};

useTimeSkippingTestbed('rewards', (bed) => {
  ({ env, tdb } = bed);
  app = testApp(bed.tdb.db, bed.env.client, bed.taskQueue);
});
beforeAll(async () => {
  for (const u of [
    'applicant1',
    'applicant2',
    'applicant3',
    'unit.lhwl',
    'unit.jgjx',
    'bureau1',
    'rereview.jtj',
    'rereview.lhz',
    'rereview.fgjxj',
    'admin',
    'auditor',
  ])
    t[u] = await login(app, u);
});

const today = () => shanghaiDate(new Date());
const post = (path: string, token: string, body: unknown) =>
  request(app)
    .post(path)
    .set(auth(token))
    .send(body as object);
const get = (path: string, token: string) => request(app).get(path).set(auth(token));
const shortage = (over: Record<string, unknown> = {}, employment: Record<string, unknown> = {}) => ({
  kind: 'shortage_talent',
  employerOrgCode: 'NX-E-LHWL',
  certificate: { number: 'ZB-1', level: 'intermediate', issuedOn: addMonths(today(), -20), receivedOn: addMonths(today(), -19) },
  employment: { since: addMonths(today(), -14), contractYears: 3, socialSecurityMonths: 13, firstIntroduction: true, ...employment },
  ...over,
});
async function decideAll(claimId: string, steps: [string, string, Record<string, unknown>][]) {
  for (const [kind, user, body] of steps) {
    const task = await eventually(
      async () => (await get(`/api/v1/tasks?kind=${kind}`, t[user]!)).body.find((x: { subject: { id: string } }) => x.subject.id === claimId),
      `${kind} task`,
    );
    const r = await post(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`, t[user]!, body);
    expect(r.status).toBe(200);
  }
}

test('a shortage-talent claim is refused with every failing reason, checked against the data held', async () => {
  const bad = await post(
    '/api/v1/nanxun/claims',
    t.applicant2!,
    shortage(
      { certificate: { number: 'ZB-2', level: 'junior', issuedOn: addMonths(today(), -3), receivedOn: addMonths(today(), -2) } },
      { contractYears: 2, socialSecurityMonths: 6, firstIntroduction: false, since: addMonths(today(), -6) },
    ),
  );
  expect(bad.status).toBe(422);
  expect(bad.body).toMatchObject({ code: 'NOT_ELIGIBLE' });
  expect(bad.body.reasons).toEqual(
    expect.arrayContaining(['LEVEL_NOT_INTERMEDIATE', 'CONTRACT_TOO_SHORT', 'CONTRIBUTIONS_TOO_SHORT', 'NOT_FIRST_INTRODUCTION']),
  );
  const ok = await post('/api/v1/nanxun/claims', t.applicant1!, await withClaimMaterials(app, t.applicant1!, shortage()));
  expect(ok.status).toBe(201);
  expect(ok.body).toMatchObject({ kind: 'shortage_talent', amountYuan: 10000, status: 'unit_verification' });
  expect(ok.body.applicationNo).toMatch(/^NX-JQ-\d{4}-\d{6}$/);
  // the same person again
  expect((await post('/api/v1/nanxun/claims', t.applicant1!, shortage({ employerOrgCode: 'NX-E-SLJS' }))).body.code).toBe('DUPLICATE_CLAIM');
  // someone else at the same employer: it has already brought in its first intermediate engineer
  const second = await post('/api/v1/nanxun/claims', t.applicant2!, shortage());
  expect(second.status).toBe(422);
  expect(second.body.reasons).toEqual(['NOT_FIRST_INTRODUCTION']);
  const view = await get(`/api/v1/nanxun/claims/${ok.body.id}`, t.applicant1!);
  expect(view.body.instalments).toEqual([
    expect.objectContaining({ year: 1, amountYuan: 3000, status: 'in_review' }),
    expect.objectContaining({ year: 2, amountYuan: 3000, status: 'pending' }),
    expect.objectContaining({ year: 3, amountYuan: 4000, status: 'pending' }),
  ]);
  // year 1 is re-reviewed by the industry regulator (区交通局 for 菱湖物流), not the town
  await decideAll(ok.body.id, [
    ['unit_verification', 'unit.lhwl', { decision: 'approve', verdict: 'true' }],
    ['bureau_review', 'bureau1', { decision: 'approve' }],
  ]);
  expect((await get('/api/v1/tasks?kind=rereview', t['rereview.lhz']!)).body.some((x: { subject: { id: string } }) => x.subject.id === ok.body.id)).toBe(false);
  await decideAll(ok.body.id, [['rereview', 'rereview.jtj', { decision: 'approve', amountYuan: 3000 }]]);
  const after = await get(`/api/v1/nanxun/claims/${ok.body.id}`, t.applicant1!);
  expect(after.body).toMatchObject({ status: 'awaiting_next_instalment', paidYuan: 3000 });
  expect(after.body.instalments[1]).toMatchObject({ status: 'scheduled', dueOn: addMonths(today(), 12) });

  // the admin's release today opens nothing (nothing is due yet); dates in the future are refused
  const rel = await post('/api/v1/nanxun/instalments/release', t.admin!, {});
  expect(rel.status).toBe(200);
  expect(rel.body).toMatchObject({ onDate: today(), opened: 0 });
  expect((await post('/api/v1/nanxun/instalments/release', t.admin!, { onDate: addDays(today(), 1) })).body.code).toBe('VALIDATION_FAILED');
  expect((await post('/api/v1/nanxun/instalments/release', t.bureau1!, {})).status).toBe(403);

  // the fund report shows the regulator's payment
  const report = await get(`/api/v1/nanxun/funds/report`, t.auditor!);
  expect(report.body.find((r: { orgCode: string }) => r.orgCode === 'NX-JTJ')).toMatchObject({ paidYuan: 3000, pendingYuan: 0, recoveredYuan: 0 });
  const own = await get(`/api/v1/nanxun/funds/report`, t['rereview.jtj']!);
  expect(own.body.map((r: { orgCode: string }) => r.orgCode)).toEqual(['NX-JTJ']);
});

test('a clawback recovers, cancels and blacklists; the person can claim nothing more', async () => {
  const created = await post(
    '/api/v1/nanxun/claims',
    t.applicant3!,
    await withClaimMaterials(app, t.applicant3!, {
      kind: 'certificate',
      employerOrgCode: 'NX-E-JGJX',
      certificate: { number: 'ZC-1', level: 'junior', issuedOn: addDays(today(), -30), receivedOn: addDays(today(), -20) },
    }),
  );
  await decideAll(created.body.id, [
    ['unit_verification', 'unit.jgjx', { decision: 'approve' }],
    ['bureau_review', 'bureau1', { decision: 'approve' }],
  ]);
  const pending = await post(
    '/api/v1/nanxun/claims',
    t.applicant3!,
    await withClaimMaterials(app, t.applicant3!, {
      kind: 'certificate',
      employerOrgCode: 'NX-E-JGJX',
      certificate: { number: 'ZC-2', level: 'intermediate', issuedOn: addDays(today(), -30), receivedOn: addDays(today(), -20) },
    }),
  );
  expect(pending.status).toBe(201);
  const rr = await login(app, 'rereview.nxz');
  const task = await eventually(
    async () => (await get('/api/v1/tasks?kind=rereview', rr)).body.find((x: { subject: { id: string } }) => x.subject.id === created.body.id),
    'rereview',
  );
  await post(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`, rr, { decision: 'approve', amountYuan: 1000 });

  expect((await post(`/api/v1/nanxun/claims/${created.body.id}/clawback`, t['unit.jgjx']!, { reason: '证书系伪造' })).status).toBe(403);
  const cb = await post(`/api/v1/nanxun/claims/${created.body.id}/clawback`, t.bureau1!, { reason: '证书系伪造' });
  expect(cb.status).toBe(200);
  expect(cb.body).toMatchObject({ status: 'clawed_back', recoveredYuan: 1000, blacklisted: true, decidedBy: 'bureau1' });
  expect(cb.body.affectedClaims.map((c: { applicationNo: string }) => c.applicationNo).sort()).toEqual(
    [created.body.applicationNo, pending.body.applicationNo].sort(),
  );
  expect((await post(`/api/v1/nanxun/claims/${created.body.id}/clawback`, t.bureau1!, { reason: 'again' })).body.code).toBe('ALREADY_CLAWED_BACK');

  const view = await get(`/api/v1/nanxun/claims/${created.body.id}`, t.applicant3!);
  expect(view.body).toMatchObject({ status: 'clawed_back', closeReason: '证书系伪造' });
  expect(view.body.instalments[0]).toMatchObject({ status: 'recovered', recoveredAt: expect.any(String) });
  // the other claim's open task is cancelled by its workflow
  await eventually(async () => {
    const v = await get(`/api/v1/nanxun/claims/${pending.body.id}`, t.applicant3!);
    return v.body.status === 'clawed_back' && v.body.tasks.every((x: { state: string }) => x.state !== 'open') ? v : null;
  }, 'the pending claim cancelled');
  const again = await post('/api/v1/nanxun/claims', t.applicant3!, {
    kind: 'certificate',
    employerOrgCode: 'NX-E-JGJX',
    certificate: { number: 'ZC-3', level: 'senior', issuedOn: addDays(today(), -30), receivedOn: addDays(today(), -20) },
  });
  expect(again.status).toBe(422);
  expect(again.body.reasons).toContain('BLACKLISTED');
  const report = await get(`/api/v1/nanxun/funds/report`, t.admin!);
  expect(report.body.find((r: { orgCode: string }) => r.orgCode === 'NX-T-NXZ')).toMatchObject({ paidYuan: 1000, recoveredYuan: 1000 });
});

test('budgets: admin sets them per body and year; bad bodies and amounts are refused', async () => {
  const year = Number(today().slice(0, 4));
  const r = await request(app).put(`/api/v1/nanxun/funds/NX-T-LHZ/budgets/${year}`).set(auth(t.admin!)).send({ budgetYuan: 50000 });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ orgCode: 'NX-T-LHZ', year, budgetYuan: 50000 });
  expect((await request(app).put(`/api/v1/nanxun/funds/NX-E-LHWL/budgets/${year}`).set(auth(t.admin!)).send({ budgetYuan: 1 })).status).toBe(404);
  expect((await request(app).put(`/api/v1/nanxun/funds/NX-T-LHZ/budgets/${year}`).set(auth(t.admin!)).send({ budgetYuan: -5 })).status).toBe(400);
  expect((await request(app).put(`/api/v1/nanxun/funds/NX-T-LHZ/budgets/${year}`).set(auth(t.bureau1!)).send({ budgetYuan: 5 })).status).toBe(403);
  const report = await get(`/api/v1/nanxun/funds/report?year=${year}`, t.admin!);
  expect(report.body.find((x: { orgCode: string }) => x.orgCode === 'NX-T-LHZ')).toMatchObject({ budgetYuan: 50000, remainingYuan: 50000 });
});

test('a high-level talent claim submitted before the title is a year old waits for that day', async () => {
  const reg = await request(app)
    .post('/api/v1/auth/register')
    .send({ username: 'gaogong', password: 'Lantern-Quiet-Harbor-71', name: '高工', idNumber: makeIdNumber('33050219800101333'), phone: '13600000000' });
  expect(reg.status).toBe(201);
  const token = await login(app, 'gaogong', 'Lantern-Quiet-Harbor-71');
  const grantedOn = addMonths(today(), -6);
  const r = await post('/api/v1/nanxun/claims', token, {
    kind: 'high_level',
    employerOrgCode: 'NX-E-JGJX',
    title: { level: 'professor', certificateNumber: 'ZG-1', grantedOn, socialSecurityMonths: 24 },
  });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ kind: 'high_level', amountYuan: 30000, status: 'awaiting_eligibility' });
  expect(r.body.applicationNo).toMatch(/^NX-GC-/);
  expect(await tdb.db.selectFrom('task').selectAll().where('subject_id', '=', r.body.id).execute()).toHaveLength(0);
  const dup = await post('/api/v1/nanxun/claims', token, {
    kind: 'high_level',
    employerOrgCode: 'NX-E-JGJX',
    title: { level: 'professor', certificateNumber: 'ZG-1', grantedOn, socialSecurityMonths: 24 },
  });
  expect(dup.body.code).toBe('DUPLICATE_CLAIM');
  // half a year later the title has been held a year: the unit verification opens
  await env.sleep(Date.parse(`${addMonths(grantedOn, 12)}T08:00:00+08:00`) - (await env.currentTimeMs()));
  await eventually(
    () => tdb.db.selectFrom('task').selectAll().where('subject_id', '=', r.body.id).where('kind', '=', 'unit_verification').executeTakeFirst(),
    'the unit verification',
  );
});
