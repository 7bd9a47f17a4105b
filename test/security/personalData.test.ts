/**
 * Personal data: ID numbers masked in every response that does not need them in full; logs (the production
 * logger, runtime/logger.ts) hold no passwords, tokens or full ID numbers; security headers, no caching of
 * answers, a request-size limit, and a rate limit on login.
 */
import request from 'supertest';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { auth } from '../helpers/app';
import { createApp } from '../../api/app';
import { createTokenIssuer } from '../../platform/auth/authenticate';
import { createLogger } from '../../runtime/logger';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { buildWorld, certificateClaimBody, openTaskOf, SECRET, type Account, type Subject, type World } from './world';
import { withClaimMaterials } from '../helpers/materials';

jest.setTimeout(180_000);

let w: World;
let logged = '';
let app: Express;
beforeAll(async () => {
  w = await buildWorld();
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logged += chunk.toString();
      cb();
    },
  });
  app = createApp({
    db: w.tdb.db,
    temporal: w.env.client,
    tokens: createTokenIssuer(SECRET),
    log: createLogger({ level: 'debug', name: 'personal-data-test', destination: sink }),
    config: { devMode: true, taskQueue: w.taskQueue },
  });
});
afterAll(async () => {
  await w?.stop();
});

/**
 * Where a full ID number may appear: the person's own, and the clerks who verify the identity — for a Nanxun claim
 * the employer and the bureau (附件2-1: 身份证复印件 checked against the original), for a title application the
 * recommending employer and the committee office's qualification review (资格审查).
 */
const ZJ_COMMITTEE_OFFICE = 'ZJ-YJT-RSC';
function mayReadFullId(viewer: Account, owner: Account, s: Subject | undefined, route: 'claim' | 'task' | 'other', taskKind?: string): boolean {
  if (viewer.idNumber && viewer.idNumber === owner.idNumber) return true;
  if (!s || !viewer.orgCode) return false;
  const title = s.type === 'title_application';
  const verifiers = title ? [s.orgs.unit_verifier, ZJ_COMMITTEE_OFFICE] : [s.orgs.unit_verifier, s.orgs.bureau_reviewer];
  const verifyingKinds = title ? ['unit_recommendation', 'qualification_review'] : ['unit_verification', 'bureau_review'];
  if (route === 'claim') return verifiers.includes(viewer.orgCode) && viewer.roles.some((r) => r !== 'applicant');
  if (route === 'task') return verifyingKinds.includes(taskKind ?? '') && verifiers.includes(viewer.orgCode);
  return false;
}

test('responses: a full ID number only where the viewer needs it', async () => {
  const people = w.accounts.filter((a) => a.idNumber);
  const viewers = w.accounts.filter(
    (a) =>
      !a.orgCode ||
      ['NX-E-JGJX', 'NX-E-LSXC', 'NX-YJGLJ', 'NX-T-NXZ', 'NX-T-LSZ', 'ZJ-YJT-RSC'].includes(a.orgCode) ||
      a.roles.some((r) => ['admin', 'auditor'].includes(r)),
  );
  const tasks = await w.tdb.db
    .selectFrom('task')
    .selectAll()
    .where(
      'subject_id',
      'in',
      w.subjects.map((s) => s.id),
    )
    .execute();
  const leaks: string[] = [];
  let checked = 0;
  const scan = (viewer: Account, path: string, body: unknown, allowed: (owner: Account) => boolean) => {
    checked++;
    const text = JSON.stringify(body);
    for (const p of people) if (text.includes(p.idNumber!) && !allowed(p)) leaks.push(`${viewer.username} GET ${path} shows ${p.username}'s ID number`);
  };
  for (const v of viewers) {
    const get = async (path: string) => (await request(w.app).get(path).set(auth(v.token))).body;
    for (const s of w.subjects) scan(v, s.viewPath, await get(s.viewPath), (o) => mayReadFullId(v, o, s, 'claim'));
    for (const t of tasks) {
      const s = w.subjects.find((x) => x.id === t.subject_id)!;
      scan(v, `task ${t.id}`, await get(`/api/v1/tasks/${encodeURIComponent(t.id)}`), (o) => mayReadFullId(v, o, s, 'task', t.kind));
    }
    for (const path of [
      '/api/v1/nanxun/claims',
      '/api/v1/tasks?state=all',
      '/api/v1/auth/me',
      '/api/v1/reports/overdue-tasks',
      '/api/v1/reports/claims-by-stage',
    ]) {
      scan(v, path, await get(path), (o) => mayReadFullId(v, o, undefined, 'other'));
    }
  }
  for (const s of w.subjects) {
    const owner = w.byName[s.owner]!;
    const res = await request(w.app)
      .get('/api/v1/public/progress')
      .query({ applicationNo: s.ref, idLast6: owner.idNumber!.slice(-6) });
    expect(res.status).toBe(200);
    scan(owner, 'public progress', res.body, () => false);
  }
  // and the masked form is the one documented: first 6 and last 4 characters
  // (on the claim that has reached the town's re-review: before that the town does not see it at all)
  const atTownReview = w.subjects.find((s) => s.type === 'nanxun_claim' && s.involvedOrgs.includes('NX-T-NXZ'))!;
  const masked = await request(w.app).get(atTownReview.viewPath).set(auth(w.byName['rereview.nxz']!.token));
  expect(masked.body.applicant.idNumber).toMatch(/^\d{6}\*{8}[0-9X]{4}$/);
  expect(leaks).toEqual([]);
  expect(checked).toBeGreaterThan(100);
});

