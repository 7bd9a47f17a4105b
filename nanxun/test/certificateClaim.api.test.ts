/**
 * The certificate-claim walk-through over HTTP: the real Express app, real Postgres, real workflows.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { testApp, login, auth } from '../../test/helpers/app';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { shanghaiDate, addMonths, addDays } from '../../platform/calendar/workdays';
import { withClaimMaterials } from '../../test/helpers/materials';
import { ROLES } from '../../platform/auth/roles';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let stopWorker: () => Promise<void>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('api');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
  app = testApp(tdb.db, env.client, taskQueue);
  for (const u of ['applicant1', 'applicant2', 'unit.jgjx', 'unit.lsxc', 'bureau1', 'rereview.nxz', 'rereview.lsz', 'admin']) tokens[u] = await login(app, u);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

const today = () => shanghaiDate(new Date());
function claimBody(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'certificate',
    employerOrgCode: 'NX-E-JGJX',
    position: '安全主管',
    employerNature: 'production',
    certificate: { number: `ZA${Math.floor(Math.random() * 1e8)}`, level: 'intermediate', issuedOn: addDays(today(), -40), receivedOn: addDays(today(), -30) },
    ...overrides,
  };
}
const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  request(app)
    .post(path)
    .set(auth(token))
    .set(headers)
    .send(body as object);
const get = (path: string, token: string) => request(app).get(path).set(auth(token));
const decide = (taskId: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`, token, body, headers);

function expectProblem(res: request.Response, status: number, code: string) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }));
}

/** a decision's answer is stored for its Idempotency-Key after the response went out: wait for it */
const answerStored = (key: string) =>
  eventually(
    async () => (await tdb.db.selectFrom('idempotency').select('status_code').where('key', '=', key).executeTakeFirst())?.status_code === 200,
    `the answer stored for ${key}`,
  );

