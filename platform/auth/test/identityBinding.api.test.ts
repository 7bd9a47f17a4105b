/**
 * Identity binding (issue 12.3/12.6, docs/security.md "Identity binding"): someone who registers with another
 * person's ID number first does not lock the real person out. The real person registers (same answer as anyone),
 * claims, and the employer's verification of that claim against the original ID makes their account the holder;
 * the other account is flagged. The bureau can decide a dispute too, on the audit trail.
 */
import request from 'supertest';
import type { Express } from 'express';
import { withClaimMaterials, withTitleMaterials } from '../../../test/helpers/materials';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { testApp, login, auth } from '../../../test/helpers/app';
import { makeIdNumber } from '../../identity/idNumber';
import { shanghaiDate, addDays } from '../../calendar/workdays';
import { GOOD_PASSWORD } from './authHelpers';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let stopWorker: () => Promise<void>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('identity');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
  app = testApp(tdb.db, env.client, taskQueue);
  for (const u of ['unit.jgjx', 'bureau1', 'auditor']) tokens[u] = await login(app, u);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

const today = () => shanghaiDate(new Date());
const claimBody = (level = 'intermediate') => ({
  kind: 'certificate',
  employerOrgCode: 'NX-E-JGJX',
  position: '安全主管',
  employerNature: 'production',
  certificate: { number: `ZA${Math.floor(Math.random() * 1e8)}`, level, issuedOn: addDays(today(), -40), receivedOn: addDays(today(), -30) },
});
const register = (username: string, idNumber: string, name = '郑真') =>
  request(app).post('/api/v1/auth/register').send({ username, password: GOOD_PASSWORD, name, idNumber, phone: '13611112222' });