test('logs: structured JSON with request ids, and no password, token or full ID number', async () => {
  const password = 'Pw-Very-Secret-9183';
  const idNumber = makeIdNumber('33050319880808123');
  const reg = await request(app)
    .post('/api/v1/auth/register')
    .set('X-Request-Id', 'req-register-1')
    .send({ username: 'logwatch', password, name: '日志测试', idNumber, phone: '13911112222' });
  expect(reg.status).toBe(201);
  const login = await request(app).post('/api/v1/auth/login').send({ username: 'logwatch', password });
  const token = login.body.token as string;
  expect(token).toBeTruthy();
  await request(app)
    .post('/api/v1/auth/login')
    .send({ username: 'logwatch', password: `${password}-wrong` });
  await request(app).post('/api/v1/auth/login').send({ username: password, password });
  const claim = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(token))
    .send(await withClaimMaterials(app, token, { ...certificateClaimBody('junior'), applicant: { name: '日志测试', idNumber, phone: '13911112222' } }));
  expect(claim.status).toBe(201);
  const task = await openTaskOf(w, claim.body.id, 'unit_verification');
  const clerk = w.byName['unit.jgjx']!.token;
  expect(
    (
      await request(app)
        .post(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`)
        .set(auth(clerk))
        .set('Idempotency-Key', 'log-1')
        .send({ decision: 'approve' })
    ).status,
  ).toBe(200);
  // a clerk searching by ID number puts it in the URL
  await request(app).get(`/api/v1/tasks?q=${idNumber}`).set(auth(clerk));
  await request(app).get(`/api/v1/nanxun/claims?q=${idNumber}`).set(auth(token));
  // and by a person's name
  await request(app)
    .get(`/api/v1/nanxun/claims?q=${encodeURIComponent('张伟')}`)
    .set(auth(token));
  await request(app).get(`/api/v1/nanxun/claims/${claim.body.id}`).set(auth(token));
  await request(app)
    .get('/api/v1/public/progress')
    .query({ applicationNo: claim.body.applicationNo, idLast6: idNumber.slice(-6) });
  await request(app).get('/api/v1/nanxun/claims/nope').set('Authorization', `Bearer ${token}x`);
  await new Promise((r) => setTimeout(r, 200));

  expect(logged).not.toContain(encodeURIComponent('张伟'));
  expect(logged).not.toContain('q=%E5');
  const lines = logged.trim().split('\n');
  expect(lines.length).toBeGreaterThan(8);
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const requests = entries.filter((e) => e.req);
  expect(requests.length).toBeGreaterThanOrEqual(9);
  for (const e of requests)
    expect(e).toEqual(
      expect.objectContaining({
        req: expect.objectContaining({ id: expect.any(String) }),
        responseTime: expect.any(Number),
        level: expect.any(Number),
        time: expect.any(Number),
      }),
    );
  expect(entries.some((e) => (e.req as { id?: string } | undefined)?.id === 'req-register-1')).toBe(true);
  // the decision and the submission name their workflow
  expect(requests.filter((e) => typeof e.workflowId === 'string' && (e.workflowId as string).length > 0).length).toBeGreaterThanOrEqual(2);

  const secrets = [
    password,
    token,
    token.split('.')[2]!,
    w.byName['unit.jgjx']!.token.split('.')[2]!,
    idNumber,
    ...w.accounts.filter((a) => a.idNumber).map((a) => a.idNumber!),
  ];
  const found = secrets.filter((s) => logged.includes(s));
  expect(found).toEqual([]);
  // the ID number searched for is there, masked
  // search terms (an ID number, a name) are not kept at all: the request line keeps `q=***`
  expect(logged).toContain('/api/v1/tasks?q=***');
});

test('headers: security headers on every answer, no caching of API answers, no framework banner', async () => {
  for (const path of ['/healthz', '/api/v1/openapi.json', '/api/v1/nanxun/claims', '/api/v1/nope']) {
    const res = await request(w.app).get(path).set(auth(w.byName.applicant1!.token));
    expect(res.headers).toEqual(
      expect.objectContaining({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'x-request-id': expect.any(String),
      }),
    );
    expect(res.headers['x-powered-by']).toBeUndefined();
    if (path.startsWith('/api/v1')) expect(res.headers['cache-control']).toBe('no-store');
  }
});

test('request size: a body over 100 kB is 413 problem+json and changes nothing', async () => {
  const before = await w.tdb.db.selectFrom('claim').select('id').execute();
  const res = await request(w.app)
    .post('/api/v1/nanxun/claims')
    .set(auth(w.byName.applicant3!.token))
    .send({ ...certificateClaimBody('junior'), position: 'x'.repeat(150_000) });
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(await w.tdb.db.selectFrom('claim').select('id').execute()).toHaveLength(before.length);
});

test('login: failures lock the guessing address out of the account (429 ACCOUNT_LOCKED problem+json, Retry-After); the rightful user from another address and other accounts log in', async () => {
  const fresh = createApp({
    db: w.tdb.db,
    temporal: w.env.client,
    tokens: createTokenIssuer(SECRET),
    log: createLogger({ level: 'silent', name: 'x', destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    config: { devMode: true, taskQueue: w.taskQueue },
  });
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++)
    statuses.push(
      (
        await request(fresh)
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', '10.1.0.9')
          .send({ username: 'applicant3', password: `guess-${i}` })
      ).status,
    );
  expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
  expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
  // from the guessing address even the right password is refused while the lock lasts
  const limited = await request(fresh).post('/api/v1/auth/login').set('X-Forwarded-For', '10.1.0.9').send({ username: 'applicant3', password: 'demo' });
  expect({ status: limited.status, code: limited.body.code }).toEqual({ status: 429, code: 'ACCOUNT_LOCKED' });
  expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  // the lock cannot be turned on the victim: the rightful user from another address logs in (NIST SP 800-63B §5.2.2)
  const rightful = await request(fresh).post('/api/v1/auth/login').set('X-Forwarded-For', '10.1.2.3').send({ username: 'applicant3', password: 'demo' });
  expect(rightful.status).toBe(200);
  // another account from the guessing address logs in
  const other = await request(fresh).post('/api/v1/auth/login').set('X-Forwarded-For', '10.1.0.9').send({ username: 'applicant2', password: 'demo' });
  expect(other.status).toBe(200);
});

test('metrics: Prometheus text with route templates and task gauges; loopback only, or a bearer token when METRICS_TOKEN is set', async () => {
  const t = await w.tdb.db.selectFrom('task').select('id').executeTakeFirstOrThrow();
  await request(w.app)
    .get(`/api/v1/tasks/${encodeURIComponent(t.id)}`)
    .set(auth(w.byName.bureau1!.token));
  const res = await request(w.app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/tasks\/:id"/);
  expect(res.text).toMatch(/zj_tasks_open\{kind="unit_verification"\} \d+/);
  expect(res.text).toMatch(/zj_tasks_paused\{kind="bureau_review"\} 1/);
  expect(res.text).toMatch(/zj_payouts_count \d+/);
  expect(res.text).not.toMatch(/NX-ZS-|nanxun-claim-/);
  // through a same-host reverse proxy (forwarding headers) the loopback address proves nothing: refused
  expect((await request(w.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9')).status).toBe(404);
  process.env.METRICS_TOKEN = 'scrape-secret';
  try {
    const guarded = createApp({
      db: w.tdb.db,
      temporal: w.env.client,
      tokens: createTokenIssuer(SECRET),
      log: createLogger({ level: 'silent', name: 'x', destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
      config: { devMode: true, taskQueue: w.taskQueue },
    });
    expect((await request(guarded).get('/metrics')).status).toBe(404);
    expect((await request(guarded).get('/metrics').set('Authorization', 'Bearer scrape-secret')).status).toBe(200);
  } finally {
    delete process.env.METRICS_TOKEN;
  }
});