test('an applicant submits a claim; three clerks decide it; the applicant sees it paid with a full timeline', async () => {
  const created = await post(
    '/api/v1/nanxun/claims',
    tokens.applicant1!,
    await withClaimMaterials(app, tokens.applicant1!, claimBody({ certificate: { ...claimBody().certificate, level: 'senior' } })),
  );
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ kind: 'certificate', status: 'unit_verification', stage: 'unit_verification', amountYuan: 3000 });
  expect(created.body.applicationNo).toMatch(/^NX-ZS-\d{4}-\d{6}$/);
  const claimId = created.body.id as string;

  // the employer's verifier sees the task; the other enterprise's does not
  const inbox = await eventually(async () => {
    const r = await get('/api/v1/tasks?kind=unit_verification', tokens['unit.jgjx']!);
    return r.body.find((t: { subject: { id: string } }) => t.subject.id === claimId);
  }, 'the unit verification task');
  expect(inbox).toMatchObject({
    kind: 'unit_verification',
    state: 'open',
    orgCode: 'NX-E-JGJX',
    subject: { type: 'nanxun_claim', ref: created.body.applicationNo },
  });
  const other = await get('/api/v1/tasks', tokens['unit.lsxc']!);
  expect(other.body.some((t: { subject: { id: string } }) => t.subject.id === claimId)).toBe(false);
  expectProblem(await decide(inbox.id, tokens['unit.lsxc']!, { decision: 'approve', verdict: 'true' }), 403, 'NOT_YOUR_TASK');
  // task ids are URL-safe: used in a path as they are, no percent-encoding
  expect(inbox.id).toMatch(/^[A-Za-z0-9._~-]+$/);
  const detail = await get(`/api/v1/tasks/${inbox.id}`, tokens['unit.jgjx']!);
  expect(detail.status).toBe(200);
  // an id of the old form (`/` instead of `~`, sent percent-encoded) still resolves
  const oldForm = await get(`/api/v1/tasks/${encodeURIComponent(inbox.id.replaceAll('~', '/'))}`, tokens['unit.jgjx']!);
  expect(oldForm.body.id).toBe(inbox.id);
  expect(detail.body.subjectSummary).toMatchObject({ applicantName: '张伟', level: 'senior', amountYuan: 3000 });

  const unit = await decide(inbox.id, tokens['unit.jgjx']!, { decision: 'approve', verdict: 'true', confirmedLevel: 'senior' }, { 'Idempotency-Key': 'uv-1' });
  expect(unit.status).toBe(200);
  expect(unit.body).toMatchObject({ task: { id: inbox.id, state: 'done', decision: 'approve' }, subject: { status: 'bureau_review', stage: 'bureau_review' } });
  // the same request again with the same key: the first result, not an error
  const replay = await decide(
    inbox.id,
    tokens['unit.jgjx']!,
    { decision: 'approve', verdict: 'true', confirmedLevel: 'senior' },
    { 'Idempotency-Key': 'uv-1' },
  );
  expect(replay.status).toBe(200);
  expect(replay.body).toEqual(unit.body);
  // without the key a second decision is refused
  expectProblem(await decide(inbox.id, tokens['unit.jgjx']!, { decision: 'approve', verdict: 'true' }), 409, 'TASK_ALREADY_DECIDED');
  // the key reused for a different request
  expectProblem(
    await decide(inbox.id, tokens['unit.jgjx']!, { decision: 'reject', verdict: 'not_true', comment: 'x' }, { 'Idempotency-Key': 'uv-1' }),
    422,
    'IDEMPOTENCY_KEY_REUSED',
  );

  // the bureau task is due at the end of the 10th working day, with the calendar data named
  const bureauTasks = await get('/api/v1/tasks?kind=bureau_review', tokens.bureau1!);
  const bureau = bureauTasks.body.find((t: { subject: { id: string } }) => t.subject.id === claimId);
  expect(bureau).toMatchObject({ state: 'open', dueProvisional: false, workingDaysLeft: 10, overdue: false, warning: false });
  expect(bureau.dueAt).toBe(`${bureau.dueOn}T23:59:59.999+08:00`);
  expect(bureau.dueCalendar.years[0]).toMatchObject({ source: expect.stringMatching(/^chinese-days@/) });
  expectProblem(await decide(bureau.id, tokens.bureau1!, { decision: 'approve', verdict: 'maybe' }), 400, 'VALIDATION_FAILED');
  expectProblem(await decide(bureau.id, tokens.bureau1!, { decision: 'reject' }), 422, 'INVALID_DECISION');
  const b = await decide(bureau.id, tokens.bureau1!, { decision: 'approve', comment: '予以核准' });
  expect(b.body.subject).toEqual({ status: 'rereview', stage: 'rereview' });

  // re-review by the town responsible for the employer (南浔镇), not another town
  const rr = (await get('/api/v1/tasks?kind=rereview', tokens['rereview.nxz']!)).body.find((t: { subject: { id: string } }) => t.subject.id === claimId);
  expect(rr).toBeDefined();
  expect((await get('/api/v1/tasks?kind=rereview', tokens['rereview.lsz']!)).body.some((t: { subject: { id: string } }) => t.subject.id === claimId)).toBe(
    false,
  );
  expectProblem(await decide(rr.id, tokens['rereview.nxz']!, { decision: 'approve', amountYuan: 2000 }), 422, 'INVALID_DECISION');
  const paid = await decide(rr.id, tokens['rereview.nxz']!, { decision: 'approve', amountYuan: 3000 }, { 'Idempotency-Key': 'rr-1' });
  expect(paid.status).toBe(200);
  expect(paid.body.subject).toEqual({ status: 'paid', stage: 'payout' });
  // its answer lost, and the claim's workflow ended meanwhile (paid): the retry still finds its own decision
  const rrRow = await tdb.db.selectFrom('task').select('workflow_id').where('id', '=', rr.id).executeTakeFirstOrThrow();
  await env.client.workflow.getHandle(rrRow.workflow_id).result();
  await answerStored('rr-1');
  await tdb.db.deleteFrom('idempotency').where('key', '=', 'rr-1').execute();
  const paidAgain = await decide(rr.id, tokens['rereview.nxz']!, { decision: 'approve', amountYuan: 3000 }, { 'Idempotency-Key': 'rr-1' });
  expect(paidAgain.status).toBe(200);
  expect(paidAgain.headers['idempotent-replayed']).toBe('true');
  expect(paidAgain.body).toMatchObject({ task: { id: rr.id, state: 'done', decision: 'approve' }, subject: { status: 'paid' } });
  // another key on the same decided task is another request
  expectProblem(
    await decide(rr.id, tokens['rereview.nxz']!, { decision: 'approve', amountYuan: 3000 }, { 'Idempotency-Key': 'rr-2' }),
    409,
    'TASK_ALREADY_DECIDED',
  );

  const view = await get(`/api/v1/nanxun/claims/${claimId}`, tokens.applicant1!);
  expect(view.status).toBe(200);
  expect(view.body).toMatchObject({ status: 'paid', amountYuan: 3000, paidYuan: 3000, rereviewOrg: { code: 'NX-T-NXZ', name: '南浔镇' } });
  expect(view.body.instalments).toEqual([expect.objectContaining({ year: 1, amountYuan: 3000, status: 'paid', paidAt: expect.stringMatching(/\+08:00$/) })]);
  const decided = view.body.timeline.filter((t: { event: string }) => t.event === 'decided');
  expect(decided.map((t: { stage: string; orgCode: string; actor: string; decision: string }) => [t.stage, t.orgCode, t.actor, t.decision])).toEqual([
    ['unit_verification', 'NX-E-JGJX', 'unit.jgjx', 'approve'],
    ['bureau_review', 'NX-YJGLJ', 'bureau1', 'approve'],
    ['rereview', 'NX-T-NXZ', 'rereview.nxz', 'approve'],
  ]);
  expect(decided[1]).toMatchObject({ comment: '予以核准', orgName: '南浔区应急管理局', at: expect.stringMatching(/\+08:00$/) });
  // the re-reviewing town sees the claim with the ID number masked; another applicant does not see it at all
  const townView = await get(`/api/v1/nanxun/claims/${claimId}`, tokens['rereview.nxz']!);
  expect(townView.body.applicant.idNumber).toMatch(/^\d{6}\*{8}[0-9X]{4}$/);
  expectProblem(await get(`/api/v1/nanxun/claims/${claimId}`, tokens.applicant2!), 404, 'NOT_FOUND');

  // public progress with the application number and the last 6 ID characters, without personal data
  const user = await tdb.db.selectFrom('app_user').select('id_number').where('username', '=', 'applicant1').executeTakeFirstOrThrow();
  const progress = await request(app)
    .get('/api/v1/public/progress')
    .query({ applicationNo: created.body.applicationNo, idLast6: user.id_number!.slice(-6) });
  expect(progress.status).toBe(200);
  expect(progress.body).toMatchObject({ status: 'paid', applicationNo: created.body.applicationNo });
  const text = JSON.stringify(progress.body);
  for (const secret of ['张伟', user.id_number!, 'unit.jgjx', 'bureau1', '予以核准']) expect(text).not.toContain(secret);
  expectProblem(await request(app).get('/api/v1/public/progress').query({ applicationNo: created.body.applicationNo, idLast6: '000000' }), 404, 'NOT_FOUND');

  // a second claim for the same level is a duplicate, a different level is fine
  expectProblem(
    await post('/api/v1/nanxun/claims', tokens.applicant1!, claimBody({ certificate: { ...claimBody().certificate, level: 'senior' } })),
    409,
    'DUPLICATE_CLAIM',
  );
});

