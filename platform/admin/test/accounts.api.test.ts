/**
 * Account administration (issue 15.3): an admin creates a staff account with a one-time password, which must be
 * changed before anything else; resets; the audit trail is readable by auditors and admins only; the committee
 * office gives an expert of the pool a login.
 */
import request from 'supertest';
import { accountsWorld, bearer, loginAs, GOOD_PASSWORD } from '../../auth/test/authHelpers';

jest.setTimeout(60_000);

let w: Awaited<ReturnType<typeof accountsWorld>>;
let admin: string;
beforeAll(async () => {
  w = await accountsWorld();
  admin = (await loginAs(w.app, 'admin')).body.token;
});
afterAll(async () => {
  await w?.stop();
});

const post = (path: string, token: string, body?: unknown) =>
  request(w.app)
    .post(path)
    .set(bearer(token))
    .send(body as object);

test('admin creates an account → login with the one-time password → every route refuses until the password is changed', async () => {
  const created = await post('/api/v1/admin/users', admin, {
    username: 'unit.new',
    displayName: '嘉宏机械·新经办人',
    orgCode: 'NX-E-JGJX',
    roles: ['unit_verifier'],
  });
  expect(created.status).toBe(201);
  expect(created.body.user).toMatchObject({
    username: 'unit.new',
    roles: ['unit_verifier'],
    orgCode: 'NX-E-JGJX',
    active: true,
    mustChangePassword: true,
    createdBy: 'admin',
  });
  const otp: string = created.body.oneTimePassword;
  expect(otp.length).toBeGreaterThanOrEqual(12);
  // the password is stored hashed only
  const row = await w.tdb.db.selectFrom('app_user').select('password_hash').where('username', '=', 'unit.new').executeTakeFirstOrThrow();
  expect(row.password_hash).not.toContain(otp);

  const login = await loginAs(w.app, 'unit.new', otp);
  expect(login.status).toBe(200);
  expect(login.body.mustChangePassword).toBe(true);
  const token: string = login.body.token;
  for (const [method, path] of [
    ['get', '/api/v1/tasks'],
    ['get', '/api/v1/nanxun/claims'],
    ['post', '/api/v1/nanxun/claims'],
  ] as const) {
    const r = await request(w.app)[method](path).set(bearer(token)).send({});
    expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
  }
  const me = await request(w.app).get('/api/v1/auth/me').set(bearer(token));
  expect(me.body.mustChangePassword).toBe(true);

  expect((await post('/api/v1/auth/password', token, { oldPassword: 'not-it', newPassword: GOOD_PASSWORD })).body.code).toBe('WRONG_PASSWORD');
  const weak = await post('/api/v1/auth/password', token, { oldPassword: otp, newPassword: 'password' });
  expect(weak.status).toBe(422);
  expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD', field: 'newPassword' });
  expect((await post('/api/v1/auth/password', token, { oldPassword: otp, newPassword: otp })).body.code).toBe('WEAK_PASSWORD');
  expect((await post('/api/v1/auth/password', token, { oldPassword: otp, newPassword: GOOD_PASSWORD })).status).toBe(204);
  // the same session goes on, now unrestricted
  expect((await request(w.app).get('/api/v1/tasks').set(bearer(token))).status).toBe(200);
  expect((await loginAs(w.app, 'unit.new', otp)).status).toBe(401);
  const again = await loginAs(w.app, 'unit.new', GOOD_PASSWORD);
  expect(again.body.mustChangePassword).toBe(false);
});

test('creating an account: roles from the fixed list (400 naming the field), a known organisation (422), a free username (409)', async () => {
  const badRole = await post('/api/v1/admin/users', admin, { username: 'x.role', displayName: 'x', orgCode: 'NX-E-JGJX', roles: ['superuser'] });
  expect(badRole.status).toBe(400);
  expect(badRole.body.code).toBe('VALIDATION_FAILED');
  expect(badRole.body.errors[0].path).toBe('roles.0');
  const badOrg = await post('/api/v1/admin/users', admin, { username: 'x.org', displayName: 'x', orgCode: 'NO-SUCH-ORG', roles: ['unit_verifier'] });
  expect(badOrg.status).toBe(422);
  expect(badOrg.body).toMatchObject({ code: 'UNKNOWN_ORG', field: 'orgCode' });
  expect((await post('/api/v1/admin/users', admin, { username: 'Bureau1', displayName: 'x', orgCode: null, roles: ['auditor'] })).body.code).toBe(
    'USERNAME_TAKEN',
  );
  const bureau = (await loginAs(w.app, 'bureau1')).body.token as string;
  expect((await post('/api/v1/admin/users', bureau, { username: 'x.forbidden', displayName: 'x', orgCode: null, roles: ['admin'] })).status).toBe(403);
  expect(await w.tdb.db.selectFrom('app_user').select('id').where('username', 'in', ['x.role', 'x.org', 'x.forbidden']).execute()).toEqual([]);
});

