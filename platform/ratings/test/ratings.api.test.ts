/**
 * 好差评 over HTTP: the applicant rates an ended claim once; not before it ends, not someone else's; the report
 * counts the rating for each organisation that handled the claim, in the month it was given.
 */
import request from 'supertest';
import type { Express } from 'express';
import { useTimeSkippingTestbed, eventually } from '../../../test/helpers/temporal';
import type { TestDb } from '../../../test/helpers/db';
import { testApp, login, auth } from '../../../test/helpers/app';
import { expectProblem } from '../../../test/helpers/titleReview';
import { claimMaterials } from '../../../test/helpers/materials';
import { shanghaiDate, addDays } from '../../calendar/workdays';

let tdb: TestDb;
let app: Express;
const t: Record<string, string> = {};

useTimeSkippingTestbed('ratings', (bed) => {
  tdb = bed.tdb;
  app = testApp(bed.tdb.db, bed.env.client, bed.taskQueue);
});
beforeAll(async () => {
  for (const u of ['applicant1', 'applicant2', 'unit.jgjx', 'bureau1', 'auditor']) t[u] = await login(app, u);
});

const today = () => shanghaiDate(new Date());
async function submit(token: string, level: string): Promise<string> {
  const materials = await claimMaterials(app, token, 'certificate');
  const res = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(token))
    .send({
      kind: 'certificate',
      employerOrgCode: 'NX-E-JGJX',
      certificate: { number: `ZR${Math.floor(Math.random() * 1e8)}`, level, issuedOn: addDays(today(), -40), receivedOn: addDays(today(), -30) },
      materials,
    });
  expect(res.status).toBe(201);
  return res.body.id as string;
}
const rate = (token: string, id: string, score: number, comment?: string) =>
  request(app)
    .post('/api/v1/ratings')
    .set(auth(token))
    .send({ subject: { type: 'nanxun_claim', id }, score, ...(comment ? { comment } : {}) });

test('the applicant rates an ended claim once; before the end 422; twice 409; someone else 404; the report counts it per organisation and month', async () => {
  const claimId = await submit(t.applicant1!, 'junior');
  // still at the unit: it has not ended
  expectProblem(await rate(t.applicant1!, claimId, 5), 422, 'NOT_ENDED');
  const unitTask = await eventually(
    async () => (await request(app).get('/api/v1/tasks').set(auth(t['unit.jgjx']!))).body.find((x: { subject: { id: string } }) => x.subject.id === claimId),
    'unit task',
  );
  const rejected = await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(unitTask.id)}/decision`)
    .set(auth(t['unit.jgjx']!))
    .send({ decision: 'reject', verdict: 'no_record', comment: '本单位无该证书记录' });
  expect(rejected.status).toBe(200);
  expect(rejected.body.subject.status).toBe('rejected');

  // another applicant cannot rate (or learn about) it
  expectProblem(await rate(t.applicant2!, claimId, 1), 404, 'NOT_FOUND');
  expectProblem(await request(app).get(`/api/v1/ratings/nanxun_claim/${claimId}`).set(auth(t.applicant1!)), 404, 'NOT_FOUND');
  expectProblem(await rate(t.applicant1!, claimId, 6), 400, 'VALIDATION_FAILED');
  expectProblem(await rate(t.applicant1!, claimId, 0), 400, 'VALIDATION_FAILED');
  expectProblem(await rate(t['unit.jgjx']!, claimId, 5), 403, 'FORBIDDEN');

  const first = await rate(t.applicant1!, claimId, 4, '答复及时，理由清楚');
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ subject: { type: 'nanxun_claim', id: claimId }, score: 4, comment: '答复及时，理由清楚', orgCodes: ['NX-E-JGJX'] });
  expectProblem(await rate(t.applicant1!, claimId, 1), 409, 'ALREADY_RATED');
  expect((await request(app).get(`/api/v1/ratings/nanxun_claim/${claimId}`).set(auth(t.applicant1!))).body.score).toBe(4);

  // a second ended claim, rated 2: the unit's month shows both
  const other = await submit(t.applicant2!, 'junior');
  const task2 = await eventually(
    async () => (await request(app).get('/api/v1/tasks').set(auth(t['unit.jgjx']!))).body.find((x: { subject: { id: string } }) => x.subject.id === other),
    'unit task',
  );
  await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(task2.id)}/decision`)
    .set(auth(t['unit.jgjx']!))
    .send({ decision: 'reject', verdict: 'not_true', comment: '证书信息不符' });
  await eventually(async () => (await tdb.db.selectFrom('claim').select('closed_at').where('id', '=', other).executeTakeFirstOrThrow()).closed_at, 'closed');
  expect((await rate(t.applicant2!, other, 2)).status).toBe(201);

  const month = today().slice(0, 7);
  const report = await request(app)
    .get('/api/v1/reports/ratings')
    .query({ year: Number(month.slice(0, 4)) })
    .set(auth(t.bureau1!));
  expect(report.status).toBe(200);
  expect(report.body).toEqual([
    { orgCode: 'NX-E-JGJX', orgName: expect.any(String), month, count: 2, averageScore: 3, scores: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 }, good: 1, bad: 1 },
  ]);
  expect(
    (
      await request(app)
        .get('/api/v1/reports/ratings')
        .query({ year: Number(month.slice(0, 4)) - 1 })
        .set(auth(t.auditor!))
    ).body,
  ).toEqual([]);
  expectProblem(await request(app).get('/api/v1/reports/ratings').query({ year: 2026 }).set(auth(t.applicant1!)), 403, 'FORBIDDEN');
});