test('refusals: malformed input, wrong check digit, identity, window, employer, duplicates while pending', async () => {
  const a = tokens.applicant2!;
  expectProblem(await post('/api/v1/nanxun/claims', a, { kind: 'certificate' }), 400, 'VALIDATION_FAILED');
  expectProblem(
    await request(app).post('/api/v1/nanxun/claims').set(auth(a)).set('content-type', 'application/json').send('{"kind":'),
    400,
    'VALIDATION_FAILED',
  );
  const me = await tdb.db.selectFrom('app_user').selectAll().where('username', '=', 'applicant2').executeTakeFirstOrThrow();
  const wrongDigit = me.id_number!.slice(0, 17) + (me.id_number!.endsWith('0') ? '1' : '0');
  expectProblem(
    await post('/api/v1/nanxun/claims', a, claimBody({ applicant: { name: me.display_name, idNumber: wrongDigit, phone: '13800000000' } })),
    400,
    'VALIDATION_FAILED',
  );
  const someoneElse = makeIdNumber('33050319850505123');
  expectProblem(
    await post('/api/v1/nanxun/claims', a, claimBody({ applicant: { name: me.display_name, idNumber: someoneElse, phone: '13800000000' } })),
    422,
    'IDENTITY_MISMATCH',
  );
  const expired = await post(
    '/api/v1/nanxun/claims',
    a,
    claimBody({ certificate: { number: 'Z1', level: 'junior', issuedOn: addMonths(today(), -8), receivedOn: addDays(addMonths(today(), -6), -1) } }),
  );
  expectProblem(expired, 422, 'NOT_ELIGIBLE');
  expect(expired.body.reasons).toEqual(['WINDOW_EXPIRED']);
  // exactly six months after receipt is still inside the window
  const edge = await post(
    '/api/v1/nanxun/claims',
    a,
    await withClaimMaterials(
      app,
      a,
      claimBody({ certificate: { number: 'Z2', level: 'junior', issuedOn: addMonths(today(), -7), receivedOn: addMonths(today(), -6) } }),
    ),
  );
  expect(edge.status).toBe(201);
  const outside = await post(
    '/api/v1/nanxun/claims',
    a,
    claimBody({ employerOrgCode: 'HZ-E-WXHG', certificate: { ...claimBody().certificate, level: 'senior' } }),
  );
  expectProblem(outside, 422, 'NOT_ELIGIBLE');
  expect(outside.body.reasons).toContain('EMPLOYER_NOT_IN_DISTRICT');
  // the junior claim is pending: a second junior claim is a duplicate
  expectProblem(await post('/api/v1/nanxun/claims', a, claimBody({ certificate: { ...claimBody().certificate, level: 'junior' } })), 409, 'DUPLICATE_CLAIM');
  // only applicants submit claims
  expectProblem(await post('/api/v1/nanxun/claims', tokens.bureau1!, claimBody()), 403, 'FORBIDDEN');
  expectProblem(await request(app).post('/api/v1/nanxun/claims').send(claimBody()), 401, 'UNAUTHENTICATED');
  // nothing half-written: exactly one claim exists for applicant2
  expect(await tdb.db.selectFrom('claim').select('application_no').where('applicant_id_number', '=', me.id_number!).execute()).toHaveLength(1);
});