const me = async (token: string) => (await request(app).get('/api/v1/auth/me').set(auth(token))).body;
async function unitTask(claimId: string) {
  return eventually(async () => {
    const r = await request(app).get('/api/v1/tasks?kind=unit_verification').set(auth(tokens['unit.jgjx']!));
    return r.body.find((t: { subject: { id: string } }) => t.subject.id === claimId);
  }, 'the unit verification task');
}
const decide = (taskId: string, body: unknown) =>
  request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`)
    .set(auth(tokens['unit.jgjx']!))
    .send(body as object);

test('an impostor registers first with my ID number; I still register, claim, and after my employer verifies my claim I own the identity', async () => {
  const X = makeIdNumber('33050319870707456');
  const impostorReg = await register('impostor', X);
  const realReg = await register('zheng.real', X);
  expect(impostorReg.status).toBe(201);
  expect(realReg.status).toBe(201);
  expect({ ...realReg.body, user: { ...realReg.body.user, username: '*' } }).toEqual({
    ...impostorReg.body,
    user: { ...impostorReg.body.user, username: '*' },
  });
  const impostor = await login(app, 'impostor', GOOD_PASSWORD);
  const real = await login(app, 'zheng.real', GOOD_PASSWORD);
  expect((await me(impostor)).identityStatus).toBe('provisional');
  expect((await me(real)).identityStatus).toBe('provisional');

  // the impostor claims first; while the identity is disputed neither account sees the other's claims
  const fake = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(impostor))
    .send(await withClaimMaterials(app, impostor, claimBody()));
  expect(fake.status).toBe(201);
  expect((await request(app).get(`/api/v1/nanxun/claims/${fake.body.id}`).set(auth(real))).status).toBe(404);
  expect((await request(app).get('/api/v1/nanxun/claims').set(auth(real))).body).toEqual([]);
  // the impostor's own claim stays visible to the impostor (by account)
  expect((await request(app).get('/api/v1/nanxun/claims').set(auth(impostor))).body.map((c: { id: string }) => c.id)).toEqual([fake.body.id]);

  // the employer checks the original ID: the impostor's does not match
  const t1 = await unitTask(fake.body.id);
  expect((await decide(t1.id, { decision: 'reject', verdict: 'not_true', comment: '身份证原件与申请人不符' })).status).toBe(200);
  expect((await me(impostor)).identityStatus).toBe('provisional');

  // the real person claims and their employer verifies the claim against the original ID
  const mine = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(real))
    .send(await withClaimMaterials(app, real, claimBody()));
  expect(mine.status).toBe(201);
  const t2 = await unitTask(mine.body.id);
  const verified = await decide(t2.id, { decision: 'approve', verdict: 'true', confirmedLevel: 'intermediate' });
  expect(verified.status).toBe(200);

  const realMe = await me(real);
  expect(realMe.identityStatus).toBe('confirmed');
  expect(realMe.idNumber).toBe(X);
  expect((await me(impostor)).identityStatus).toBe('rejected');
  // the impostor can no longer claim as that person, nor see the person's claims
  const refused = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(impostor))
    .send(await withClaimMaterials(app, impostor, claimBody('senior')));
  expect(refused.status).toBe(422);
  expect(refused.body.code).toBe('IDENTITY_MISMATCH');
  expect((await request(app).get(`/api/v1/nanxun/claims/${mine.body.id}`).set(auth(impostor))).status).toBe(404);
  // the real person sees every claim made for their identity, including the impostor's rejected one (a session
  // remembers its account's identity for at most SESSION_CHECK_MS = 2 s)
  await eventually(async () => {
    const list = (await request(app).get('/api/v1/nanxun/claims').set(auth(real))).body.map((c: { id: string }) => c.id);
    return list.includes(fake.body.id) && list.includes(mine.body.id);
  }, "the holder's claim list");

  // the dispute is closed by the verification, on the audit trail
  const resolved = (await request(app).get('/api/v1/admin/identity-disputes?state=resolved').set(auth(tokens.bureau1!))).body;
  expect(resolved).toEqual([expect.objectContaining({ resolution: 'verified_by_unit', resolvedBy: 'unit.jgjx', winner: 'zheng.real' })]);
  const audit = (await request(app).get('/api/v1/admin/audit?action=identity.confirmed').set(auth(tokens.auditor!))).body;
  expect(audit[0]).toMatchObject({ actor: 'unit.jgjx', target: { id: 'zheng.real' }, details: { how: 'verified_by_unit', flagged: ['impostor'] } });
  // a newcomer for the now-confirmed identity is flagged from the start, and a new dispute shows it to the bureau
  expect((await register('late.impostor', X)).status).toBe(201);
  // it reads provisional like any registration (no oracle) until the bureau resolves that dispute
  expect((await me(await login(app, 'late.impostor', GOOD_PASSWORD))).identityStatus).toBe('provisional');
  expect((await me(real)).identityStatus).toBe('confirmed');
});

test('the bureau resolves a dispute after checking the original ID: the loser is flagged and logged out; audited', async () => {
  const Y = makeIdNumber('33050319881212789');
  expect((await register('y.first', Y, '冯一')).status).toBe(201);
  expect((await register('y.second', Y, '冯一')).status).toBe(201);
  const first = await login(app, 'y.first', GOOD_PASSWORD);
  const second = await login(app, 'y.second', GOOD_PASSWORD);
  const open = (await request(app).get('/api/v1/admin/identity-disputes').set(auth(tokens.bureau1!))).body;
  const d = open.find((x: { claimants: { username: string }[] }) => x.claimants.some((c) => c.username === 'y.first'));
  expect(d.claimants.map((c: { username: string }) => c.username)).toEqual(['y.first', 'y.second']);
  expect(d.idNumber).toMatch(/\*/);

  const path = `/api/v1/admin/identity-disputes/${d.id}/resolve`;
  expect((await request(app).post(path).set(auth(tokens['unit.jgjx']!)).send({ username: 'y.second', reason: 'x' })).status).toBe(403);
  const notClaimant = await request(app).post(path).set(auth(tokens.bureau1!)).send({ username: 'applicant1', reason: '核对原件' });
  expect({ status: notClaimant.status, code: notClaimant.body.code }).toEqual({ status: 422, code: 'NOT_A_CLAIMANT' });
  const r = await request(app).post(path).set(auth(tokens.bureau1!)).send({ username: 'y.second', reason: '窗口核验身份证原件，y.second 为本人' });
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ id: d.id, winner: 'y.second', flagged: ['y.first'] });
  expect((await request(app).get('/api/v1/auth/me').set(auth(first))).status).toBe(401);
  expect((await me(second)).identityStatus).toBe('confirmed');
  expect((await request(app).post(path).set(auth(tokens.bureau1!)).send({ username: 'y.second', reason: 'again' })).body.code).toBe('DISPUTE_CLOSED');
  const audit = (await request(app).get('/api/v1/admin/audit?action=identity.dispute_resolved').set(auth(tokens.auditor!))).body;
  expect(audit[0]).toMatchObject({
    actor: 'bureau1',
    target: { type: 'identity_dispute', id: String(d.id) },
    details: { winner: 'y.second', flagged: ['y.first'] },
  });
});

test("a title application counts too: the employer's recommendation of the real person's application confirms their account", async () => {
  const office = await login(app, 'office1');
  const s = await request(app).post('/api/v1/zhejiang/sessions').set(auth(office)).send({ year: 2031, level: 'senior', meetingDate: '2031-06-10' });
  expect(s.status).toBe(201);
  const Z = makeIdNumber('33050319760505321');
  expect((await register('z.other', Z, '褚真')).status).toBe(201);
  expect((await register('z.real', Z, '褚真')).status).toBe(201);
  const other = await login(app, 'z.other', GOOD_PASSWORD);
  const real = await login(app, 'z.real', GOOD_PASSWORD);
  const a = await request(app)
    .post('/api/v1/zhejiang/applications')
    .set(auth(real))
    .send(
      await withTitleMaterials(app, real, {
        sessionId: s.body.id,
        category: 'technical_service',
        channel: 'landmark',
        employerOrgCode: 'NX-E-JGJX',
        commitment: true,
        materials: { landmark: '主持国家重点研发计划项目' },
      }),
    );
  expect(a.status).toBe(201);
  // while disputed, the other claimant does not see it
  expect((await request(app).get(`/api/v1/zhejiang/applications/${a.body.id}`).set(auth(other))).status).toBe(404);
  const task = await eventually(async () => {
    const r = await request(app).get('/api/v1/tasks?kind=unit_recommendation').set(auth(tokens['unit.jgjx']!));
    return r.body.find((t: { subject: { id: string } }) => t.subject.id === a.body.id);
  }, 'the unit recommendation task');
  const decided = await decide(task.id, { decision: 'approve', comment: '经核验身份证原件，同意推荐' });
  expect(decided.status).toBe(200);
  expect((await me(real)).identityStatus).toBe('confirmed');
  expect((await me(other)).identityStatus).toBe('rejected');
  const refused = await request(app)
    .post('/api/v1/zhejiang/applications')
    .set(auth(other))
    .send(
      await withTitleMaterials(app, other, {
        sessionId: s.body.id,
        category: 'technical_service',
        channel: 'landmark',
        employerOrgCode: 'NX-E-JGJX',
        commitment: true,
        materials: { landmark: 'x' },
      }),
    );
  expect(refused.body.code).toBe('IDENTITY_MISMATCH');
});