test('a password reset ends the sessions and gives a one-time password that must be changed', async () => {
  const old = (await loginAs(w.app, 'applicant3')).body.token as string;
  const reset = await post('/api/v1/admin/users/applicant3/reset-password', admin);
  expect(reset.status).toBe(200);
  expect(reset.body.user.mustChangePassword).toBe(true);
  expect((await request(w.app).get('/api/v1/auth/me').set(bearer(old))).status).toBe(401);
  expect((await loginAs(w.app, 'applicant3')).status).toBe(401);
  const login = await loginAs(w.app, 'applicant3', reset.body.oneTimePassword);
  expect(login.body.mustChangePassword).toBe(true);
  expect((await request(w.app).get('/api/v1/nanxun/claims').set(bearer(login.body.token))).body.code).toBe('PASSWORD_CHANGE_REQUIRED');
  expect((await post('/api/v1/admin/users/nobody-here/reset-password', admin)).status).toBe(404);
});

test('the user list filters by organisation and text, paged', async () => {
  const page = await request(w.app).get('/api/v1/admin/users?orgCode=NX-E-JGJX&limit=2').set(bearer(admin));
  expect(page.status).toBe(200);
  expect(page.body.items).toHaveLength(2);
  expect(page.body.total).toBeGreaterThanOrEqual(2);
  expect(page.body.items.every((u: { orgCode: string }) => u.orgCode === 'NX-E-JGJX')).toBe(true);
  const next = await request(w.app).get(`/api/v1/admin/users?orgCode=NX-E-JGJX&limit=2&offset=2`).set(bearer(admin));
  expect(next.body.items.map((u: { username: string }) => u.username)).not.toContain(page.body.items[0].username);
  const q = await request(w.app).get('/api/v1/admin/users?q=APPLICANT').set(bearer(admin));
  expect(q.body.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['applicant1', 'applicant2']));
  const auditor = (await loginAs(w.app, 'auditor')).body.token as string;
  expect((await request(w.app).get('/api/v1/admin/users').set(bearer(auditor))).status).toBe(200);
  expect((await request(w.app).patch('/api/v1/admin/users/applicant1').set(bearer(auditor)).send({ active: false })).status).toBe(403);
});

test('the audit trail: every administrative action, filterable; readable by auditor and admin, not by an applicant or a clerk', async () => {
  const auditor = (await loginAs(w.app, 'auditor')).body.token as string;
  const all = await request(w.app).get('/api/v1/admin/audit').set(bearer(auditor));
  expect(all.status).toBe(200);
  const actions = new Set(all.body.map((e: { action: string }) => e.action));
  for (const a of ['user.created', 'user.password_reset']) expect(actions).toContain(a);
  const byAdmin = await request(w.app).get('/api/v1/admin/audit?actor=admin&action=user.created').set(bearer(auditor));
  expect(byAdmin.body.map((e: { target: { id: string } }) => e.target.id)).toContain('unit.new');
  const from = new Date(Date.now() + 3600_000).toISOString();
  expect(
    (
      await request(w.app)
        .get(`/api/v1/admin/audit?from=${encodeURIComponent(from)}`)
        .set(bearer(auditor))
    ).body,
  ).toEqual([]);
  expect((await request(w.app).get('/api/v1/admin/audit?from=not-a-date').set(bearer(auditor))).status).toBe(400);
  for (const who of ['applicant1', 'unit.jgjx', 'bureau1']) {
    const t = (await loginAs(w.app, who)).body.token as string;
    const r = await request(w.app).get('/api/v1/admin/audit').set(bearer(t));
    expect({ who, status: r.status, code: r.body.code }).toEqual({ who, status: 403, code: 'FORBIDDEN' });
  }
  // the trail cannot be rewritten
  await expect(w.tdb.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
});

test('the committee office gives an expert of the pool a login; the expert changes the one-time password and is the linked voter', async () => {
  await w.tdb.db
    .insertInto('zj_expert')
    .values({
      id: 'EXP-S-NEWONE',
      pool: 'senior',
      name: '孙专家',
      specialty: 'safety_science',
      title: 'senior',
      title_since: '2015-01-01',
      org_name: '浙江大学',
      user_id: null,
      added_by: 'office1',
    })
    .execute();
  const office = (await loginAs(w.app, 'office1')).body.token as string;
  const r = await post('/api/v1/zhejiang/experts/EXP-S-NEWONE/account', office, {});
  expect(r.status).toBe(201);
  expect(r.body.user).toMatchObject({ username: 'expert.exp-s-newone', roles: ['expert'], mustChangePassword: true });
  expect((await post('/api/v1/zhejiang/experts/EXP-S-NEWONE/account', office, { username: 'sun.expert' })).body.code).toBe('EXPERT_HAS_ACCOUNT');
  expect((await post('/api/v1/zhejiang/experts/EXP-NONE/account', office, {})).status).toBe(404);
  expect((await post('/api/v1/zhejiang/experts/EXP-S-NEWONE/account', admin, {})).status).toBe(403);
  const login = await loginAs(w.app, 'expert.exp-s-newone', r.body.oneTimePassword);
  expect(login.body.mustChangePassword).toBe(true);
  expect((await post('/api/v1/auth/password', login.body.token, { oldPassword: r.body.oneTimePassword, newPassword: GOOD_PASSWORD })).status).toBe(204);
  const pool = await request(w.app).get('/api/v1/zhejiang/experts').set(bearer(office));
  expect(pool.body.find((e: { id: string }) => e.id === 'EXP-S-NEWONE').username).toBe('expert.exp-s-newone');
  const audit = await request(w.app).get('/api/v1/admin/audit?action=expert.account_created').set(bearer(admin));
  expect(audit.body[0]).toMatchObject({ actor: 'office1', target: { id: 'expert.exp-s-newone' }, details: { expertId: 'EXP-S-NEWONE' } });
});