test('the database refuses a second pending claim for the same level even if the code check is bypassed', async () => {
  const claim = await tdb.db.selectFrom('claim').selectAll().where('status', '<>', 'rejected').where('kind', '=', 'certificate').executeTakeFirstOrThrow();
  await expect(
    tdb.db
      .insertInto('claim')
      .values({ ...claim, id: 'dup', application_no: 'NX-ZS-DUP', workflow_id: 'dup', form: JSON.stringify(claim.form), closed_at: null })
      .execute(),
  ).rejects.toMatchObject({ code: '23505', constraint: 'claim_one_certificate_per_level' });
});

test('two identical submissions at once make one claim', async () => {
  const token = await login(app, 'applicant3');
  const body = await withClaimMaterials(app, token, claimBody({ certificate: { ...claimBody().certificate, level: 'intermediate' } }));
  const [r1, r2] = await Promise.all([post('/api/v1/nanxun/claims', token, body), post('/api/v1/nanxun/claims', token, body)]);
  expect([r1.status, r2.status].sort()).toEqual([201, 409]);
  const loser = r1.status === 409 ? r1 : r2;
  expect(loser.body.code).toBe('DUPLICATE_CLAIM');
});

test('two clerks deciding the same task at once: one wins, the other gets 409', async () => {
  const token = await login(app, 'applicant3');
  const created = await post(
    '/api/v1/nanxun/claims',
    token,
    await withClaimMaterials(app, token, claimBody({ certificate: { ...claimBody().certificate, level: 'junior' } })),
  );
  expect(created.status).toBe(201);
  const unitTask = await eventually(
    async () => (await get('/api/v1/tasks', tokens['unit.jgjx']!)).body.find((t: { subject: { id: string } }) => t.subject.id === created.body.id),
    'unit task',
  );
  await decide(unitTask.id, tokens['unit.jgjx']!, { decision: 'approve' });
  const bureauTask = await eventually(
    async () => (await get('/api/v1/tasks', tokens.bureau1!)).body.find((t: { subject: { id: string } }) => t.subject.id === created.body.id),
    'bureau task',
  );
  const bureau2 = await login(app, 'bureau2');
  const [r1, r2] = await Promise.all([
    decide(bureauTask.id, tokens.bureau1!, { decision: 'approve' }),
    decide(bureauTask.id, bureau2, { decision: 'reject', comment: '材料不全' }),
  ]);
  expect([r1.status, r2.status].sort()).toEqual([200, 409]);
  const winner = r1.status === 200 ? r1 : r2;
  const decidedRows = await tdb.db
    .selectFrom('timeline')
    .selectAll()
    .where('subject_id', '=', created.body.id)
    .where('stage', '=', 'bureau_review')
    .where('event', '=', 'decided')
    .execute();
  expect(decidedRows).toHaveLength(1);
  expect(decidedRows[0]!.decision).toBe(winner.body.task.decision);
});

test('a decision taken whose answer was lost: the retry with the same Idempotency-Key answers it; a refusal frees the key', async () => {
  const reg = await request(app)
    .post('/api/v1/auth/register')
    .send({ username: 'lost-answer', password: 'Lantern-Quiet-Harbor-71', name: '钱七', idNumber: makeIdNumber('33050319880808123'), phone: '13600000000' });
  expect(reg.status).toBe(201);
  const token = await login(app, 'lost-answer', 'Lantern-Quiet-Harbor-71');
  const created = await post(
    '/api/v1/nanxun/claims',
    token,
    await withClaimMaterials(app, token, claimBody({ certificate: { ...claimBody().certificate, level: 'junior' } })),
  );
  expect(created.status).toBe(201);
  const unitTask = await eventually(
    async () => (await get('/api/v1/tasks', tokens['unit.jgjx']!)).body.find((t: { subject: { id: string } }) => t.subject.id === created.body.id),
    'unit task',
  );
  // refused (a junior claim confirmed at another level is not an approval): the key is free for the corrected request
  expectProblem(
    await decide(unitTask.id, tokens['unit.jgjx']!, { decision: 'approve', verdict: 'true', confirmedLevel: 'senior' }, { 'Idempotency-Key': 'lost-0' }),
    422,
    'INVALID_DECISION',
  );
  expect(await tdb.db.selectFrom('idempotency').select('key').where('key', '=', 'lost-0').executeTakeFirst()).toBeUndefined();
  const body = { decision: 'approve', verdict: 'true', confirmedLevel: 'junior', comment: '原件已核' };
  const first = await decide(unitTask.id, tokens['unit.jgjx']!, body, { 'Idempotency-Key': 'lost-1' });
  expect(first.status).toBe(200);
  // as if the API had died after the workflow took the decision and before it stored the answer: nothing was
  // written for the key before the Update (the Update id derived from it is what the workflow remembers)
  await answerStored('lost-1');
  await tdb.db.deleteFrom('idempotency').where('key', '=', 'lost-1').execute();
  const retry = await decide(unitTask.id, tokens['unit.jgjx']!, body, { 'Idempotency-Key': 'lost-1' });
  expect(retry.status).toBe(200);
  expect(retry.headers['idempotent-replayed']).toBe('true');
  expect(retry.body).toMatchObject({
    task: { id: unitTask.id, state: 'done', decision: 'approve' },
    subject: { status: 'bureau_review', stage: 'bureau_review' },
  });
  expect(retry.body).toEqual(first.body);
  // a key an API from before issue 23 reserved (status 102) and never answered is answered the same way
  await tdb.db
    .updateTable('idempotency')
    .set({ status_code: 102, response: JSON.stringify({ inProgress: true }) })
    .where('key', '=', 'lost-1')
    .execute();
  const again = await decide(unitTask.id, tokens['unit.jgjx']!, body, { 'Idempotency-Key': 'lost-1' });
  expect(again.status).toBe(200);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.body).toMatchObject({ task: { id: unitTask.id, state: 'done' }, subject: { status: 'bureau_review', stage: 'bureau_review' } });
  // the answer is stored now (after the response: eventually); another key is another request, which finds the task decided
  await answerStored('lost-1');
  expectProblem(await decide(unitTask.id, tokens['unit.jgjx']!, body, { 'Idempotency-Key': 'lost-2' }), 409, 'TASK_ALREADY_DECIDED');
  const decided = await tdb.db
    .selectFrom('timeline')
    .select('id')
    .where('subject_id', '=', created.body.id)
    .where('stage', '=', 'unit_verification')
    .where('event', '=', 'decided')
    .execute();
  expect(decided).toHaveLength(1);
});

test('a clerk never sees or decides a task about their own claim', async () => {
  // a verifier at 精工机械 who is also an applicant (same identity) files a claim
  const verifier = await tdb.db.selectFrom('app_user').selectAll().where('username', '=', 'unit.jgjx').executeTakeFirstOrThrow();
  const reg = await request(app)
    .post('/api/v1/auth/register')
    .send({ username: 'verifier-self', password: 'Lantern-Quiet-Harbor-71', name: verifier.display_name, idNumber: verifier.id_number, phone: '13900000000' });
  expect(reg.status).toBe(201);
  const self = await login(app, 'verifier-self', 'Lantern-Quiet-Harbor-71');
  const created = await post('/api/v1/nanxun/claims', self, await withClaimMaterials(app, self, claimBody()));
  expect(created.status).toBe(201);
  const t = await eventually(() => tdb.db.selectFrom('task').selectAll().where('subject_id', '=', created.body.id).executeTakeFirst(), 'the task');
  const inbox = await get('/api/v1/tasks', tokens['unit.jgjx']!);
  expect(inbox.body.some((x: { id: string }) => x.id === t.id)).toBe(false);
  expectProblem(await decide(t.id, tokens['unit.jgjx']!, { decision: 'approve' }), 403, 'NOT_YOUR_TASK');
});

test('registration: check digit, password strength, no oracle on whether the ID number has an account', async () => {
  const id = makeIdNumber('33050219920202456');
  const reg = (username: string, password: string, idNumber = id) =>
    request(app).post('/api/v1/auth/register').send({ username, password, name: '赵六', idNumber, phone: '13700000000' });
  expectProblem(await reg('short', '1234567'), 422, 'WEAK_PASSWORD');
  expectProblem(await reg('digits', '12345678'), 422, 'WEAK_PASSWORD');
  expectProblem(await reg('badcheck', 'Lantern-Quiet-Harbor-71', `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`), 400, 'VALIDATION_FAILED');
  const ok = await reg('zhaoliu', 'Lantern-Quiet-Harbor-71', id.toLowerCase());
  expect(ok.status).toBe(201);
  expect(ok.body.user).toMatchObject({ username: 'zhaoliu', roles: ['applicant'] });
  // a second account for the same ID number: the same answer (docs/security.md "Identity binding")
  const again = await reg('zhaoliu2', 'Lantern-Quiet-Harbor-71');
  expect(again.status).toBe(201);
  expect(again.body.user).toMatchObject({ username: 'zhaoliu2', roles: ['applicant'], orgCode: null });
  expectProblem(await request(app).post('/api/v1/auth/login').send({ username: 'zhaoliu', password: 'wrong-password' }), 401, 'UNAUTHENTICATED');
});

test('health, OpenAPI, demo accounts, and demo logins refused outside development mode', async () => {
  const h = await request(app).get('/healthz');
  // the time-skipping test server has no cluster information (platform/http/test/healthz.test.ts covers the dev server)
  expect(h.body).toEqual({ status: 'ok', db: 'ok', temporal: { status: 'ok', serverVersion: null, persistence: null, visibility: null } });
  const doc = await request(app).get('/api/v1/openapi.json');
  expect(doc.status).toBe(200);
  for (const p of [
    '/api/v1/nanxun/claims',
    '/api/v1/nanxun/claims/{id}',
    '/api/v1/tasks',
    '/api/v1/tasks/{id}/decision',
    '/api/v1/public/progress',
    '/api/v1/auth/login',
    '/api/v1/admin/calendar/{year}',
  ]) {
    expect(Object.keys(doc.body.paths)).toContain(p);
  }
  const accounts = await request(app).get('/api/v1/dev/accounts');
  // every role has a demo account
  const roles = new Set(accounts.body.flatMap((a: { roles: string[] }) => a.roles));
  for (const r of ROLES) expect(roles).toContain(r);
  // every town and regulator that re-reviews has a clerk
  const orgs = new Set(accounts.body.map((a: { orgCode: string }) => a.orgCode));
  for (const t of [
    'NX-T-NXZ',
    'NX-T-LSZ',
    'NX-T-SLZ',
    'NX-T-LHZ',
    'NX-T-HFZ',
    'NX-T-SLN',
    'NX-T-JGZ',
    'NX-T-QJZ',
    'NX-T-SCZ',
    'NX-T-KFQ',
    'NX-ZJJ',
    'NX-SCJGJ',
  ])
    expect(orgs).toContain(t);

  const prod = testApp(tdb.db, env.client, 'unused', { devMode: false });
  expectProblem(await request(prod).post('/api/v1/auth/login').send({ username: 'bureau1', password: 'demo' }), 401, 'UNAUTHENTICATED');
  expectProblem(await request(prod).get('/api/v1/dev/accounts'), 404, 'NOT_FOUND');
});

test('an admin loads a calendar year; bad calendar input is refused', async () => {
  const got = await get('/api/v1/admin/calendar/2026', tokens.admin!);
  expect(got.body).toMatchObject({ year: 2026, known: true });
  expect(got.body.holidays).toEqual(expect.arrayContaining([{ date: '2026-10-01', name: '国庆节' }]));
  expect(got.body.workdays).toEqual(expect.arrayContaining([{ date: '2026-10-10', name: '国庆节' }]));
  expectProblem(
    await request(app)
      .put('/api/v1/admin/calendar/2031')
      .set(auth(tokens.admin!))
      .send({ holidays: [{ date: '2032-01-01', name: '元旦' }], workdays: [] }),
    400,
    'VALIDATION_FAILED',
  );
  expectProblem(
    await request(app)
      .put('/api/v1/admin/calendar/2031')
      .set(auth(tokens.admin!))
      .send({ holidays: [{ date: '2031-02-30', name: 'x' }], workdays: [] }),
    400,
    'VALIDATION_FAILED',
  );
  expectProblem(await request(app).put('/api/v1/admin/calendar/2031').set(auth(tokens.bureau1!)).send({ holidays: [], workdays: [] }), 403, 'FORBIDDEN');
  const put = await request(app)
    .put('/api/v1/admin/calendar/2031')
    .set(auth(tokens.admin!))
    .send({ holidays: [{ date: '2031-01-01', name: '元旦' }], workdays: [] });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ year: 2031, version: 1, holidays: 1 });
  const again = await request(app)
    .put('/api/v1/admin/calendar/2031')
    .set(auth(tokens.admin!))
    .send({ holidays: [{ date: '2031-01-01', name: '元旦' }], workdays: [] });
  expect(again.body.version).toBe(2);
});
